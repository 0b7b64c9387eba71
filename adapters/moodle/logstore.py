"""Statements from Moodle's xAPI logstore plugin (xAPI-vle/moodle-logstore_xapi 5.0.1).

What the plugin sends, from its source:

* `src/transformer/utils/apply_statement_defaults.php`: every statement gets
  `context.platform` (the "Context Platform" setting, default "Moodle"), a `registration`
  derived from the *session key* of the PHP process that transformed the event, and the event
  time as `timestamp`. No statement `id`.
* `src/transformer/utils/extensions/info.php`: `context.extensions
  ["http://lrs.learninglocker.net/define/extensions/info"]` holds `{"http://moodle.org":
  <release>, "https://github.com/xAPI-vle/moodle-logstore_xapi": <plugin release>,
  "event_name": ..., "event_function": ...}` - the plugin URL key is fixed in
  `classes/log/store.php` (`plugin_url`), so it recognises the traffic even where an admin
  renamed the platform.
* `src/transformer/utils/get_user.php`: the actor is `{"name", "account": {"homePage":
  $CFG->wwwroot, "name": <user id>}}` by default; `{"mbox"}` with "Identify users by email";
  `account.name` = username (and `homePage` = "Actor Account HomePage") with "Identify users
  by username".
* `src/loader/moodle_curl_lrs.php`: batches are POSTed with Basic auth and version 1.0.3; any
  status but 200 fails the whole batch, which `classes/task/failed_task.php` re-transforms and
  sends again later.

Idempotency. Re-transforming means a resend is not byte-identical: the registration comes from
another session key (the cron task's), names and titles are read again. The id this adapter
derives therefore covers only what identifies the *event*: the actor's identifier (site root
compared without scheme), the verb, the object id (compared like the root), the timestamp
(as an instant) and the plugin's `event_name`. The same event sent again gets the same id, and
the store answers it with the statement it already has. Two different events that agree in
all five (the same user viewing the same page twice within one second) are one statement.

Normalisation: the actor's `homePage` is written as the organisation's registered spelling of
the site (`adapters.urls`), so it equals the learner's LTI identity `{"account": {"homePage":
<issuer = wwwroot>, "name": <sub = user id>}}`; a statement whose object is a course or
module the organisation mapped onto a catalogue course carries that course
(`adapters.canonical`). An `mbox` or username actor cannot be linked to the LTI identity (the
launch's `sub` is the user id) and stays as sent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import orjson

from adapters.base import AdapterContext
from adapters.canonical import CanonicalAdapter
from adapters.urls import activity_key, root_key
from statements.timestamps import normalise_timestamp

INFO_EXTENSION = "http://lrs.learninglocker.net/define/extensions/info"
PLUGIN_URL = "https://github.com/xAPI-vle/moodle-logstore_xapi"
# uuid5 namespace of the ids this adapter derives (a fixed, arbitrary UUID: never change it,
# or resends of events stored before the change would be stored a second time).
ID_NAMESPACE = uuid.UUID("5f6a1c3e-3b9e-5a57-9d2a-6c1f0e7b8d41")


def _actor_key(actor: Any) -> str | None:
    if not isinstance(actor, Mapping):
        return None
    account = actor.get("account")
    if isinstance(account, Mapping):
        return f"account:{root_key(str(account.get('homePage')))}|{account.get('name')}"
    for ifi in ("mbox", "mbox_sha1sum", "openid"):
        value = actor.get(ifi)
        if isinstance(value, str):
            return f"{ifi}:{value.lower() if ifi != 'openid' else value}"
    return None


def event_name(statement: Mapping[str, Any]) -> str | None:
    info = ((statement.get("context") or {}).get("extensions") or {}).get(INFO_EXTENSION)
    name = info.get("event_name") if isinstance(info, Mapping) else None
    return name if isinstance(name, str) else None


def derive_id(statement: Mapping[str, Any]) -> str | None:
    """The stable id of a logstore event (module doc), or None if it lacks what it takes."""
    actor = _actor_key(statement.get("actor"))
    verb = (statement.get("verb") or {}).get("id")
    obj = (statement.get("object") or {}).get("id")
    timestamp = statement.get("timestamp")
    if actor is None or not isinstance(verb, str) or not isinstance(obj, str):
        return None
    if not isinstance(timestamp, str):
        return None
    try:
        instant = normalise_timestamp(timestamp)
    except ValueError:
        return None
    key = ["logstore/1", actor, verb, activity_key(obj), instant, event_name(statement)]
    return str(uuid.uuid5(ID_NAMESPACE, orjson.dumps(key).decode()))


class LogstoreAdapter(CanonicalAdapter):
    """`adapters.base.Adapter` for logstore_xapi traffic."""

    name = "moodle"

    def accepts(self, statement: Mapping[str, Any]) -> bool:
        info = statement["context"]["extensions"].get(INFO_EXTENSION)
        return isinstance(info, Mapping) and PLUGIN_URL in info

    def statement_id(self, statement: Mapping[str, Any], context: AdapterContext) -> str | None:
        if statement.get("id") is not None:
            return None  # the client chose one: ordinary xAPI rules apply
        return derive_id(statement)
