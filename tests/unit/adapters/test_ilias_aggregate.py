"""Learning Locker aggregation pipelines as ILIAS builds them -> query plans (pure)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.ilias.aggregate import PipelineError, parse_pipeline, regex_prefix
from adapters.ilias.aggregate_plan import (
    Accumulator,
    And,
    Compare,
    Count,
    Documents,
    Exists,
    Facet,
    Group,
    InList,
    Or,
    Prefix,
    Project,
    Query,
    SortKey,
    Unwind,
    split_array,
)
from adapters.ilias.aggregate_results import DocumentStream, apply_post, lookup, project

AU = "https://content.kreis-beispiel.de/cmi5/datenschutz/au-1"
_PREG_SPECIAL = set(".\\+*?[^]$(){}=!<>|:-#")


def preg_quote(text: str) -> str:
    """PHP's preg_quote without delimiter (ILIAS builds its `$regex` with it)."""
    return "".join("\\" + c if c in _PREG_SPECIAL else c for c in text)


def statements_report(verb: str | None = None, limit: int = 10) -> list[dict[str, Any]]:
    """ilCmiXapiStatementsReportLinkBuilder::buildPipeline, generic content, one actor."""
    match: dict[str, Any] = {
        "statement.object.objectType": "Activity",
        "statement.actor.objectType": "Agent",
    }
    if verb:
        match["statement.verb.id"] = verb
    match["statement.timestamp"] = {
        "$gt": "2026-11-01T00:00:00.000000+01:00",
        "$lt": "2026-12-01T00:00:00.000000+01:00",
    }
    activity = {"$regex": "^" + preg_quote(AU)}
    match["$and"] = [
        {
            "$or": [
                {"statement.object.id": activity},
                {"statement.context.contextActivities.parent.id": activity},
            ]
        },
        {"$or": [{"statement.actor.mbox": "mailto:6@x.ilias"}]},
    ]
    stage2: list[dict[str, Any]] = [{"$skip": 0}]
    if limit:
        stage2.append({"$limit": limit})
    return [
        {"$match": match},
        {"$sort": {"statement.timestamp": -1}},
        {
            "$facet": {
                "stage1": [{"$group": {"_id": None, "count": {"$sum": 1}}}],
                "stage2": stage2,
            }
        },
        {"$unwind": "$stage1"},
        {"$project": {"maxcount": "$stage1.count", "statements": "$stage2.statement"}},
    ]


HIGHSCORE = [
    {
        "$match": {
            "statement.object.objectType": "Activity",
            "statement.actor.objectType": "Agent",
            "statement.object.id": AU,
            "statement.result.score.scaled": {"$exists": 1},
        }
    },
    {"$sort": {"statement.timestamp": 1}},
    {
        "$group": {
            "_id": "$statement.actor.account.name",
            "mbox": {"$last": "$statement.actor.mbox"},
            "account": {"$last": "$statement.actor.account.name"},
            "username": {"$last": "$statement.actor.name"},
            "timestamp": {"$last": "$statement.timestamp"},
            "duration": {"$push": "$statement.result.duration"},
            "score": {"$last": "$statement.result.score"},
        }
    },
]

LAST_STATEMENT = [
    {
        "$match": {
            "statement.object.objectType": "Activity",
            "statement.actor.objectType": "Agent",
            "$and": [
                {"statement.context.extensions.https://ilias&46;de/cmi5/activityid": AU},
                {
                    "statement.context.extensions.https://w3id&46;org/xapi/cmi5/context/"
                    "extensions/sessionid": "e1d2c3b4-a5f6-4e7d-8c9b-0a1b2c3d4e5f"
                },
            ],
        }
    },
    {"$sort": {"statement.timestamp": -1}},
    {"$limit": 1},
    {"$project": {"statement.timestamp": 1, "statement.verb.id": 1}},
]


