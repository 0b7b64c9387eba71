"""The Statement resource through HTTP (xAPI 1.0.3 Part 3, 2.1; IEEE 9274.1.1)."""

from __future__ import annotations

import json

import pytest

from lrs.statement_store.writer import COPY_FROM
from tests.integration.xapi.helpers import ATTEMPTED, COMPLETED, COURSE, VOIDED, new_id, statement


def test_post_single_statement_returns_its_generated_id(xapi):
    """Part 3, 2.1.2: POST returns 200 and an array of the stored statements' ids."""
    response = xapi.post("statements", json=statement())
    assert response.status_code == 200
    (sid,) = response.get_json()
    fetched = xapi.get("statements", query_string={"statementId": sid})
    assert fetched.status_code == 200
    body = fetched.get_json()
    assert body["id"] == sid
    assert body["verb"]["id"] == COMPLETED


def test_stored_statement_gets_stored_timestamp_authority_and_version(xapi):
    """Part 2, 2.4.7-2.4.10: LRS sets stored, fills timestamp, overwrites authority, version."""
    sid = xapi.post("statements", json=statement(stored="2001-01-01T00:00:00Z")).get_json()[0]
    body = xapi.get("statements", query_string={"statementId": sid}).get_json()
    assert body["stored"] != "2001-01-01T00:00:00Z"
    assert body["timestamp"] == body["stored"]
    assert body["authority"]["objectType"] == "Agent"
    assert body["version"] == "1.0.0"


def test_put_statement_stores_under_given_id_and_answers_204(xapi):
    """Part 3, 2.1.1: PUT stores a single statement with the given id; 204 No Content."""
    sid = new_id()
    response = xapi.put("statements", json=statement(), query_string={"statementId": sid})
    assert response.status_code == 204
    assert xapi.get("statements", query_string={"statementId": sid}).get_json()["id"] == sid


def test_put_statement_with_used_id_and_same_content_is_204(xapi):
    """Part 3, 2.1.1.s2.b2: same id, same statement: no modification, 204."""
    sid = new_id()
    body = statement(id=sid)
    assert xapi.put("statements", json=body, query_string={"statementId": sid}).status_code == 204
    assert xapi.put("statements", json=body, query_string={"statementId": sid}).status_code == 204


def test_put_statement_with_used_id_and_other_content_is_409(xapi):
    """Part 3, 2.1.1.s2.b3: the LRS SHOULD return 409 Conflict if they do not match."""
    sid = new_id()
    xapi.put("statements", json=statement(), query_string={"statementId": sid})
    response = xapi.put(
        "statements", json=statement(verb=ATTEMPTED), query_string={"statementId": sid}
    )
    assert response.status_code == 409
    stored = xapi.get("statements", query_string={"statementId": sid}).get_json()
    assert stored["verb"]["id"] == COMPLETED


def test_put_without_statement_id_is_400(xapi):
    """Part 3, 2.1.1: statementId is required for PUT."""
    response = xapi.put("statements", json=statement())
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "query.statementId"


def test_batch_with_one_invalid_statement_stores_nothing_and_names_the_path(xapi):
    """Part 3, 3.2: 'The LRS MUST reject a batch of statements if any Statement within that
    batch is rejected.'"""
    good = statement(id=new_id())
    bad = statement()
    bad["verb"] = {"id": "not an iri"}
    response = xapi.post("statements", json=[good, good | {"id": new_id()}, bad])
    assert response.status_code == 400
    paths = [d["path"] for d in response.get_json()["error"]["details"]]
    assert any(p.startswith("statements[2].verb.id") for p in paths)
    missing = xapi.get("statements", query_string={"statementId": good["id"]})
    assert missing.status_code == 404


@pytest.mark.parametrize("size", [3, COPY_FROM + 30], ids=["insert", "copy"])
def test_batch_with_one_conflicting_id_is_409_and_stores_nothing(xapi, size):
    """Part 3, 2.1.2.s2.b5: 'The LRS MUST NOT make any modifications to its state based on a
    receiving a Statement with a statementID that it already has' — 409 for other content —
    and 3.2: 'The LRS MUST reject a batch of statements if any Statement within that batch is
    rejected': the new statements of that batch are not stored either (small batches go
    through one INSERT, larger ones through COPY)."""
    used = new_id()
    assert (
        xapi.put("statements", json=statement(), query_string={"statementId": used}).status_code
        == 204
    )
    registration = new_id()
    batch = [statement(id=new_id(), context={"registration": registration}) for _ in range(size)]
    batch.append(statement(id=used, verb=ATTEMPTED))
    response = xapi.post("statements", json=batch)
    assert response.status_code == 409
    assert response.get_json()["error"]["details"][0]["path"] == f"statements[{size}].id"
    listed = xapi.get("statements", query_string={"registration": registration})
    assert listed.get_json()["statements"] == []
    kept = xapi.get("statements", query_string={"statementId": used}).get_json()
    assert kept["verb"]["id"] == COMPLETED


