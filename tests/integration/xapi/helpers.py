"""Statement builders for the xAPI integration tests."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import requests

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
ATTEMPTED = "http://adlnet.gov/expapi/verbs/attempted"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
COURSE = "https://lernspur.de/xapi/activities/course/e-akte-grundlagen"


def statement(
    actor: str = "mailto:anna@example.org",
    verb: str = COMPLETED,
    activity: str = COURSE,
    **extra: Any,
) -> dict[str, Any]:
    """A small valid statement; keyword arguments add or replace top-level properties."""
    body: dict[str, Any] = {
        "actor": {"objectType": "Agent", "mbox": actor},
        "verb": {"id": verb, "display": {"en-US": "completed", "de-DE": "abgeschlossen"}},
        "object": {
            "objectType": "Activity",
            "id": activity,
            "definition": {"name": {"de-DE": "E-Akte in der Praxis", "en-US": "E-files"}},
        },
    }
    body.update(extra)
    return body


def new_id() -> str:
    return str(uuid.uuid4())


def live_session(creds: dict[str, str], version: str = "1.0.3") -> requests.Session:
    """An HTTP session speaking xAPI to a live server as the credential `creds`."""
    session = requests.Session()
    token = base64.b64encode(f"{creds['key']}:{creds['secret']}".encode()).decode()
    session.headers.update({"Authorization": f"Basic {token}", "X-Experience-API-Version": version})
    return session
