"""`/api/statements/aggregate` with ILIAS's pipelines, against hand-computed results.

The pipelines are those of tests/unit/adapters/test_ilias_aggregate.py (built as ILIAS's
components/ILIAS/CmiXapi builds them); the expected answers are worked out by hand from the
statements posted below.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import orjson
import pytest

from tests.integration.xapi.helpers import VOIDED
from tests.platform_fixtures import statements
from tests.unit.adapters.test_ilias_aggregate import (
    AU,
    HIGHSCORE,
    LAST_STATEMENT,
    preg_quote,
    statements_report,
)

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
PASSED = "http://adlnet.gov/expapi/verbs/passed"
EXPERIENCED = "http://adlnet.gov/expapi/verbs/experienced"
U1, U2 = "mailto:u1@x.ilias", "mailto:u2@x.ilias"


def _statement(sid, actor, verb, obj, ts, score=None, duration=None, parent=None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": sid,
        "actor": actor,
        "verb": {"id": verb},
        "object": {"id": obj},  # objectType left out, as ILIAS's getStatementObject does
        "timestamp": ts,
    }
    result = {}
    if score is not None:
        result["score"] = {"scaled": score}
    if duration is not None:
        result["duration"] = duration
    if result:
        body["result"] = result
    if parent:
        body["context"] = {"contextActivities": {"parent": [{"id": parent}]}}
    return body


NAMES = ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "x1"]
IDS = {name: str(uuid.UUID(int=n)) for n, name in enumerate(NAMES, 1)}


def _dataset() -> list[dict[str, Any]]:
    u1 = {"objectType": "Agent", "mbox": U1, "name": "U1"}
    u2 = {"mbox": U2, "name": "U2"}
    u3 = {"account": {"homePage": "https://ilias.kreis-beispiel.de", "name": "u3"}}
    return [
        _statement(IDS["s1"], u1, COMPLETED, AU, "2026-11-10T10:00:00.000Z", 0.5, "PT10M"),
        _statement(IDS["s2"], u1, PASSED, AU, "2026-11-11T10:00:00.000Z", 0.8, "PT5M"),
        _statement(
            IDS["s3"], u2, EXPERIENCED, AU + "/page-1", "2026-11-12T10:00:00.000Z", parent=AU
        ),
        _statement(IDS["s4"], u2, PASSED, AU, "2026-11-13T10:00:00.000Z", 0.9, "PT20M"),
        _statement(
            IDS["s5"],
            u3,
            COMPLETED,
            "https://content.kreis-beispiel.de/other",
            "2026-11-14T10:00:00.000Z",
        ),
        _statement(IDS["s6"], u1, COMPLETED, AU, "2026-11-15T10:00:00.000Z", 0.7, "PT1M"),
        {
            "id": IDS["s7"],
            "actor": u1,
            "verb": {"id": VOIDED},
            "object": {"objectType": "StatementRef", "id": IDS["s6"]},
        },
    ]


@pytest.fixture
def ilias(xapi_factory):
    """org-a with the dataset; org-b with a statement that must never show."""
    client = xapi_factory.as_(["all"], org="org-a")
    assert client.post("statements", json=_dataset()).status_code == 200
    other = xapi_factory.as_(["all"], org="org-b")
    stranger = _statement(IDS["x1"], {"mbox": U1}, PASSED, AU, "2026-11-11T11:00:00.000Z", 1.0)
    assert other.post("statements", json=[stranger]).status_code == 200
    return client


def _aggregate(client, pipeline, **headers):
    url = "/api/statements/aggregate?pipeline=" + quote(orjson.dumps(pipeline).decode())
    return client.client.get(url, headers={**client.headers(), **headers})


def _stored(client, key: str) -> dict[str, Any]:
    return client.get("statements", query_string={"statementId": IDS[key]}).get_json()


def test_statements_report_counts_and_pages_like_learning_locker(ilias):
    """s1-s4 match (s5 other activity, s6 voided, s7 a StatementRef, org-b invisible);
    newest first, first page of two: s4, s3 (s3 matched through its parent)."""
    pipeline = statements_report(limit=2)
    pipeline[0]["$match"]["$and"][1] = {
        "$or": [{"statement.actor.mbox": U1}, {"statement.actor.mbox": U2}]
    }
    response = _aggregate(ilias, pipeline)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == [
        {"maxcount": 4, "statements": [_stored(ilias, "s4"), _stored(ilias, "s3")]}
    ]


def test_statements_report_filters_by_verb_and_time(ilias):
    pipeline = statements_report(verb=PASSED, limit=0)
    pipeline[0]["$match"]["$and"].pop()  # all actors (the unfiltered report)
    pipeline[0]["$match"]["statement.timestamp"]["$lt"] = "2026-11-12T00:00:00.000000+01:00"
    (result,) = _aggregate(ilias, pipeline).get_json()
    assert result == {"maxcount": 1, "statements": [_stored(ilias, "s2")]}


def test_report_without_limit_streams_every_statement(xapi):
    """The results cron job asks for all statements (no $limit); they come in batches."""
    many = [
        _statement(
            str(uuid.uuid4()),
            {"mbox": U1},
            COMPLETED,
            AU,
            f"2026-11-10T10:{n // 60:02d}:{n % 60:02d}Z",
        )
        for n in range(1234)
    ]
    assert xapi.post("statements", json=many).status_code == 200
    page = statements_report(limit=10)
    page[0]["$match"]["$and"].pop()
    (result,) = _aggregate(xapi, page).get_json()
    assert result["maxcount"] == 1234
    assert len(result["statements"]) == 10
    pipeline = statements_report(limit=0)
    pipeline[0]["$match"]["$and"].pop()
    (result,) = _aggregate(xapi, pipeline).get_json()
    assert result["maxcount"] == 1234
    assert [s["id"] for s in result["statements"]] == [s["id"] for s in reversed(many)]


def test_statements_report_over_nothing_is_empty(ilias):
    """$group over no document gives none; ILIAS then shows maxCount 0."""
    pipeline = statements_report(verb="http://adlnet.gov/expapi/verbs/failed")
    assert _aggregate(ilias, pipeline).get_json() == []


def test_highscore_groups_by_actor_with_the_last_score_and_all_durations(ilias):
    """ilCmiXapiHighscoreReportLinkBuilder for generic content: _id = "$statement.actor.mbox".

    With a score on AU: s1, s2 (U1) and s4 (U2); s6 is voided. In timestamp order the last of
    U1 is s2."""
    pipeline = [dict(stage) for stage in HIGHSCORE]
    pipeline[2] = {"$group": {**HIGHSCORE[2]["$group"], "_id": "$statement.actor.mbox"}}
    response = _aggregate(ilias, pipeline)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json() == [
        {
            "_id": U1,
            "mbox": U1,
            "account": None,
            "username": "U1",
            "timestamp": "2026-11-11T10:00:00.000Z",
            "duration": ["PT10M", "PT5M"],
            "score": {"scaled": 0.8},
        },
        {
            "_id": U2,
            "mbox": U2,
            "account": None,
            "username": "U2",
            "timestamp": "2026-11-13T10:00:00.000Z",
            "duration": ["PT20M"],
            "score": {"scaled": 0.9},
        },
    ]


def test_group_sums_counts_and_averages(ilias):
    pipeline = [
        {"$match": {"statement.result.score.scaled": {"$gte": 0.5}}},
        {
            "$group": {
                "_id": None,
                "n": {"$sum": 1},
                "total": {"$sum": "$statement.result.score.scaled"},
                "best": {"$max": "$statement.result.score.scaled"},
                "worst": {"$min": "$statement.result.score.scaled"},
                "mean": {"$avg": "$statement.result.score.scaled"},
                "first": {"$first": "$_id"},
            }
        },
    ]
    ((result),) = _aggregate(ilias, pipeline).get_json()
    assert result["n"] == 3
    assert result["total"] == pytest.approx(2.2)
    assert (result["best"], result["worst"]) == (0.9, 0.5)
    assert result["mean"] == pytest.approx(2.2 / 3)
    assert result["first"] == IDS["s1"]


def test_group_by_verb_counts_statements(ilias):
    pipeline = [
        {"$match": {"statement.verb.id": {"$in": [COMPLETED, PASSED]}}},
        {"$group": {"_id": "$statement.verb.id", "count": {"$sum": 1}}},
        {"$sort": {"count": -1}},
    ]
    assert _aggregate(ilias, pipeline).get_json() == [
        {"_id": COMPLETED, "count": 2},
        {"_id": PASSED, "count": 2},
    ]


def test_last_statement_of_a_cmi5_session(xapi):
    """ilObjCmiXapi::getLastStatement: the newest statement of the session, projected.

    The AU's completed statement is of 2026-11-21; the hidden-data one got its stored time."""
    completed = statements("ilias/cmi5_au_completed")
    hidden = statements("ilias/proxy_hide_data")
    assert xapi.post("statements", json=completed).status_code == 200
    assert xapi.post("statements", json=hidden).status_code == 200
    stored = xapi.get("statements", query_string={"statementId": hidden[0]["id"]}).get_json()
    assert _aggregate(xapi, LAST_STATEMENT).get_json() == [
        {
            "_id": hidden[0]["id"],
            "statement": {"timestamp": stored["timestamp"], "verb": {"id": PASSED}},
        }
    ]