def test_batch_with_duplicate_ids_is_400(xapi):
    """Part 3, 2.1.2.s2.b6: a batch with two statements of the same id SHOULD* be rejected."""
    sid = new_id()
    response = xapi.post("statements", json=[statement(id=sid), statement(id=sid)])
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "statements[1].id"


def test_statement_ids_are_scoped_per_organisation(xapi_factory):
    """Tenancy: another organisation reusing our id gets its own statement, not a 409."""
    ours = xapi_factory.as_(org="org-a")
    theirs = xapi_factory.as_(org="org-b")
    sid = new_id()
    assert (
        ours.put("statements", json=statement(), query_string={"statementId": sid}).status_code
        == 204
    )
    other = statement(verb=ATTEMPTED)
    assert (
        theirs.put("statements", json=other, query_string={"statementId": sid}).status_code == 204
    )
    assert (
        ours.get("statements", query_string={"statementId": sid}).get_json()["verb"]["id"]
        == COMPLETED
    )
    assert (
        theirs.get("statements", query_string={"statementId": sid}).get_json()["verb"]["id"]
        == ATTEMPTED
    )
    listed = theirs.get("statements").get_json()["statements"]
    assert [s["verb"]["id"] for s in listed] == [ATTEMPTED]


def test_get_lists_newest_first_and_pages_with_more(xapi):
    """Part 3, 2.1.3: reverse chronological by stored; `more` fetches further results."""
    ids = [xapi.post("statements", json=statement()).get_json()[0] for _ in range(3)]
    first = xapi.get("statements", query_string={"limit": 2}).get_json()
    assert [s["id"] for s in first["statements"]] == [ids[2], ids[1]]
    assert first["more"].startswith("/xapi/statements?more=")
    second = xapi.client.get(first["more"], headers=xapi.headers()).get_json()
    assert [s["id"] for s in second["statements"]] == [ids[0]]
    assert second["more"] == ""


def test_get_ascending_returns_oldest_first(xapi):
    """Part 3, 2.1.3: `ascending=true` returns results in ascending order of stored time."""
    ids = [xapi.post("statements", json=statement()).get_json()[0] for _ in range(3)]
    listed = xapi.get("statements", query_string={"ascending": "true"}).get_json()
    assert [s["id"] for s in listed["statements"]] == ids


@pytest.mark.parametrize("param", ["StatementId", "LIMIT", "foo"])
def test_unknown_or_miscased_parameter_is_400(xapi, param):
    """Part 3, 3.2: MUST reject parameters it does not recognise, or that match in all but case."""
    response = xapi.get("statements", query_string={param: "1"})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == f"query.{param}"


def test_filters_verb_activity_agent_registration(xapi):
    """Part 3, 2.1.3: verb, activity, agent and registration filters."""
    reg = new_id()
    a = xapi.post("statements", json=statement(context={"registration": reg})).get_json()[0]
    b = xapi.post("statements", json=statement(verb=ATTEMPTED)).get_json()[0]
    c = xapi.post("statements", json=statement(actor="mailto:ben@example.org")).get_json()[0]

    def ids(**params):
        return [
            s["id"] for s in xapi.get("statements", query_string=params).get_json()["statements"]
        ]

    assert ids(verb=ATTEMPTED) == [b]
    assert ids(verb=COMPLETED, activity=COURSE) == [c, a]
    assert ids(agent=json.dumps({"mbox": "mailto:ben@example.org"})) == [c]
    assert ids(registration=reg) == [a]


def test_related_activities_matches_context_activities(xapi):
    """Part 3, 2.1.3: related_activities includes statements whose context activities match."""
    parent = "https://lernspur.de/xapi/activities/programme/zukunft-bewegen"
    sid = xapi.post(
        "statements",
        json=statement(context={"contextActivities": {"parent": {"id": parent}}}),
    ).get_json()[0]
    plain = xapi.get("statements", query_string={"activity": parent}).get_json()
    assert plain["statements"] == []
    related = xapi.get(
        "statements", query_string={"activity": parent, "related_activities": "true"}
    ).get_json()
    assert [s["id"] for s in related["statements"]] == [sid]
    stored = related["statements"][0]["context"]["contextActivities"]["parent"]
    assert isinstance(stored, list), "a single context activity is stored as an array"