def test_statements_report_pipeline_becomes_one_filtered_query_per_facet():
    """ilCmiXapiStatementsReportLinkBuilder: $match, $sort, $facet, $unwind, $project."""
    plan = parse_pipeline(statements_report("http://adlnet.gov/expapi/verbs/completed"))
    assert isinstance(plan.source, Facet)
    (name1, count), (name2, page) = plan.source.branches
    assert (name1, name2) == ("stage1", "stage2")
    assert count.output == Group(None, (("count", Accumulator("sum", constant=1)),))
    assert page.output == Documents()
    assert (page.skip, page.limit) == (0, 10)
    assert page.sort == count.sort == (SortKey(("statement", "timestamp"), descending=True),)
    assert page.match == count.match
    match = page.match
    assert isinstance(match, And)
    object_type, actor_type, verb, window, both = match.items
    assert object_type == Compare(("statement", "object", "objectType"), "eq", "Activity")
    assert actor_type == Compare(("statement", "actor", "objectType"), "eq", "Agent")
    assert verb == Compare(
        ("statement", "verb", "id"), "eq", "http://adlnet.gov/expapi/verbs/completed"
    )
    after, before = window.items
    assert after == Compare(
        ("statement", "timestamp"), "gt", datetime(2026, 10, 31, 23, tzinfo=UTC)
    )
    assert before.op == "lt"
    activity, actor = both.items
    assert activity == Or(
        (
            Prefix(("statement", "object", "id"), AU),
            Prefix(("statement", "context", "contextActivities", "parent", "id"), AU),
        )
    )
    assert actor == Or((Compare(("statement", "actor", "mbox"), "eq", "mailto:6@x.ilias"),))
    assert plan.post == (
        Unwind(("stage1",)),
        Project(
            (
                (("maxcount",), ("stage1", "count"), False),
                (("statements",), ("stage2", "statement"), False),
            )
        ),
    )


def test_report_without_limit_reads_every_matching_statement():
    """buildLimitStage: no $limit when the filter's limit is 0 (the results cron job)."""
    plan = parse_pipeline(statements_report(limit=0))
    assert plan.source.branches[1][1].limit is None


def test_highscore_pipeline_groups_by_actor_with_last_and_push():
    plan = parse_pipeline(HIGHSCORE)
    assert isinstance(plan.source, Query)
    group = plan.source.output
    assert isinstance(group, Group)
    assert group.key == ("statement", "actor", "account", "name")
    assert dict(group.accumulators)["duration"] == Accumulator(
        "push", ("statement", "result", "duration")
    )
    assert dict(group.accumulators)["score"] == Accumulator(
        "last", ("statement", "result", "score")
    )
    assert Exists(("statement", "result", "score", "scaled"), True) in plan.source.match.items


def test_last_statement_pipeline_unescapes_dots_in_extension_keys():
    """ilObjCmiXapi::getLastStatementPipline writes "." in keys as &46; (Learning Locker)."""
    plan = parse_pipeline(LAST_STATEMENT)
    query = plan.source
    assert (query.limit, query.output.project.include_id) == (1, True)
    extension = query.match.items[2].items[0]
    assert extension.path == (
        "statement",
        "context",
        "extensions",
        "https://ilias.de/cmi5/activityid",
    )
    assert query.output.project.fields == (
        (("statement", "timestamp"), ("statement", "timestamp"), True),
        (("statement", "verb", "id"), ("statement", "verb", "id"), True),
    )


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("^" + preg_quote(AU), (AU, False, False)),
        ("(?i)^" + preg_quote("https://X.example/a?b=1"), ("https://X.example/a?b=1", False, True)),
        ("^abc$", ("abc", True, False)),
        ("abc", None),
        ("^a.c", None),
        ("^a\\dc", None),
        ("^(a|b)", None),
    ],
)
def test_only_anchored_literal_regexes_are_prefixes(pattern, expected):
    assert regex_prefix(pattern) == expected


def test_skip_and_limit_compose_like_mongodb():
    plan = parse_pipeline([{"$limit": 10}, {"$skip": 3}, {"$limit": 5}, {"$skip": 1}])
    assert (plan.source.skip, plan.source.limit) == (4, 4)


def test_in_nin_and_count():
    plan = parse_pipeline(
        [
            {
                "$match": {
                    "statement.verb.id": {"$in": ["a:b", "c:d"]},
                    "statement.actor.mbox": {"$nin": []},
                }
            },
            {"$count": "n"},
        ]
    )
    assert plan.source.output == Count("n")
    assert plan.source.match.items[0] == InList(("statement", "verb", "id"), ("a:b", "c:d"))
    assert plan.source.match.items[1].negate


