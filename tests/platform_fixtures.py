"""Loading the platform fixtures in tests/fixtures/ (see its README for the source of each)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson

FIXTURES = Path(__file__).parent / "fixtures"
CAPTURED_REQUESTS = FIXTURES / "moodle" / "moodle-5.0-logstore_xapi-5.0.1-requests.json"
LTI_CLAIMS = FIXTURES / "moodle" / "moodle-5.0-lti-launch-id-token-claims.json"

MOODLE = [
    "course_completed",
    "course_module_completion_updated",
    "course_module_uncompleted",
    "quiz_attempt_submitted",
    "user_loggedin_mbox",
]
ILIAS = ["cmi5_launched", "cmi5_satisfied", "cmi5_au_completed", "proxy_hide_data"]


def load(name: str) -> Any:
    """A fresh copy of `fixtures/<name>.json` (e.g. "moodle/course_completed")."""
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def statements(name: str) -> list[dict[str, Any]]:
    body = load(name)
    return body if isinstance(body, list) else [body]


def captured_bodies() -> list[list[dict[str, Any]]]:
    """The bodies of the captured Moodle requests, in the order Moodle sent them."""
    return [copy.deepcopy(r["body"]) for r in orjson.loads(CAPTURED_REQUESTS.read_bytes())]
