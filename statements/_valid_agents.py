"""Agents and Groups (xAPI 1.0.3, Part 2, 2.4.2 and 2.4.9), for the statement validator."""

from __future__ import annotations

from typing import Final

from statements._valid_common import MISSING, add, iri, required, unknown, wrong
from statements._valid_formats import is_mbox, is_sha1_hex
from statements._valid_iri import is_iri, is_uri
from statements.errors import Problem

# What a place accepts, and what `agent_or_group` found.
AGENT: Final = 1
GROUP: Final = 2
EITHER: Final = 3

ONE_IFI = "exactly one of mbox, mbox_sha1sum, openid, account is required"
IFIS = frozenset({"mbox", "mbox_sha1sum", "openid", "account"})

_AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
_GROUP_KEYS = _AGENT_KEYS | {"member"}
_ACCOUNT_KEYS = frozenset({"homePage", "name"})
_EXPECTED = {AGENT: "an Agent", GROUP: "a Group", EITHER: "an Agent or a Group"}
_OBJECT_TYPES = {AGENT: '"Agent"', GROUP: '"Group"', EITHER: '"Agent" or "Group"'}


def agent_or_group(out: list[Problem], path: str, obj: object, accepts: int) -> int:
    """Validate an Agent or Group; return AGENT or GROUP for what it is, 0 if undecidable.

    2.4.2.1: an Agent has exactly one IFI (s2.b1, s2.b2). 2.4.2.2: a Group has objectType
    "Group"; an anonymous one MUST include "member" (s4.b1), an identified one exactly one IFI
    (s5.b1); neither contains Groups (s4.b2, s5.b2). 2.4.2.3: the IFI formats.
    """
    if type(obj) is not dict:
        wrong(out, path, obj, f"{_EXPECTED[accepts]} (an object)")
        return 0
    object_type = obj.get("objectType", MISSING)
    if object_type is MISSING or object_type == "Agent":
        kind = AGENT
        if not accepts & AGENT:
            if object_type is MISSING:
                add(out, f"{path}.objectType", 'required ("Group": this must be a Group)')
            else:
                add(out, f"{path}.objectType", 'must be "Group" (this must be a Group)')
    elif object_type == "Group":
        kind = GROUP
        if not accepts & GROUP:
            add(out, f"{path}.objectType", 'must be "Agent" (a Group is not allowed here)')
    else:
        wrong(out, f"{path}.objectType", object_type, _OBJECT_TYPES[accepts])
        return 0

    allowed = _AGENT_KEYS if kind == AGENT else _GROUP_KEYS
    if not obj.keys() <= allowed:
        unknown(out, path, obj, allowed)
    name = obj.get("name", MISSING)
    if name is not MISSING and type(name) is not str:
        wrong(out, f"{path}.name", name, "a string")

    ifis = 0
    value = obj.get("mbox", MISSING)
    if value is not MISSING:
        ifis += 1
        if type(value) is not str:
            wrong(out, f"{path}.mbox", value, 'a "mailto:" IRI (a string)')
        elif not (is_mbox(value) and is_iri(value)):
            add(out, f"{path}.mbox", 'must be a "mailto:" IRI with one e-mail address')
    value = obj.get("mbox_sha1sum", MISSING)
    if value is not MISSING:
        ifis += 1
        if type(value) is not str:
            wrong(out, f"{path}.mbox_sha1sum", value, "40 hexadecimal digits (a string)")
        elif not is_sha1_hex(value):
            add(out, f"{path}.mbox_sha1sum", "must be 40 hexadecimal digits (a SHA-1 hash)")
    value = obj.get("openid", MISSING)
    if value is not MISSING:
        ifis += 1
        if type(value) is not str:
            wrong(out, f"{path}.openid", value, "an absolute URI (a string)")
        elif not is_uri(value):
            add(out, f"{path}.openid", "must be an absolute URI")
    value = obj.get("account", MISSING)
    if value is not MISSING:
        ifis += 1
        _account(out, f"{path}.account", value)

    if kind == AGENT:
        if ifis != 1:
            add(out, path, ONE_IFI)
        return kind
    if ifis > 1:
        add(out, path, "at most one of mbox, mbox_sha1sum, openid, account is allowed")
    member = obj.get("member", MISSING)
    if member is MISSING:
        if ifis == 0:
            add(out, f"{path}.member", "required (an anonymous Group must list its members)")
    elif type(member) is not list:
        wrong(out, f"{path}.member", member, "an array of Agents")
    else:
        if ifis == 0 and not member:
            add(out, f"{path}.member", "must list at least one Agent (anonymous Group)")
        for i, agent in enumerate(member):
            agent_or_group(out, f"{path}.member[{i}]", agent, AGENT)
    return kind


def _account(out: list[Problem], path: str, account: object) -> None:
    """2.4.2.4: homePage (IRL) and name (string), both required."""
    if type(account) is not dict:
        wrong(out, path, account, "an object (homePage and name)")
        return
    if not account.keys() <= _ACCOUNT_KEYS:
        unknown(out, path, account, _ACCOUNT_KEYS)
    home_page = account.get("homePage", MISSING)
    if home_page is MISSING:
        required(out, path, "homePage")
    else:
        iri(out, f"{path}.homePage", home_page)
    name = account.get("name", MISSING)
    if name is MISSING:
        required(out, path, "name")
    elif type(name) is not str:
        wrong(out, f"{path}.name", name, "a string")


def authority(out: list[Problem], path: str, value: object) -> None:
    """2.4.9.s3.b1: "Authority MUST be an Agent, except in 3-legged OAuth, where it MUST be a
    Group with two Agents" — an anonymous Group, as in the specification's example (s8): the
    application and the user. The conformance suite rejects identified Groups (XAPI-00100)."""
    start = len(out)
    kind = agent_or_group(out, path, value, EITHER)
    if kind != GROUP or len(out) > start or type(value) is not dict:
        return
    member = value.get("member")
    if not value.keys().isdisjoint(IFIS) or type(member) is not list or len(member) != 2:
        add(out, path, "a Group as authority must be an anonymous Group of exactly two Agents")
