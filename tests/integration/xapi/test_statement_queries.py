"""GET Statements through HTTP: `since`/`until`, `format`, `Last-Modified`, and xAPI 2.0
(xAPI 1.0.3 Part 3, 2.1.3; IEEE 9274.1.1 / xAPI 2.0, Part 3, 1.2 and 2.1.3)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime

import pytest

from tests.integration.xapi.helpers import COMPLETED, COURSE, statement

PROGRAMME = "https://lernspur.de/xapi/activities/programme/zukunft-bewegen"
MENTOR = {"objectType": "Agent", "name": "Mara Mentorin", "mbox": "mailto:mara@example.org"}
COHORT = {
    "objectType": "Group",
    "name": "Kohorte Nord",
    "mbox": "mailto:kohorte-nord@example.org",
    "member": [{"objectType": "Agent", "name": "Ben", "mbox": "mailto:ben@example.org"}],
}


def listed_ids(xapi, **params):
    """The ids of the statements GET /statements returns for `params`, in order."""
    response = xapi.get("statements", query_string=params)
    assert response.status_code == 200, response.get_json()
    return [s["id"] for s in response.get_json()["statements"]]


def fetch(xapi, sid, headers=None, **params):
    """GET one statement by id (200 expected); `params` are further query parameters."""
    query = {"statementId": sid, **params}
    response = xapi.get("statements", query_string=query, headers=headers or {})
    assert response.status_code == 200, response.get_json()
    return response


def store_one_by_one(xapi, count):
    """`count` statements, each POSTed alone and stored at least a millisecond after the
    previous one; their ids and `stored` values, oldest first."""
    stored = []
    for _ in range(count):
        sid = xapi.post("statements", json=statement()).get_json()[0]
        stored.append((sid, fetch(xapi, sid).get_json()["stored"]))
        time.sleep(0.003)  # `stored` has millisecond precision
    assert len({at for _, at in stored}) == count
    return stored


def instant(timestamp):
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00"))


def last_modified(response):
    """The response's Last-Modified as an aware datetime, checked to be an HTTP-date (GMT)."""
    header = response.headers["Last-Modified"]
    assert header.endswith(" GMT"), header
    return parsedate_to_datetime(header)


# --- since and until -------------------------------------------------------------------------


def test_since_is_exclusive_and_until_inclusive_on_stored(xapi):
    """Part 3, 2.1.3 (table rows 9, 10): since: "Only Statements stored since the specified
    Timestamp (exclusive) are returned"; until: "Only Statements stored at or before the
    specified Timestamp are returned"."""
    (a, stored_a), (b, stored_b), (c, stored_c) = store_one_by_one(xapi, 3)
    assert listed_ids(xapi, since=stored_a) == [c, b]
    assert listed_ids(xapi, since=stored_b) == [c]
    assert listed_ids(xapi, since=stored_c) == []
    assert listed_ids(xapi, until=stored_a) == [a]
    assert listed_ids(xapi, until=stored_b) == [b, a]
    assert listed_ids(xapi, until=stored_c) == [c, b, a]
    assert listed_ids(xapi, since=stored_a, until=stored_b) == [b]
    assert listed_ids(xapi, since=stored_a, until=stored_a) == []
    assert listed_ids(xapi, since=stored_a, until=stored_c, ascending="true") == [b, c]


def test_since_and_until_compare_instants_whatever_the_offset(xapi):
    """Part 3, 2.1.3: since/until are Timestamps (Part 2, 4.5: ISO 8601, with time zone); the
    same instant written with another offset selects the same statements."""
    (a, _), (b, stored_b), (c, _) = store_one_by_one(xapi, 3)
    plus_two = instant(stored_b).astimezone(timezone(timedelta(hours=2))).isoformat()
    assert listed_ids(xapi, since=plus_two) == [c]
    assert listed_ids(xapi, until=plus_two) == [b, a]


