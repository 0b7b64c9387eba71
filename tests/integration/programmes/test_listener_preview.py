"""The projections' listener tells before a store whether it will write (lrs.statement_store.hooks):
a batch no listener acts on is stored in one SQL statement outside a transaction, so the answer
must be yes for every statement that gives facts, or those facts would miss the statement's
transaction. Checked against what storing each statement writes, for a programme loaded from
the examples (seed 000, `zukunft-bewegen`)."""

from __future__ import annotations

from sqlalchemy import func, select

from lrs.auth.models import Credential
from lrs.auth.services import get_organisation, principal_for
from lrs.projections.listener import acts_on
from lrs.projections.models import EvidenceFact, ParticipationFact
from lrs.statement_store.hooks import StoredBatch
from tests.integration.programmes.conftest import (
    ATTEMPTED,
    COMPLETED,
    COURSE,
    PASSED,
    account,
    statement,
)

K1 = "https://moodle.kommune-01.de"
EAKTE = COURSE + "e-akte-grundlagen"


def _facts(session) -> int:
    return sum(
        session.scalar(select(func.count()).select_from(model))
        for model in (EvidenceFact, ParticipationFact)
    )


def test_the_listener_says_it_acts_on_exactly_the_statements_that_give_facts(
    programmes, db_session
):
    programmes.load("zukunft-bewegen")
    client = programmes.xapi("kommune-01")
    org = get_organisation(db_session, "kommune-01")
    principal = principal_for(
        db_session.scalar(select(Credential).where(Credential.key == client.key))
    )
    cases = [
        statement(account(K1, "u1"), COMPLETED, EAKTE, "2013-03-10T09:00:00Z"),  # participation
        statement(account(K1, "u2"), PASSED, COURSE + "selbstlernen", "2013-04-02T09:00:00Z"),
        statement(account(K1, "u3"), ATTEMPTED, EAKTE, "2013-05-01T09:00:00Z"),  # no such verb
        statement(
            account(K1, "u4"), COMPLETED, "https://elsewhere.example/c/1", "2011-06-01T09:00:00Z"
        ),
        statement(
            account(K1, "u5"),
            "http://adlnet.gov/expapi/verbs/experienced",
            EAKTE,
            "2013-05-01T09:00:00Z",
        ),
    ]
    answers = []
    for case in cases:
        said = acts_on(db_session, StoredBatch(org.pk, principal, [case], ()))
        before = _facts(db_session)
        assert client.post("statements", json=case).status_code == 200
        answers.append((said, _facts(db_session) > before))
    assert all(said == wrote for said, wrote in answers), answers
    assert [wrote for _said, wrote in answers].count(True) >= 2  # the set tells both answers
    assert [wrote for _said, wrote in answers].count(False) >= 2
