"""Statement writes under a credential remembered from an earlier request (lrs.auth.recall).

The memory must never change an answer. xAPI 1.0.3 Part 3, 4 (Authentication): a request whose
credential the LRS does not accept is answered 401 Unauthorized; issue #2: no request reads or
writes another tenant's data, and a credential's scopes decide what it may do. Each test first
writes once (so that, on PostgreSQL, the credential is remembered), then changes the credential
or its organisation, then writes again: the second answer is what a fresh authentication gives.
On SQLite nothing is remembered and the same answers come from the authentication itself.
"""

from __future__ import annotations

import dataclasses

import yaml
from sqlalchemy import func, select, update

from lrs.auth.models import Credential, Organisation
from lrs.auth.recall import MEMORY
from lrs.catalogue.services import load_catalogue
from lrs.db import get_db
from lrs.statement_store.models import Statement
from tests.conftest import EXAMPLES
from tests.integration.xapi.helpers import ATTEMPTED, new_id, statement


def _stored(db_session, org_slug: str) -> int:
    return db_session.scalar(
        select(func.count())
        .select_from(Statement)
        .join(Organisation, Organisation.pk == Statement.org_pk)
        .where(Organisation.slug == org_slug)
    )


def _change_credential(db_session, key: str, **values) -> None:
    db_session.execute(update(Credential).where(Credential.key == key).values(**values))
    db_session.commit()


def test_a_credential_revoked_after_it_wrote_is_refused_401_at_its_next_write(xapi, db_session):
    from datetime import UTC, datetime

    assert xapi.post("statements", json=statement()).status_code == 200
    _change_credential(db_session, xapi.key, revoked_at=datetime.now(UTC))

    response = xapi.post("statements", json=statement(verb=ATTEMPTED))

    assert response.status_code == 401
    assert response.get_json()["error"]["details"][0]["path"] == "headers.Authorization"
    assert _stored(db_session, xapi.org) == 1


def test_a_credential_whose_scopes_shrank_is_refused_403_at_its_next_write(xapi, db_session):
    assert xapi.post("statements", json=statement()).status_code == 200
    _change_credential(db_session, xapi.key, scopes=["statements/read"])

    response = xapi.post("statements", json=statement(verb=ATTEMPTED))

    assert response.status_code == 403
    assert _stored(db_session, xapi.org) == 1


def test_a_revoked_credential_reusing_a_statement_id_gets_401_not_the_409_that_reveals_it(
    xapi, db_session
):
    """Part 3, 2.1.2.s2.b5 answers 409 for a different statement under a used id; a credential
    revoked meanwhile must not learn, through that 409, that the id is stored."""
    from datetime import UTC, datetime

    statement_id = new_id()
    assert xapi.put(f"statements?statementId={statement_id}", json=statement()).status_code == 204
    assert xapi.post("statements", json=statement()).status_code == 200  # remembered now
    _change_credential(db_session, xapi.key, revoked_at=datetime.now(UTC))

    response = xapi.post("statements", json=statement(id=statement_id, verb=ATTEMPTED))

    assert response.status_code == 401


def test_the_authority_names_the_organisation_as_renamed_since_the_last_write(xapi, db_session):
    """Part 2, 2.4.9: the LRS sets the authority; for a credential without label it is named
    after its organisation, as the organisation is named when the statement is stored."""
    assert xapi.post("statements", json=statement()).status_code == 200
    db_session.execute(
        update(Organisation).where(Organisation.slug == xapi.org).values(name="Stadt Neustadt")
    )
    db_session.commit()

    statement_id = xapi.post("statements", json=statement(verb=ATTEMPTED)).get_json()[0]

    stored = xapi.get(f"statements?statementId={statement_id}").get_json()
    assert stored["authority"]["name"] == "Stadt Neustadt"


def test_a_write_after_what_authentication_reads_changed_is_stored_once_and_refreshes_it(
    app, xapi, db_session
):
    """The values read with authentication (the projections' definitions version) are checked
    by the insert too: a write after they changed stores nothing, then runs again fresh and
    remembers the new values."""
    assert xapi.post("statements", json=statement()).status_code == 200
    memory = get_db(app).session_factory.kw["info"].get(MEMORY)
    if memory is None:  # SQLite: nothing is remembered, every write authenticates
        assert db_session.get_bind().dialect.name == "sqlite"
        assert xapi.post("statements", json=statement(verb=ATTEMPTED)).status_code == 200
        assert _stored(db_session, xapi.org) == 2
        return
    before = memory.get(xapi.key)
    assert before is not None
    # An administrator loads the catalogue: the definitions version changes.
    load_catalogue(db_session, yaml.safe_load((EXAMPLES / "catalogue.yaml").read_text()))
    db_session.commit()

    assert xapi.post("statements", json=statement(verb=ATTEMPTED)).status_code == 200

    assert _stored(db_session, xapi.org) == 2
    after = memory.get(xapi.key)
    assert after is not before
    assert after.values != before.values


def test_another_organisations_credential_is_never_served_by_the_memory(
    xapi, xapi_factory, db_session
):
    """Issue #2: a request reads and writes only its own organisation's data; each credential
    is remembered under its own key and checked against its own secret."""
    other = xapi_factory.as_(["all"], org="org-b")
    for client in (xapi, other, xapi, other):
        assert client.post("statements", json=statement()).status_code == 200
    wrong = dataclasses.replace(other, secret=xapi.secret)
    assert wrong.post("statements", json=statement()).status_code == 401
    assert (_stored(db_session, "org-a"), _stored(db_session, "org-b")) == (2, 2)


def test_a_revoked_credential_resending_a_stored_statement_gets_401_not_204(xapi, db_session):
    """Part 3, 2.1.1: the same statement PUT again is answered 204 without storing anything;
    a credential revoked since must get 401 though no insert runs to check it."""
    from datetime import UTC, datetime

    statement_id = new_id()
    body = statement()
    assert xapi.put(f"statements?statementId={statement_id}", json=body).status_code == 204
    _change_credential(db_session, xapi.key, revoked_at=datetime.now(UTC))

    response = xapi.put(f"statements?statementId={statement_id}", json=body)

    assert response.status_code == 401


def test_an_unchanged_credential_is_served_by_the_memory_without_a_fresh_authentication(
    app, xapi, db_session
):
    """The other tests here would pass if every recalled write failed its check and ran again
    fresh; this one fails then: the entry a write remembered serves the next writes as it is
    (a failed check forgets it, and the fresh run remembers a new entry)."""
    assert xapi.post("statements", json=statement()).status_code == 200
    memory = get_db(app).session_factory.kw["info"].get(MEMORY)
    if memory is None:  # SQLite: nothing is remembered
        assert db_session.get_bind().dialect.name == "sqlite"
        return
    entry = memory.get(xapi.key)
    statement_id = new_id()
    assert xapi.post("statements", json=statement(verb=ATTEMPTED)).status_code == 200
    assert xapi.put(f"statements?statementId={statement_id}", json=statement()).status_code == 204
    assert xapi.put(f"statements?statementId={statement_id}", json=statement()).status_code == 204
    assert memory.get(xapi.key) is entry
    assert _stored(db_session, xapi.org) == 3
