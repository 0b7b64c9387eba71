"""Statements of ILIAS's xAPI/cmi5 object (components/ILIAS/CmiXapi).

ILIAS writes statements itself for a cmi5 object and passes a content's statements through its
xAPI proxy. From its source:

* `classes/class.ilObjCmiXapi.php`: `getStatement()` is the blueprint of what ILIAS sends -
  a client-chosen `id` (`guidv4`), the actor (`getStatementActor`: for cmi5 `{"objectType":
  "Agent", "account": {"homePage": <scheme://host of ILIAS>, "name": <user ident>}, "name"}`,
  else `{"mbox": "mailto:<user ident>"}`), `context.registration`, `contextActivities`
  (`grouping` = the publisher id, `category` = the cmi5 category activity
  `https://w3id.org/xapi/cmi5/context/categories/cmi5`) and `context.extensions` holding
  the cmi5 `sessionid` and `https://ilias.de/cmi5/activityid`. `getLaunchedStatement` adds
  the cmi5 launchmode/moveon/masteryscore extensions; `getSatisfiedStatement` sets the
  object's type to `https://w3id.org/xapi/cmi5/activitytype/course`. The AU's own statements
  use the same context template (`getLaunchedContextTemplate`, handed over in LMS.LaunchData),
  so they carry the ILIAS extension too - that is how this adapter recognises the traffic.
* `classes/class.ilCmiXapiLaunchGUI.php` PUTs the launched (and abandoned/satisfied)
  statements to `<LRS endpoint>/statements?statementId=...` with version 1.0.3.
* `classes/class.ilCmiXapiVerbList.php`: verbs are `http://adlnet.gov/expapi/verbs/<verb>` -
  also `satisfied` and `abandoned`, which cmi5 spells `https://w3id.org/xapi/adl/verbs/...`.
  They are kept as sent: ILIAS reads them back under its own IRIs
  (`XapiResults/class.ilXapiStatementEvaluation.php` maps the ADL `satisfied` to "passed").
* `classes/XapiProxy/XapiProxyPolyFill.php`: with "hide data" the proxy overwrites
  `timestamp` with `1970-01-01T00:00:00.000Z` (and `result.duration` with `PT00.000S`).

Normalisation: that epoch placeholder is not when anything happened - the timestamp is dropped,
so the LRS records the statement's `stored` time as its timestamp (xAPI 1.0.3 Part 2, 2.4.7)
and time windows (a programme's runtime) see a real date. `stored` is there anyway, so nothing
is revealed that the statement did not carry already. The actor's `homePage` is written in the
organisation's spelling of the site, and an object mapped onto a catalogue course carries
that course (`adapters.canonical`). Everything else stays as sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from adapters.base import AdapterContext, Statement
from adapters.canonical import CanonicalAdapter
from statements.timestamps import parse_timestamp

ACTIVITY_EXTENSION = "https://ilias.de/cmi5/activityid"
SESSION_EXTENSION = "https://w3id.org/xapi/cmi5/context/extensions/sessionid"
HIDDEN_TIMESTAMP = "1970-01-01T00:00:00.000Z"


def _is_hidden_timestamp(value: Any) -> bool:
    if value == HIDDEN_TIMESTAMP:
        return True
    if not isinstance(value, str) or not value.startswith("1970-01-01"):
        return False
    try:
        return parse_timestamp(value).timestamp() == 0
    except ValueError:
        return False


class Cmi5Adapter(CanonicalAdapter):
    """`adapters.base.Adapter` for ILIAS's cmi5 object and the AUs it launched."""

    name = "ilias"

    def accepts(self, statement: Mapping[str, Any]) -> bool:
        return isinstance(statement["context"]["extensions"].get(ACTIVITY_EXTENSION), str)

    def statement_id(self, statement: Mapping[str, Any], context: AdapterContext) -> str | None:
        return None  # ILIAS and cmi5 AUs choose their ids

    def adjust(self, statement: Statement) -> Statement:
        if _is_hidden_timestamp(statement.get("timestamp")):
            del statement["timestamp"]
        return statement