@pytest.mark.parametrize(
    ("pipeline", "path"),
    [
        ({"$match": {}}, "pipeline"),
        ([{"$match": {}, "$sort": {"x": 1}}], "pipeline[0]"),
        ([{"$lookup": {"from": "people"}}], "pipeline[0]"),
        ([{"$match": {"$where": "1"}}], "pipeline[0].$match.$where"),
        ([{"$match": {"person.display": "x"}}], "pipeline[0].$match.person.display"),
        (
            [{"$match": {"statement.object.id": {"$regex": "datenschutz"}}}],
            "pipeline[0].$match.statement.object.id.$regex",
        ),
        (
            [{"$match": {"$and": [{"statement.verb.id": {"$elemMatch": {}}}]}}],
            "pipeline[0].$match.$and[0].statement.verb.id.$elemMatch",
        ),
        (
            [{"$match": {"statement.timestamp": {"$gt": "yesterday"}}}],
            "pipeline[0].$match.statement.timestamp.$gt",
        ),
        (
            [{"$group": {"_id": None, "score": {"$addToSet": "$statement.result.score"}}}],
            "pipeline[0].$group.score.$addToSet",
        ),
        ([{"$group": {"_id": None, "n": {"$sum": "statement"}}}], "pipeline[0].$group.n.$sum"),
        ([{"$group": {"count": {"$sum": 1}}}], "pipeline[0].$group"),
        ([{"$limit": 5}, {"$sort": {"stored": 1}}], "pipeline[1]"),
        ([{"$limit": 0}], "pipeline[0].$limit"),
        ([{"$unwind": "$statement.attachments"}], "pipeline[0]"),
        ([{"$facet": {"a": [{"$skip": 1}]}}, {"$unwind": "$a"}], "pipeline[1].$unwind"),
        ([{"$group": {"_id": None}}, {"$match": {"_id": None}}], "pipeline[1]"),
        ([{"$project": {"statement.verb.id": 1}}, {"$match": {"_id": 1}}], "pipeline[1]"),
    ],
)
def test_unsupported_pipelines_name_the_stage_and_operator(pipeline, path):
    with pytest.raises(PipelineError) as caught:
        parse_pipeline(pipeline)
    assert caught.value.path == path


def test_array_fields_of_a_statement_are_known():
    assert split_array(("statement", "context", "contextActivities", "parent", "id")) == (
        ("statement", "context", "contextActivities", "parent"),
        ("id",),
    )
    assert split_array(("statement", "object", "id")) is None


class FakeStream(DocumentStream):
    def __init__(self, docs: list[dict[str, Any]], path: tuple[str, ...] = ()) -> None:
        self.docs, self.path = docs, path

    def select(self, path: tuple[str, ...]) -> FakeStream:
        return FakeStream(self.docs, self.path + path)

    def __iter__(self) -> Iterator[Any]:
        return (lookup(d, self.path) for d in self.docs)


def test_facet_result_is_unwound_and_projected_like_learning_locker():
    """ILIAS reads current($response)['maxcount'] and ['statements']."""
    plan = parse_pipeline(statements_report())
    docs = [{"_id": "a", "statement": {"id": "a"}}, {"_id": "b", "statement": {"id": "b"}}]
    result = apply_post(
        [{"stage1": [{"_id": None, "count": 7}], "stage2": FakeStream(docs)}], plan.post
    )
    assert len(result) == 1
    assert result[0]["maxcount"] == 7
    assert list(result[0]["statements"]) == [{"id": "a"}, {"id": "b"}]


def test_facet_over_no_statements_gives_an_empty_result():
    """$group over nothing gives no document, so $unwind leaves none (ILIAS: maxCount 0)."""
    plan = parse_pipeline(statements_report())
    assert apply_post([{"stage1": [], "stage2": FakeStream([])}], plan.post) == []


def test_inclusion_projection_keeps_the_document_shape():
    plan = parse_pipeline(LAST_STATEMENT)
    doc = {
        "_id": "x",
        "statement": {
            "timestamp": "2026-11-21T13:03:12.250Z",
            "verb": {"id": "v:x", "display": {}},
            "actor": {},
        },
        "stored": "2026-11-21T13:03:13.000Z",
    }
    assert project(doc, plan.source.output.project) == {
        "_id": "x",
        "statement": {"timestamp": "2026-11-21T13:03:12.250Z", "verb": {"id": "v:x"}},
    }


def test_post_stages_sort_skip_limit_count():
    plan = parse_pipeline(
        [
            {"$group": {"_id": "$statement.actor.mbox", "n": {"$sum": 1}}},
            {"$sort": {"n": -1, "_id": 1}},
            {"$skip": 1},
            {"$limit": 2},
        ]
    )
    groups = [
        {"_id": "a", "n": 1},
        {"_id": "b", "n": 3},
        {"_id": "c", "n": 3},
        {"_id": "d", "n": 2},
    ]
    assert [g["_id"] for g in apply_post(groups, plan.post)] == ["c", "d"]
    counted = parse_pipeline([{"$group": {"_id": None}}, {"$count": "groups"}])
    assert apply_post(groups, counted.post) == [{"groups": 4}]


def test_lookup_crosses_arrays():
    doc = {
        "statement": {
            "context": {"contextActivities": {"parent": [{"id": "a"}, {"x": 1}, {"id": "b"}]}}
        }
    }
    assert lookup(doc, ("statement", "context", "contextActivities", "parent", "id")) == ["a", "b"]
