"""Are two statements the same statement? For id conflicts and for signed statements.

xAPI 1.0.3, Part 2, 2.3.1 "Statement Immutability" and 2.3.1.s9 "Statement Comparison
Requirements": "Differences which could have been caused by exceptions to Statement immutability
MUST be ignored" (s9.b1); "Differences relating to a different serialization of any properties
not listed as exceptions MUST not be ignored" (s9.b2). Used by Part 3, 2.1.1.s2.b3 / 2.1.2
(an id sent again: 204/200 if it matches, 409 if not) and Part 2, 2.6.s5.b3.b2 (the JWS payload
must be "logically equivalent to the received Statement"). 2.0 (IEEE 9274.1.1), Part 3, 1.2
"Statement Immutability" lists the same exceptions.

The rules, as `immutable_projection` applies them:

* Ignored entirely (2.3.1.b1, b6; 2.0 "shall specifically NOT consider"): `id`, `timestamp`,
  `stored`, `authority`, `version` of the statement (properties the LRS may assign, so a
  difference "could have been caused" by it) and `attachments` (anywhere).
* Verb: the id only, "display" is not part of the statement (2.3.1.b3).
* Activities: the id only, "The content of Activity Definitions that are referenced in
  Statements is not considered part of the Statement itself" (2.3.1.b2).
* Group members: an unordered collection (2.3.1.b5).
* contextActivities: a single Activity equals an array holding it, since the LRS converts one into
  the other (2.4.6.2.s4.b3).
* SubStatement `timestamp`: compared as an instant at millisecond precision (2.3.1.b4, 4.5.s1.b5,
  b7: zone and precision beyond milliseconds are serialisation).
* `result.duration`: a string (2.3.1.b8), except that the seconds are compared to 0.01 s only
  ("any precision beyond 0.01 second precision SHOULD* NOT be included in the comparison",
  4.6.s1.b5; 2.0 Part 3, 1.2.7 "MUST NOT"; 2.0 suite, 4.2.7 "Duration").
* Case (2.3.1.b7; 2.0 "Case (upper vs. lower)"): ignored where the data is case-insensitive by its
  own definition - UUIDs (RFC 4122, 3), `mbox_sha1sum` hex, the scheme and domain of `mbox`
  (RFC 3986, 3.1 and 3.2.2; 2.3.1.b7's own example), language tags (RFC 5646, 2.1.1), and in IRIs
  the scheme, the host and percent-encoding hex digits (RFC 3987, 5.3.2.1 "Case Normalization",
  one of the comparisons 1.0.3 Part 2, 3.1.s2.b1 allows). Everything else, names and
  `result.response` included, compares case-sensitively.
* Logically empty parts equal absent ones: a property whose value is null, an empty `result`,
  `context`, `extensions`, contextActivities list or member list. A defaulted objectType equals
  the default written out ("Agent" for an actor, "Activity" for an object).
* Numbers compare by value (1 equals 1.0), never equal to booleans.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from statements.timestamps import format_timestamp, parse_timestamp

__all__ = ["first_difference", "immutable_projection", "normalise_iri", "statements_equivalent"]

_IRI = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):(?P<rest>.*)", re.DOTALL)
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_FRACTIONAL_SECONDS = re.compile(r"(?P<whole>\d+)[.,](?P<fraction>\d+)S$")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _json(value: Any) -> Any:
    """JSON data with integral floats as ints, so that 1 and 1.0 project alike."""
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _present(mapping: Mapping[str, Any], key: str) -> bool:
    return mapping.get(key) is not None


def normalise_iri(value: Any) -> Any:
    """RFC 3987, 5.3.2.1 case normalisation: scheme and host lowercase, %-escapes uppercase."""
    if not isinstance(value, str):
        return value
    match = _IRI.fullmatch(value)
    if match is None:
        return value
    rest = match["rest"]
    if rest.startswith("//"):
        end = len(rest)
        for delimiter in "/?#":
            found = rest.find(delimiter, 2)
            if found != -1:
                end = min(end, found)
        userinfo, at, host_port = rest[2:end].rpartition("@")
        rest = "//" + userinfo + at + host_port.lower() + rest[end:]
    rest = _PERCENT.sub(lambda m: m[0].upper(), rest)
    return match["scheme"].lower() + ":" + rest


def _mbox(value: Any) -> Any:
    """mailto: IRIs: the scheme and the domain are case-insensitive, the local part is not."""
    if not isinstance(value, str) or ":" not in value:
        return value
    scheme, _, address = value.partition(":")
    local, at, domain = address.rpartition("@")
    return scheme.lower() + ":" + local + at + domain.lower()


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _instant(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        parsed = parse_timestamp(value)
    except ValueError:
        return value
    return format_timestamp(parsed.replace(microsecond=parsed.microsecond // 1000 * 1000))


def _duration(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    match = _FRACTIONAL_SECONDS.search(value)
    if match is None:
        return value
    fraction = match["fraction"][:2].rstrip("0")
    seconds = match["whole"] + ("." + fraction if fraction else "") + "S"
    return value[: match.start()] + seconds


def _extensions(extensions: Mapping[str, Any]) -> dict[str, Any]:
    return {normalise_iri(k): _json(v) for k, v in extensions.items()}


def _actor(actor: Mapping[str, Any], default_type: str = "Agent") -> dict[str, Any]:
    object_type = actor.get("objectType") or default_type
    out: dict[str, Any] = {"objectType": object_type}
    if _present(actor, "name"):
        out["name"] = actor["name"]
    if _present(actor, "mbox"):
        out["mbox"] = _mbox(actor["mbox"])
    if _present(actor, "mbox_sha1sum"):
        out["mbox_sha1sum"] = _lower(actor["mbox_sha1sum"])
    if _present(actor, "openid"):
        out["openid"] = normalise_iri(actor["openid"])
    account = actor.get("account")
    if isinstance(account, Mapping):
        out["account"] = {
            "homePage": normalise_iri(account.get("homePage")),
            "name": account.get("name"),
        }
    members = actor.get("member")
    if object_type == "Group" and isinstance(members, list) and members:
        projected = [_actor(m) for m in members if isinstance(m, Mapping)]
        out["member"] = sorted(projected, key=lambda m: json.dumps(m, sort_keys=True))
    return out


def _activity(activity: Mapping[str, Any]) -> dict[str, Any]:
    return {"objectType": "Activity", "id": normalise_iri(activity.get("id"))}


def _statement_ref(ref: Mapping[str, Any]) -> dict[str, Any]:
    return {"objectType": "StatementRef", "id": _lower(ref.get("id"))}


def _object(obj: Mapping[str, Any]) -> dict[str, Any]:
    object_type = obj.get("objectType") or "Activity"
    if object_type == "Activity":
        return _activity(obj)
    if object_type in ("Agent", "Group"):
        return _actor(obj)
    if object_type == "StatementRef":
        return _statement_ref(obj)
    if object_type == "SubStatement":
        return {"objectType": "SubStatement", **_core(obj, sub_statement=True)}
    return {k: _json(v) for k, v in obj.items()}


def _result(result: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: _json(v) for k, v in result.items() if v is not None}
    if "duration" in out:
        out["duration"] = _duration(out["duration"])
    if isinstance(result.get("extensions"), Mapping):
        out["extensions"] = _extensions(result["extensions"])
    if not out.get("extensions"):
        out.pop("extensions", None)
    return out


def _context_actors(items: Any, member: str, default_type: str) -> list[Any]:
    out: list[Any] = []
    for item in items:
        if not isinstance(item, Mapping):
            out.append(_json(item))
            continue
        projected = {k: _json(v) for k, v in item.items() if v is not None}
        if isinstance(item.get(member), Mapping):
            projected[member] = _actor(item[member], default_type)
        if isinstance(item.get("relevantTypes"), list):
            projected["relevantTypes"] = [normalise_iri(t) for t in item["relevantTypes"]]
        out.append(projected)
    return out


def _context(context: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in context.items():
        if value is None:
            continue
        if key in ("registration", "language"):
            out[key] = _lower(value)
        elif key in ("instructor", "team") and isinstance(value, Mapping):
            out[key] = _actor(value, "Group" if key == "team" else "Agent")
        elif key == "statement" and isinstance(value, Mapping):
            out[key] = _statement_ref(value)
        elif key == "extensions" and isinstance(value, Mapping):
            if value:
                out[key] = _extensions(value)
        elif key == "contextActivities" and isinstance(value, Mapping):
            activities = {}
            for kind, listed in value.items():
                items = [listed] if isinstance(listed, Mapping) else (listed or [])
                if items:
                    activities[kind] = [_activity(a) for a in items if isinstance(a, Mapping)]
            if activities:
                out[key] = activities
        elif key == "contextAgents" and isinstance(value, list):
            out[key] = _context_actors(value, "agent", "Agent")
        elif key == "contextGroups" and isinstance(value, list):
            out[key] = _context_actors(value, "group", "Group")
        else:
            out[key] = _json(value)
    return out


def _core(stmt: Mapping[str, Any], *, sub_statement: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(stmt.get("actor"), Mapping):
        out["actor"] = _actor(stmt["actor"])
    verb = stmt.get("verb")
    if isinstance(verb, Mapping):
        out["verb"] = {"id": normalise_iri(verb.get("id"))}
    if isinstance(stmt.get("object"), Mapping):
        out["object"] = _object(stmt["object"])
    if isinstance(stmt.get("result"), Mapping):
        result = _result(stmt["result"])
        if result:
            out["result"] = result
    if isinstance(stmt.get("context"), Mapping):
        context = _context(stmt["context"])
        if context:
            out["context"] = context
    # A SubStatement's timestamp is part of the Object, which no exception covers; the LRS never
    # assigns it. The statement's own timestamp is an LRS-assignable property (2.3.1.b1).
    if sub_statement and _present(stmt, "timestamp"):
        out["timestamp"] = _instant(stmt["timestamp"])
    return out


def immutable_projection(stmt: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a statement that statement comparison looks at, in one normal form.

    Two statements are equivalent exactly when their projections are equal. See the module
    docstring for each rule and the clause behind it. The input is not changed.
    """
    return _core(stmt, sub_statement=False)


def _same_scalar(a: Any, b: Any) -> bool:
    # True == 1 in Python, not in JSON.
    return (isinstance(a, bool), a) == (isinstance(b, bool), b)


def _first_difference(a: Any, b: Any, path: str) -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(a.keys() | b.keys()):
            where = f"{path}.{key}" if path else key
            if key not in a or key not in b:
                return where
            found = _first_difference(a[key], b[key], where)
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return path
        for index, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(a, dict | list) or isinstance(b, dict | list):
        return path
    return None if _same_scalar(a, b) else path


def first_difference(a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """The path of the first difference that statement comparison does not ignore, or None.

    E.g. "verb.id" or "context.contextActivities.parent[0].id" (group members are compared
    after sorting, so a path into `member` counts in that order). Meant for error messages.
    """
    return _first_difference(immutable_projection(a), immutable_projection(b), "")


def statements_equivalent(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two statements are the same statement under the comparison requirements.

    1.0.3 Part 2, 2.3.1.s9; Part 3, 2.1.1.s2.b3 (same id sent again: 409 unless they match);
    Part 2, 2.6.s5.b3.b2 (signed statements). Symmetric; looks only at `immutable_projection`.
    """
    return first_difference(a, b) is None