def test_more_link_keeps_since_and_until(xapi):
    """Part 3, 2.1.3 / Part 2, 2.5 (StatementResult "more"): the IRL for the next page of the
    same query, so since/until still apply to it."""
    (_, stored_a), (b, _), (c, stored_c), _ = store_one_by_one(xapi, 4)
    first = xapi.get("statements", query_string={"since": stored_a, "until": stored_c, "limit": 1})
    page = first.get_json()
    assert [s["id"] for s in page["statements"]] == [c]
    second = xapi.client.get(page["more"], headers=xapi.headers()).get_json()
    assert [s["id"] for s in second["statements"]] == [b]
    assert second["more"] == ""


# --- format ----------------------------------------------------------------------------------


def rich_statement():
    """A statement with names and language maps everywhere the formats touch."""
    body = statement(
        context={
            "instructor": {
                "objectType": "Agent",
                "name": "Tom Lehrer",
                "account": {"homePage": "https://lernspur.de", "name": "tom"},
            },
            "team": COHORT,
            "contextActivities": {
                "parent": [
                    {
                        "objectType": "Activity",
                        "id": PROGRAMME,
                        "definition": {
                            "name": {"de-DE": "Zukunft bewegen", "en-US": "Moving the future"}
                        },
                    }
                ]
            },
        },
        result={"completion": True},
    )
    body["actor"] = {"objectType": "Agent", "name": "Anna Beispiel", "mbox": "mailto:a@example.org"}
    body["object"]["definition"]["description"] = {"de-DE": "Grundkurs", "en-US": "Basics"}
    return body


def test_format_ids_keeps_only_what_identifies_agents_groups_activities_and_verbs(xapi):
    """Part 3, 2.1.3 (table row 12): "If ids, only include minimum information necessary in
    Agent, Activity, Verb and Group Objects to identify them"."""
    sid = xapi.post("statements", json=rich_statement()).get_json()[0]
    body = fetch(xapi, sid, format="ids").get_json()
    assert body["actor"] == {"objectType": "Agent", "mbox": "mailto:a@example.org"}
    assert body["verb"] == {"id": COMPLETED}
    assert body["object"] == {"id": COURSE}
    context = body["context"]
    assert context["instructor"] == {
        "objectType": "Agent",
        "account": {"homePage": "https://lernspur.de", "name": "tom"},
    }
    assert context["team"] == {"objectType": "Group", "mbox": "mailto:kohorte-nord@example.org"}
    assert context["contextActivities"] == {"parent": [{"id": PROGRAMME}]}
    authority = body["authority"]
    assert set(authority) == {"objectType", "account"}
    assert authority["account"]["name"] == xapi.key
    # What does not describe an Agent, Activity, Verb or Group is left as it is.
    assert body["id"] == sid
    assert body["result"] == {"completion": True}
    assert body["stored"] == fetch(xapi, sid).get_json()["stored"]


def test_format_ids_identifies_an_anonymous_group_by_its_members(xapi):
    """Part 3, 2.1.3 (table row 12): "For Anonymous Groups this means including the minimum
    information needed to identify each member"."""
    group = {
        "objectType": "Group",
        "name": "Lerngruppe",
        "member": [
            {"objectType": "Agent", "name": "Cem", "mbox": "mailto:cem@example.org"},
            {
                "objectType": "Agent",
                "name": "Dana",
                "account": {"homePage": "https://lernspur.de", "name": "dana"},
            },
        ],
    }
    sid = xapi.post("statements", json=statement(object=group)).get_json()[0]
    body = fetch(xapi, sid, format="ids").get_json()
    assert body["object"] == {
        "objectType": "Group",
        "member": [
            {"objectType": "Agent", "mbox": "mailto:cem@example.org"},
            {"objectType": "Agent", "account": {"homePage": "https://lernspur.de", "name": "dana"}},
        ],
    }


def test_format_exact_returns_agents_activities_and_verbs_as_received(xapi):
    """Part 3, 2.1.3 (table row 12): "If exact, return Agent, Activity, Verb and Group Objects
    populated exactly as they were when the Statement was received"; exact is the default."""
    sent = rich_statement()
    sid = xapi.post("statements", json=sent).get_json()[0]
    exact = fetch(xapi, sid, format="exact").get_json()
    for prop in ("actor", "verb", "object", "context", "result"):
        assert exact[prop] == sent[prop], prop
    assert fetch(xapi, sid).get_json() == exact


