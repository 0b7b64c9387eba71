"""Course completions read through Moodle's web services, as statements (pull mode).

For sites without the logstore plugin. The functions and their shapes, from Moodle's source:

* `core_course_get_courses` (course/externallib.php, `get_courses`): `options[ids][]`, empty for
  every course - the front page too (format "site"), which is skipped. Returns `id`,
  `fullname`, `format`, and `enablecompletion`/`lang` only for a token allowed
  `moodle/course:update`.
* `core_enrol_get_enrolled_users` (enrol/externallib.php): `courseid`, `options[i][name|value]`;
  the option `userfields` narrows each user to the fields named - we ask for `id` only, as
  nothing else is needed to name the learner.
* `core_completion_get_course_completion_status` (completion/classes/external.php):
  `courseid`, `userid` -> `{"completionstatus": {"completed", "aggregation" (1 all, 2 any),
  "completions": [{"type", "title", "status", "complete", "timecompleted", ...}]}}`. It has no
  time of the course completion itself: we take the time its criteria say it happened - the
  latest completed criterion for "all", the earliest for "any".
* `core_completion_get_activities_completion_status` (same file): `courseid`, `userid` ->
  `{"statuses": [{"cmid", "modname", "state" (0 incomplete, 1 complete, 2 pass, 3 fail),
  "timecompleted", ...}]}` - read only for courses holding modules mapped onto catalogue
  courses.
* Errors come back with HTTP 200 as `{"exception", "errorcode", "message"}`
  (webservice/rest/server.php in JSON format).

The statements have the shape logstore_xapi gives the same facts (`course_completed.php`,
`course_module_completion_updated.php`), so they normalise and count alike; they are marked
with `PULL_EXTENSION` instead of the plugin's info extension. Their ids are derived from the
learner, the activity and the verb (`derive_id`): a course is completed once per learner, so
every later pull yields the same id and the store keeps the first.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from adapters.base import AdapterContext, Statement
from adapters.canonical import CanonicalAdapter
from adapters.moodle.activities import course_iri, module_iri
from adapters.moodle.logstore import ID_NAMESPACE
from adapters.urls import activity_key, canonical_root, root_key
from statements.timestamps import format_timestamp
from statements.validation import validate_language_tag

GET_COURSES = "core_course_get_courses"
GET_ENROLLED_USERS = "core_enrol_get_enrolled_users"
GET_COURSE_COMPLETION = "core_completion_get_course_completion_status"
GET_ACTIVITIES_COMPLETION = "core_completion_get_activities_completion_status"

REST_PATH = "/webservice/rest/server.php"
PULL_EXTENSION = "https://lernspur.de/xapi/extensions/moodle-webservice"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
LMS_TYPE = "http://id.tincanapi.com/activitytype/lms"
# Errors meaning "nothing to read here", not "something is wrong" (completion/classes/external.php)
SKIP_COURSE_ERRORS = frozenset({"nocriteriaset", "completionnotenabled", "cannotviewreport"})
SKIP_USER_ERRORS = frozenset({"usernotenroled", "accessdenied"})


class MoodleError(Exception):
    """An error answer of Moodle's REST server (`exception`, `errorcode`, `message`)."""

    def __init__(self, errorcode: str, message: str) -> None:
        super().__init__(f"{errorcode}: {message}")
        self.errorcode = errorcode
        self.message = message


@dataclass(frozen=True)
class Course:
    id: int
    fullname: str
    lang: str = ""


