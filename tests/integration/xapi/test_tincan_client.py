"""The reference Python xAPI client (`tincan`) against a real `lernspur serve`."""

from __future__ import annotations

import uuid

import pytest
from tincan import Activity, Agent, RemoteLRS, Statement, Verb

pytestmark = pytest.mark.server


def test_tincan_client_saves_and_retrieves_statement(live_server):
    """Part 3, 2.1: a conformant client stores a statement and reads it back by id."""
    creds = live_server.credentials()
    lrs = RemoteLRS(
        version="1.0.1",
        endpoint=f"{live_server.url}/xapi/",
        username=creds["key"],
        password=creds["secret"],
    )
    statement = Statement(
        id=str(uuid.uuid4()),
        actor=Agent(name="Anna", mbox="mailto:anna@example.org"),
        verb=Verb(
            id="http://adlnet.gov/expapi/verbs/completed", display={"de-DE": "abgeschlossen"}
        ),
        object=Activity(id="https://lernspur.de/xapi/activities/course/e-akte-grundlagen"),
    )
    saved = lrs.save_statement(statement)
    assert saved.success, saved.data
    fetched = lrs.retrieve_statement(str(statement.id))
    assert fetched.success, fetched.data
    assert fetched.content.verb.id == "http://adlnet.gov/expapi/verbs/completed"
    assert fetched.content.actor.mbox == "mailto:anna@example.org"
    # tincan 1.0.0's `about()` refuses any version newer than 1.0.3 in the About list, and
    # we list 2.0.0 as the specification requires; so About is tested without it.


def test_tincan_client_queries_by_verb(live_server):
    creds = live_server.credentials()
    lrs = RemoteLRS(
        version="1.0.1",
        endpoint=f"{live_server.url}/xapi/",
        username=creds["key"],
        password=creds["secret"],
    )
    for verb in ("completed", "attempted"):
        lrs.save_statement(
            Statement(
                actor=Agent(mbox="mailto:ben@example.org"),
                verb=Verb(id=f"http://adlnet.gov/expapi/verbs/{verb}"),
                object=Activity(id="https://lernspur.de/xapi/activities/course/selbstlernen"),
            )
        )
    result = lrs.query_statements({"verb": Verb(id="http://adlnet.gov/expapi/verbs/attempted")})
    assert result.success, result.data
    assert [s.verb.id for s in result.content.statements] == [
        "http://adlnet.gov/expapi/verbs/attempted"
    ]