@pytest.mark.parametrize(
    ("accept_language", "chosen"),
    [
        ("de-DE", "de-DE"),
        ("en-US", "en-US"),
        ("fr-FR, en-US;q=0.8, de-DE;q=0.5", "en-US"),
        ("de", "de-DE"),  # RFC 2616, 14.4: a range matches a tag it is a prefix of
    ],
)
def test_format_canonical_returns_one_language_chosen_by_accept_language(
    xapi, accept_language, chosen
):
    """Part 3, 2.1.3.s4.b1: "The LRS MUST return only one language in each of these maps";
    s4.b5: it "MUST apply the Accept-Language header as described in RFC 2616 ... to each
    language map individually"; agents "as in exact mode" (table row 12)."""
    sent = rich_statement()
    sid = xapi.post("statements", json=sent).get_json()[0]
    body = fetch(
        xapi, sid, format="canonical", headers={"Accept-Language": accept_language}
    ).get_json()

    def pick(language_map):
        return {chosen: language_map[chosen]}

    assert body["verb"]["display"] == pick(sent["verb"]["display"])
    definition = body["object"]["definition"]
    assert definition["name"] == pick(sent["object"]["definition"]["name"])
    assert definition["description"] == pick(sent["object"]["definition"]["description"])
    (parent,) = body["context"]["contextActivities"]["parent"]
    assert parent["definition"]["name"] == pick(
        sent["context"]["contextActivities"]["parent"][0]["definition"]["name"]
    )
    assert body["actor"] == sent["actor"]
    assert body["context"]["team"] == sent["context"]["team"]


def test_format_canonical_without_an_acceptable_language_still_returns_one(xapi):
    """Part 3, 2.1.3.s4.b1: "The LRS MUST return only one language in each of these maps",
    also when none of them is acceptable to the client."""
    sent = rich_statement()
    sid = xapi.post("statements", json=sent).get_json()[0]
    body = fetch(xapi, sid, format="canonical", headers={"Accept-Language": "fr-FR"}).get_json()
    for language_map, original in (
        (body["verb"]["display"], sent["verb"]["display"]),
        (body["object"]["definition"]["name"], sent["object"]["definition"]["name"]),
    ):
        assert len(language_map) == 1
        assert language_map.items() <= original.items()


def test_format_canonical_uses_the_lrs_canonical_activity_definition(xapi):
    """Part 3, 2.1.3 (table row 12): "If canonical, return Activity Objects and Verbs populated
    with the canonical definition of the Activity Objects ... as determined by the LRS"; s4.b3:
    "If the LRS maintains a canonical version of a language map, it SHOULD* return this
    canonical language map". This LRS maintains one (GET /activities, Part 3, 2.5)."""
    first = statement()
    first["object"]["definition"] = {"name": {"de-DE": "Datenschutz"}}
    sid = xapi.post("statements", json=first).get_json()[0]
    later = statement()
    later["object"]["definition"] = {
        "name": {"en-US": "Data protection"},
        "description": {"en-US": "The basics"},
    }
    xapi.post("statements", json=later)
    canonical = xapi.get("activities", query_string={"activityId": COURSE}).get_json()
    assert canonical["definition"]["name"] == {"de-DE": "Datenschutz", "en-US": "Data protection"}
    body = fetch(xapi, sid, format="canonical", headers={"Accept-Language": "en-US"}).get_json()
    assert body["object"]["definition"] == {
        "name": {"en-US": "Data protection"},
        "description": {"en-US": "The basics"},
    }