def test_related_agents_matches_instructor(xapi):
    """Part 3, 2.1.3: related_agents includes statements whose instructor matches."""
    teacher = {"mbox": "mailto:teacher@example.org"}
    sid = xapi.post("statements", json=statement(context={"instructor": teacher})).get_json()[0]
    agent = json.dumps(teacher)
    assert xapi.get("statements", query_string={"agent": agent}).get_json()["statements"] == []
    related = xapi.get("statements", query_string={"agent": agent, "related_agents": "true"})
    assert [s["id"] for s in related.get_json()["statements"]] == [sid]


@pytest.mark.parametrize("size", [1, COPY_FROM, COPY_FROM + 5])
def test_related_filters_find_every_statement_of_a_batch_whatever_its_size(xapi, size):
    """Part 3, 2.1.3: related_activities and related_agents match context activities and
    instructors. On PostgreSQL small requests are written with one INSERT … WITH (side rows
    matched to their statement by id), large ones with COPY; on SQLite with INSERT …
    RETURNING: each must write every statement's filter rows under its own key."""
    parent = f"https://lernspur.de/xapi/activities/programme/{new_id()}"
    teacher = {"mbox": f"mailto:{new_id()}@example.org"}
    batch = [
        statement(
            actor=f"mailto:learner-{n}@example.org",
            context={
                "instructor": teacher,
                "contextActivities": {"grouping": [{"id": parent}, {"id": f"{parent}/{n}"}]},
            },
        )
        for n in range(size)
    ]
    sent = xapi.post("statements", json=batch).get_json()
    by_activity = xapi.get(
        "statements", query_string={"activity": parent, "related_activities": "true"}
    ).get_json()["statements"]
    by_agent = xapi.get(
        "statements", query_string={"agent": json.dumps(teacher), "related_agents": "true"}
    ).get_json()["statements"]
    assert sorted(s["id"] for s in by_activity) == sorted(sent)
    assert sorted(s["id"] for s in by_agent) == sorted(sent)
    for n, sid in enumerate(sent):
        own = xapi.get(
            "statements", query_string={"activity": f"{parent}/{n}", "related_activities": "true"}
        ).get_json()["statements"]
        assert [s["id"] for s in own] == [sid], "each statement's rows carry its own key"


def test_voided_statement_is_hidden_but_fetchable_by_voided_statement_id(xapi):
    """Part 3, 2.1.4: voided statements only via voidedStatementId; voiding ones still listed."""
    target = xapi.post("statements", json=statement()).get_json()[0]
    voiding = xapi.post(
        "statements",
        json=statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target}),
    ).get_json()[0]
    assert xapi.get("statements", query_string={"statementId": target}).status_code == 404
    voided = xapi.get("statements", query_string={"voidedStatementId": target})
    assert voided.status_code == 200
    assert voided.get_json()["id"] == target
    # Filter conditions for StatementRefs: the voiding statement matches through its target.
    listed = xapi.get("statements", query_string={"verb": COMPLETED}).get_json()["statements"]
    assert [s["id"] for s in listed] == [voiding]


def test_statement_responses_carry_consistent_through_and_version(xapi):
    """Part 3, 2.1.3: X-Experience-API-Consistent-Through on all Statement resource responses."""
    for response in (xapi.get("statements"), xapi.get("statements", query_string={"x": "1"})):
        assert "X-Experience-API-Consistent-Through" in response.headers
        assert response.headers["X-Experience-API-Version"] == "1.0.3"


def test_read_mine_scope_sees_only_own_statements(xapi_factory):
    """Part 4, 4.2: statements/read/mine reads only what this credential stored."""
    writer = xapi_factory.as_(["statements/write"])
    mine = xapi_factory.as_(["statements/write", "statements/read/mine"])
    writer.post("statements", json=statement())
    own = mine.post("statements", json=statement()).get_json()[0]
    listed = mine.get("statements").get_json()["statements"]
    assert [s["id"] for s in listed] == [own]


def test_write_only_credential_cannot_read_403(xapi_factory):
    writer = xapi_factory.as_(["statements/write"])
    response = writer.get("statements")
    assert response.status_code == 403
    assert response.get_json()["error"]["details"][0]["path"] == "scope"


def test_wrong_secret_is_401_with_basic_challenge(xapi):
    xapi.secret = "wrong"
    response = xapi.get("statements")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_multipart_form_data_is_400(xapi):
    """Part 3, 1.5: statements come as application/json or multipart/mixed only."""
    response = xapi.post(
        "statements",
        data=json.dumps(statement()),
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "headers.Content-Type"