def test_count_and_case_insensitive_prefix(ilias):
    pipeline = [
        {
            "$match": {
                "statement.object.id": {"$regex": "^" + preg_quote(AU.upper()), "$options": "i"}
            }
        },
        {"$count": "n"},
    ]
    assert _aggregate(ilias, pipeline).get_json() == [{"n": 4}]  # s1 s2 s3 s4 (s6 voided)


def test_ne_and_nin_match_missing_fields(ilias):
    pipeline = [
        {
            "$match": {
                "statement.result.duration": {"$ne": "PT10M"},
                "statement.verb.id": {"$nin": [VOIDED]},
            }
        },
        {"$project": {"_id": 1}},
    ]
    found = {doc["_id"] for doc in _aggregate(ilias, pipeline).get_json()}
    assert found == {IDS["s2"], IDS["s3"], IDS["s4"], IDS["s5"]}


def test_registration_and_extension_filters(xapi):
    body = statements("ilias/cmi5_au_completed")
    xapi.post("statements", json=body)
    registration = body[0]["context"]["registration"]
    pipeline = [
        {"$match": {"statement.context.registration": registration.upper()}},
        {"$count": "n"},
    ]
    assert _aggregate(xapi, pipeline).get_json() == [{"n": 1}]
    pipeline[0]["$match"] = {"statement.context.registration": "not-a-uuid"}
    assert _aggregate(xapi, pipeline).get_json() == []