def test_format_applies_to_every_page_of_a_statement_result(xapi):
    """Part 3, 2.1.3: the `more` IRL continues the same query, `format` included."""
    xapi.post("statements", json=[rich_statement(), rich_statement()])
    first = xapi.get(
        "statements",
        query_string={"format": "canonical", "limit": 1},
        headers={"Accept-Language": "en-US"},
    ).get_json()
    second = xapi.client.get(
        first["more"], headers=xapi.headers(Accept_Language="en-US")
    ).get_json()
    for page in (first, second):
        (only,) = page["statements"]
        assert only["verb"]["display"] == {"en-US": "completed"}
    ids = xapi.get("statements", query_string={"format": "ids", "limit": 1}).get_json()
    (reduced,) = xapi.client.get(ids["more"], headers=xapi.headers()).get_json()["statements"]
    assert reduced["object"] == {"id": COURSE}


def test_unknown_format_is_400(xapi):
    """Part 3, 2.1.3 (table row 12): format is one of ids, exact, canonical."""
    response = xapi.get("statements", query_string={"format": "full"})
    assert response.status_code == 400
    assert response.get_json()["error"]["details"][0]["path"] == "query.format"


# --- Last-Modified ---------------------------------------------------------------------------


def wait_for_next_second():
    """Sleep into the next wall-clock second (HTTP-dates have one-second resolution)."""
    now = datetime.now(UTC)
    time.sleep(1.01 - now.microsecond / 1_000_000)


def test_single_statement_last_modified_is_its_stored_time(xapi):
    """Part 3, 2.1.3.s2.b8: "The LRS SHOULD* include a "Last-Modified" header which matches
    the "stored" Timestamp of the Statement" (2.0, Part 3, 1.1.6.1: MUST); an HTTP-date
    (RFC 7231, 7.1.1.1), so in whole seconds."""
    sid = xapi.post("statements", json=statement()).get_json()[0]
    response = fetch(xapi, sid)
    stored = instant(response.get_json()["stored"])
    assert last_modified(response) == stored.replace(microsecond=0)


def test_statement_list_last_modified_is_the_newest_returned_stored_time(xapi):
    """Part 3, 2.1.3.s2.b8 (Last-Modified matches "stored"): for a StatementResult, the
    stored time of the most recent statement it returns."""
    older = xapi.post("statements", json=statement()).get_json()[0]
    wait_for_next_second()
    newer = xapi.post("statements", json=statement()).get_json()[0]
    stored_older = instant(fetch(xapi, older).get_json()["stored"])
    stored_newer = instant(fetch(xapi, newer).get_json()["stored"])
    assert stored_older.replace(microsecond=0) != stored_newer.replace(microsecond=0)

    everything = xapi.get("statements")
    assert last_modified(everything) == stored_newer.replace(microsecond=0)
    ascending = xapi.get("statements", query_string={"ascending": "true"})
    assert last_modified(ascending) == stored_newer.replace(microsecond=0)
    only_older = xapi.get(
        "statements", query_string={"until": stored_older.isoformat().replace("+00:00", "Z")}
    )
    assert [s["id"] for s in only_older.get_json()["statements"]] == [older]
    assert last_modified(only_older) == stored_older.replace(microsecond=0)


# --- xAPI 2.0 --------------------------------------------------------------------------------


@pytest.fixture
def xapi2(xapi_factory):
    """A client of organisation `org-a` with scope `all`, speaking xAPI 2.0.0."""
    return xapi_factory.as_(["all"], version="2.0.0")


def test_v2_timestamp_with_offset_is_converted_to_utc(xapi2):
    """xAPI 2.0, Part 3, 1.2.7 (Timestamps): "An LRS MUST convert Timestamps to UTC rather than
    rejecting Statements that send Timestamps not in UTC form"; the instant is unchanged and
    the milliseconds are kept ("MAY truncate or round ... to at least 3 decimal digits")."""
    response = xapi2.post("statements", json=statement(timestamp="2024-03-01T09:30:00.250+01:00"))
    assert response.status_code == 200, response.get_json()
    assert response.headers["X-Experience-API-Version"] == "2.0.0"
    body = fetch(xapi2, response.get_json()[0]).get_json()
    assert body["timestamp"] == "2024-03-01T08:30:00.250Z"
    assert body["version"] == "2.0.0"


