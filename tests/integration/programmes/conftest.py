"""Fixtures for programme tests: the example framework, catalogue and programmes loaded, xAPI
clients of member organisations, a manager's API token."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from lrs.auth.services import create_credential, create_organisation, get_organisation
from lrs.catalogue.services import load_catalogue
from lrs.competencies.services import import_framework, read_framework_file
from lrs.errors import NotFound
from lrs.learners.services import import_learners
from lrs.programmes.managers import create_manager
from lrs.programmes.services import get_programme, load_programme
from lrs.projections.rebuild import DERIVED, rebuild
from tests.conftest import EXAMPLES, XapiClient

COURSE = "https://lernspur.de/xapi/activities/course/"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"


def account(homepage: str, name: str) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": homepage, "name": name}}


def statement(
    actor: dict[str, Any],
    verb: str,
    activity: str,
    timestamp: str,
    context_items: list[str] | None = None,
) -> dict[str, Any]:
    stmt: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[1]}},
        "object": {"objectType": "Activity", "id": activity},
        "timestamp": timestamp,
    }
    if context_items:
        stmt["context"] = {
            "contextActivities": {"grouping": [{"id": uri} for uri in context_items]}
        }
    return stmt


def voiding(target_id: str, actor: dict[str, Any]) -> dict[str, Any]:
    return {
        "actor": actor,
        "verb": {"id": VOIDED, "display": {"en": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }


@dataclass
class Programmes:
    """Loads example definitions and talks to the app as organisations and as a manager."""

    client: Any
    session: Any

    def load_examples(self) -> None:
        import_framework(
            self.session,
            read_framework_file(EXAMPLES / "frameworks" / "kompetenzmodell-kommunal.case.json"),
            "kompetenzmodell-kommunal",
        )
        load_catalogue(self.session, yaml.safe_load((EXAMPLES / "catalogue.yaml").read_text()))
        self.session.commit()

    def load(self, name_or_data: str | dict[str, Any]) -> str:
        data = (
            yaml.safe_load((EXAMPLES / "programmes" / f"{name_or_data}.yaml").read_text())
            if isinstance(name_or_data, str)
            else name_or_data
        )
        loaded = load_programme(self.session, data)
        rebuild(self.session, programme_pks=[get_programme(self.session, loaded.slug).pk])
        self.session.commit()
        return loaded.slug

    def xapi(self, org: str) -> XapiClient:
        try:
            organisation = get_organisation(self.session, org)
        except NotFound:
            organisation = create_organisation(self.session, org, org)
        issued = create_credential(self.session, organisation, ["all"])
        self.session.commit()
        return XapiClient(self.client, issued.key, issued.secret, org)

    def post(self, org: str, statements: list[dict[str, Any]]) -> list[str]:
        response = self.xapi(org).post("statements", json=statements)
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def learners(self, org: str, csv_text: str) -> None:
        import_learners(self.session, get_organisation(self.session, org).pk, csv_text)
        self.session.commit()

    def token(self, programme: str) -> str:
        issued = create_manager(self.session, programme, None)
        self.session.commit()
        return issued.token

    def api(self, path: str, token: str, **query: str) -> Any:
        return self.client.get(
            f"/api/v1/{path}", headers={"Authorization": f"Bearer {token}"}, query_string=query
        )

    def rebuild(self) -> None:
        rebuild(self.session)
        self.session.commit()


@pytest.fixture
def programmes(client, db_session) -> Programmes:
    helper = Programmes(client, db_session)
    helper.load_examples()
    return helper


def without_time(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "as_of"}


def projection_rows(session) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every derived table (facts and summaries), sorted, by table name."""
    return {
        model.__tablename__: sorted(
            tuple(row) for row in session.execute(select(*model.__table__.columns))
        )
        for model in DERIVED
    }


def assert_rebuild_gives_identical_figures(programmes, slug, token, paths):
    """The API's figures, and every row of the derived tables the live path kept current,
    before and after `projections rebuild` (ignoring `as_of`)."""

    def figures():
        return [
            without_time(programmes.api(f"programmes/{slug}/{path}", token).get_json())
            for path in paths
        ]

    before = figures()
    rows = projection_rows(programmes.session)
    programmes.rebuild()
    assert projection_rows(programmes.session) == rows
    assert figures() == before
