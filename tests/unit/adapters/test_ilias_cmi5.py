"""ILIAS xAPI/cmi5 object traffic: recognition and normalisation."""

from __future__ import annotations

import copy

import pytest

from adapters.base import AdapterContext
from adapters.ilias.cmi5 import ACTIVITY_EXTENSION, Cmi5Adapter
from adapters.registry import recognise
from adapters.urls import activity_key
from statements.validation import validate_statement
from tests.platform_fixtures import ILIAS, statements

ADAPTER = Cmi5Adapter()
ALL = [(f"{n}[{i}]", s) for n in ILIAS for i, s in enumerate(statements(f"ilias/{n}"))]


@pytest.mark.parametrize(("where", "statement"), ALL, ids=[w for w, _ in ALL])
def test_cmi5_object_statements_are_recognised_as_ilias(where, statement):
    """ilObjCmiXapi::getStatementExtensions puts https://ilias.de/cmi5/activityid in context."""
    adapter = recognise(statement)
    assert adapter is not None
    assert adapter.name == "ilias"
    validate_statement(ADAPTER.normalise(statement, AdapterContext()), "1.0.3")


def test_generic_xapi_content_through_the_proxy_is_no_adapter_traffic():
    """The proxy forwards generic content unchanged; it carries no ILIAS marker."""
    assert recognise(statements("ilias/xapi_generic_mbox")[0]) is None


def test_ilias_leaves_ids_to_the_client():
    statement = statements("ilias/cmi5_launched")[0]
    assert ADAPTER.statement_id(statement, AdapterContext()) is None


@pytest.mark.parametrize("placeholder", ["1970-01-01T00:00:00.000Z", "1970-01-01T01:00:00+01:00"])
def test_hidden_timestamp_placeholder_is_dropped(placeholder):
    """XapiProxyPolyFill.php: "hide data" writes the epoch; the LRS then uses `stored`."""
    statement = statements("ilias/proxy_hide_data")[0]
    statement["timestamp"] = placeholder
    normalised = ADAPTER.normalise(statement, AdapterContext())
    assert "timestamp" not in normalised
    assert normalised["result"]["duration"] == "PT00.000S"


def test_real_timestamps_and_verbs_stay_as_sent():
    """ILIAS reads its ADL `satisfied` back (ilXapiStatementEvaluation): the verb is kept."""
    for name in ("cmi5_satisfied", "cmi5_au_completed", "cmi5_launched"):
        statement = statements(f"ilias/{name}")[0]
        assert ADAPTER.normalise(statement, AdapterContext()) == statement


def test_satisfied_cmi5_course_mapped_onto_the_catalogue_names_the_course():
    statement = statements("ilias/cmi5_satisfied")[0]
    course = "https://lernspur.de/xapi/activities/course/datenschutz-im-amt"
    context = AdapterContext(catalogue={activity_key(statement["object"]["id"]): course})
    normalised = ADAPTER.normalise(statement, context)
    assert normalised["context"]["contextActivities"]["other"] == [
        {"objectType": "Activity", "id": course}
    ]
    assert (
        normalised["context"]["contextActivities"]["grouping"]
        == (statement["context"]["contextActivities"]["grouping"])
    )


def test_non_string_marker_is_not_ilias():
    statement = copy.deepcopy(statements("ilias/cmi5_launched")[0])
    statement["context"]["extensions"][ACTIVITY_EXTENSION] = {"id": 1}
    assert recognise(statement) is None