def test_post_with_pipeline_body(ilias):
    response = ilias.client.post(
        "/api/statements/aggregate",
        data=orjson.dumps([{"$match": {"statement.verb.id": PASSED}}, {"$count": "n"}]),
        headers={**ilias.headers(), "Content-Type": "application/json"},
    )
    assert response.get_json() == [{"n": 2}]


def test_unsupported_operator_is_400_naming_the_stage(ilias):
    pipeline = [{"$group": {"_id": None, "score": {"$addToSet": "$statement.result.score"}}}]
    response = _aggregate(ilias, pipeline)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["details"][0]["path"] == "pipeline[0].$group.score.$addToSet"


def test_missing_or_broken_pipeline_is_400(ilias):
    response = ilias.client.get("/api/statements/aggregate", headers=ilias.headers())
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "query.pipeline"
    response = ilias.client.get("/api/statements/aggregate?pipeline=[{", headers=ilias.headers())
    assert response.status_code == 400


def test_aggregate_needs_credentials_that_may_read(ilias, xapi_factory, client):
    assert client.get("/api/statements/aggregate?pipeline=[]").status_code == 401
    writer = xapi_factory.as_(["statements/write"], org="org-a")
    assert _aggregate(writer, [{"$count": "n"}]).status_code == 403


def test_read_mine_sees_only_its_own_statements(ilias, xapi_factory):
    mine = xapi_factory.as_(["statements/write", "statements/read/mine"], org="org-a")
    mine.post(
        "statements",
        json=_statement(str(uuid.uuid4()), {"mbox": U2}, PASSED, AU, "2026-11-20T10:00:00Z"),
    )
    assert _aggregate(mine, [{"$count": "n"}]).get_json() == [{"n": 1}]
    # s1-s5, the voiding s7 and the new one; s6 is voided
    assert _aggregate(ilias, [{"$count": "n"}]).get_json() == [{"n": 7}]


def test_ilias_aggregate_url_from_either_endpoint_is_this_route():
    """ilCmiXapiLrsType::getLrsEndpointStatementsAggregationLink, in Python."""

    def ilias_link(endpoint: str) -> str:
        depth = endpoint.strip("/").count("/") - 2
        parent = endpoint.rstrip("/")
        for _ in range(depth):
            parent = parent.rsplit("/", 1)[0]
        return parent + "/api/statements/aggregate"

    for endpoint in (
        "https://lernspur.example/xapi",
        "https://lernspur.example/data/xAPI",
        "https://lernspur.example/xapi/",
    ):
        assert ilias_link(endpoint) == "https://lernspur.example/api/statements/aggregate"