def test_v2_substatement_timestamp_is_converted_to_utc(xapi2):
    """xAPI 2.0, Part 3, 1.2.7 (Timestamps): every Timestamp the LRS receives is converted to
    UTC, also that of a SubStatement (1.2.2.3, Object As Sub-Statement Table)."""
    sub = {
        "objectType": "SubStatement",
        "actor": {"objectType": "Agent", "mbox": "mailto:anna@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"objectType": "Activity", "id": COURSE},
        "timestamp": "2024-03-01T23:15:00.000-05:00",
    }
    sid = xapi2.post("statements", json=statement(object=sub)).get_json()[0]
    body = fetch(xapi2, sid).get_json()
    assert body["object"]["timestamp"] == "2024-03-02T04:15:00.000Z"


def v2_context_statement():
    return statement(
        context={
            "contextAgents": [
                {
                    "objectType": "contextAgent",
                    "agent": MENTOR,
                    "relevantTypes": ["https://lernspur.de/xapi/activity-types/mentoring"],
                }
            ],
            "contextGroups": [{"objectType": "contextGroup", "group": COHORT}],
        }
    )


def test_v2_context_agents_and_groups_are_stored_and_returned(xapi2):
    """xAPI 2.0, Part 3, 1.2.2.5 (Context Table): contextAgents and contextGroups, "Collection of
    Objects describing relationship(s) between Agent(s) [Group(s)] and the current Statement"."""
    sent = v2_context_statement()
    response = xapi2.post("statements", json=sent)
    assert response.status_code == 200, response.get_json()
    body = fetch(xapi2, response.get_json()[0]).get_json()
    assert body["context"]["contextAgents"] == sent["context"]["contextAgents"]
    assert body["context"]["contextGroups"] == sent["context"]["contextGroups"]


def test_v2_related_agents_finds_context_agents_and_groups(xapi2):
    """xAPI 2.0, Part 3, 1.1.6.1 (related_agents): "Include Statements for which the Actor,
    Object, Authority, Instructor, Team, Context Agent, Context Group, or any of these
    properties in a contained SubStatement match the Agent parameter"; Groups whose members
    match the Agent are a match too (row "agent")."""
    sid = xapi2.post("statements", json=v2_context_statement()).get_json()[0]
    xapi2.post("statements", json=statement())  # unrelated to the mentor and the cohort
    for agent in (
        {"mbox": MENTOR["mbox"]},
        {"objectType": "Group", "mbox": COHORT["mbox"]},
        {"mbox": COHORT["member"][0]["mbox"]},
    ):
        as_param = json.dumps(agent)
        assert listed_ids(xapi2, agent=as_param) == [], agent
        assert listed_ids(xapi2, agent=as_param, related_agents="true") == [sid], agent


def test_v2_format_ids_reduces_context_agents_and_groups(xapi2):
    """Part 3, 2.1.3 (row "format"): "If ids, only include minimum information necessary in
    Agent ... and Group Objects to identify them" - those of contextAgents/contextGroups too."""
    sid = xapi2.post("statements", json=v2_context_statement()).get_json()[0]
    context = fetch(xapi2, sid, format="ids").get_json()["context"]
    assert context["contextAgents"] == [
        {
            "objectType": "contextAgent",
            "agent": {"objectType": "Agent", "mbox": MENTOR["mbox"]},
            "relevantTypes": ["https://lernspur.de/xapi/activity-types/mentoring"],
        }
    ]
    assert context["contextGroups"] == [
        {"objectType": "contextGroup", "group": {"objectType": "Group", "mbox": COHORT["mbox"]}}
    ]


def test_context_agents_are_not_a_1_0_3_property(xapi):
    """xAPI 1.0.3 Part 2, 2.4.6 (its Context table has no contextAgents/contextGroups) and
    2.2.s4.b1.b7: the LRS MUST reject Statements "where a key or value is not allowed by this
    specification"."""
    response = xapi.post("statements", json=v2_context_statement())
    assert response.status_code == 400
    paths = [d["path"] for d in response.get_json()["error"]["details"]]
    assert any("contextAgents" in p for p in paths), paths
