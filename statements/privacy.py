"""Stripping personal data from a statement before it is stored (issue 5, per credential).

What goes: the `name` of every Agent and Group the statement names - actor, an Agent or Group
object, the instructor, the team, xAPI 2.0 contextAgents and contextGroups, Group members, and
the same inside a SubStatement. What changes: an `mbox` becomes the `mbox_sha1sum` of that very
mailto IRI, "the hex-encoded SHA1 hash of a mailto IRI (i.e. the value of an mbox property)"
(xAPI 1.0.3, Part 2, 2.4.2.3; 2.0, Part 2, 2.4.2.3), in lower-case hex. The person stays the
same inverse functional identifier for every statement, so counts of people are unchanged.

`authority` is left alone: the LRS replaces it with its own (Part 2, 2.4.9). Accounts, OpenIDs
and everything else stay as received. The input is never changed; the result is a new dict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

__all__ = ["mbox_sha1sum", "strip_personal_data"]

_AGENT_TYPES = frozenset({"Agent", "Group"})


def mbox_sha1sum(mbox: str) -> str:
    """SHA-1 of the full mailto IRI, lower-case hex (Part 2, 2.4.2.3, `mbox_sha1sum`)."""
    return hashlib.sha1(mbox.encode("utf-8"), usedforsecurity=False).hexdigest()


def _agent(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    out = {k: v for k, v in value.items() if k != "name"}
    mbox = out.pop("mbox", None)
    if isinstance(mbox, str):
        out["mbox_sha1sum"] = mbox_sha1sum(mbox)
    members = value.get("member")
    if isinstance(members, list):
        out["member"] = [_agent(m) for m in members]
    return out


def _context(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    out = dict(value)
    for key in ("instructor", "team"):
        if key in out:
            out[key] = _agent(out[key])
    for key, inner in (("contextAgents", "agent"), ("contextGroups", "group")):  # xAPI 2.0
        entries = out.get(key)
        if isinstance(entries, list):
            out[key] = [
                {**e, inner: _agent(e.get(inner))} if isinstance(e, Mapping) and inner in e else e
                for e in entries
            ]
    return out


def _object(value: Any) -> Any:
    if not isinstance(value, Mapping):
        return value
    object_type = value.get("objectType")
    if object_type in _AGENT_TYPES:
        return _agent(value)
    if object_type == "SubStatement":
        return _statement_parts(value)
    return value


def _statement_parts(stmt: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(stmt)
    if "actor" in out:
        out["actor"] = _agent(out["actor"])
    if "object" in out:
        out["object"] = _object(out["object"])
    if "context" in out:
        out["context"] = _context(out["context"])
    return out


def strip_personal_data(stmt: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a valid statement without personal names and with mbox hashed (module doc)."""
    return _statement_parts(stmt)