def rest_query(token: str, function: str, args: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The query string of one REST call; nested arguments flattened PHP-style (`a[0][name]`)."""
    pairs = [("wstoken", token), ("wsfunction", function), ("moodlewsrestformat", "json")]

    def flatten(prefix: str, value: Any) -> None:
        if isinstance(value, Mapping):
            for key, inner in value.items():
                flatten(f"{prefix}[{key}]", inner)
        elif isinstance(value, list | tuple):
            for i, inner in enumerate(value):
                flatten(f"{prefix}[{i}]", inner)
        elif isinstance(value, bool):
            pairs.append((prefix, "1" if value else "0"))
        else:
            pairs.append((prefix, str(value)))

    for name, value in args.items():
        flatten(name, value)
    return pairs


def check_answer(data: Any) -> Any:
    """`data` unless it is Moodle's error object, which is raised as MoodleError."""
    if isinstance(data, Mapping) and "exception" in data and "errorcode" in data:
        raise MoodleError(str(data.get("errorcode")), str(data.get("message", "")))
    return data


def courses(data: Any) -> list[Course]:
    """`core_course_get_courses` answer -> courses that can have completions."""
    found = []
    for item in check_answer(data) or []:
        if not isinstance(item, Mapping) or item.get("format") == "site":
            continue
        if item.get("enablecompletion") == 0:
            continue
        found.append(
            Course(int(item["id"]), str(item.get("fullname") or ""), item.get("lang") or "")
        )
    return found


def enrolled_user_ids(data: Any) -> list[int]:
    return sorted(int(u["id"]) for u in check_answer(data) or [] if isinstance(u, Mapping))


def _language(lang: str) -> str:
    """Moodle's language pack name as a language tag ("de_du" -> "de-du"); "en" if unusable."""
    tag = lang.replace("_", "-")
    try:
        validate_language_tag(tag, "lang")
    except ValueError:
        return "en"
    return tag


def _instant(epoch: Any) -> str | None:
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch <= 0:
        return None
    return format_timestamp(datetime.fromtimestamp(epoch, UTC))


def course_completion_time(status: Mapping[str, Any]) -> str | None:
    """When the course was completed, as far as its criteria tell (module doc)."""
    times = [
        c["timecompleted"]
        for c in status.get("completions") or []
        if isinstance(c, Mapping)
        and c.get("complete")
        and isinstance(c.get("timecompleted"), int)
        and c["timecompleted"] > 0
    ]
    if not times:
        return None
    return _instant(min(times) if status.get("aggregation") == 2 else max(times))


def _site(root: str) -> dict[str, Any]:
    return {"objectType": "Activity", "id": root, "definition": {"type": LMS_TYPE}}


def _actor(root: str, user_id: int) -> dict[str, Any]:
    return {"objectType": "Agent", "account": {"homePage": root, "name": str(user_id)}}


def course_completion_statement(
    root: str, course: Course, user_id: int, data: Any
) -> Statement | None:
    """A `completed` statement if `core_completion_get_course_completion_status` says so."""
    status = (check_answer(data) or {}).get("completionstatus") or {}
    if status.get("completed") is not True:
        return None
    root = canonical_root(root)
    statement: Statement = {
        "actor": _actor(root, user_id),
        "verb": {"id": COMPLETED, "display": {"en": "Completed"}},
        "object": {
            "objectType": "Activity",
            "id": course_iri(root, course.id),
            "definition": {"type": COURSE_TYPE, "name": {_language(course.lang): course.fullname}},
        },
        "context": {
            "platform": "Moodle",
            "contextActivities": {"category": [_site(root)]},
            "extensions": {PULL_EXTENSION: {"function": GET_COURSE_COMPLETION, "site": root}},
        },
    }
    if not course.fullname:
        del statement["object"]["definition"]["name"]
    when = course_completion_time(status)
    if when is not None:
        statement["timestamp"] = when
    return statement


def module_completion_statements(
    root: str, course: Course, user_id: int, data: Any, wanted: Sequence[str]
) -> list[Statement]:
    """`completed` statements for the modules in `wanted` (activity keys) the user completed."""
    root = canonical_root(root)
    out: list[Statement] = []
    for status in (check_answer(data) or {}).get("statuses") or []:
        if not isinstance(status, Mapping) or status.get("state") not in (1, 2, 3):
            continue
        iri = module_iri(root, str(status.get("modname")), int(status["cmid"]))
        if activity_key(iri) not in wanted:
            continue
        result: dict[str, Any] = {"completion": True}
        if status["state"] > 1:  # 2 pass, 3 fail (course_module_completion_updated.php)
            result["success"] = status["state"] == 2
        statement: Statement = {
            "actor": _actor(root, user_id),
            "verb": {"id": COMPLETED, "display": {"en": "Completed"}},
            "object": {"objectType": "Activity", "id": iri},
            "result": result,
            "context": {
                "platform": "Moodle",
                "contextActivities": {
                    "parent": [{"objectType": "Activity", "id": course_iri(root, course.id)}],
                    "category": [_site(root)],
                },
                "extensions": {
                    PULL_EXTENSION: {"function": GET_ACTIVITIES_COMPLETION, "site": root}
                },
            },
        }
        when = _instant(status.get("timecompleted"))
        if when is not None:
            statement["timestamp"] = when
        out.append(statement)
    return out


def derive_id(statement: Mapping[str, Any]) -> str | None:
    """Stable id of a pulled completion: learner, activity, verb (module doc)."""
    account = (statement.get("actor") or {}).get("account") or {}
    obj = (statement.get("object") or {}).get("id")
    verb = (statement.get("verb") or {}).get("id")
    if not isinstance(account, Mapping) or not isinstance(obj, str) or not isinstance(verb, str):
        return None
    actor = f"account:{root_key(str(account.get('homePage')))}|{account.get('name')}"
    key = ["pull/1", actor, verb, activity_key(obj)]
    return str(uuid.uuid5(ID_NAMESPACE, orjson.dumps(key).decode()))


class PullAdapter(CanonicalAdapter):
    """`adapters.base.Adapter` for the statements `lernspur adapters moodle pull` records."""

    name = "moodle-webservice"

    def accepts(self, statement: Mapping[str, Any]) -> bool:
        return isinstance(statement["context"]["extensions"].get(PULL_EXTENSION), Mapping)

    def statement_id(self, statement: Mapping[str, Any], context: AdapterContext) -> str | None:
        if statement.get("id") is not None:
            return None
        return derive_id(statement)
