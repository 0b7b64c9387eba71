"""Inverse functional identifiers (IFIs) of Agents and Groups, as compact comparable keys.

xAPI 1.0.3, Part 2, 2.4.2.3: an Agent or Identified Group is identified by exactly one of
`mbox`, `mbox_sha1sum`, `openid`, `account`. Two are the same when that IFI is equal; the key
below is what the store indexes and compares. `mbox` and `mbox_sha1sum` of one address are
kept apart on purpose: the specification compares IFIs of the same kind only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def ifi_key(agent: Mapping[str, Any]) -> str | None:
    """The identifier key of an Agent or Identified Group, or None for an anonymous Group."""
    mbox = agent.get("mbox")
    if isinstance(mbox, str):
        return "mbox:" + mbox
    sha1 = agent.get("mbox_sha1sum")
    if isinstance(sha1, str):
        return "sha1:" + sha1.lower()
    openid = agent.get("openid")
    if isinstance(openid, str):
        return "openid:" + openid
    account = agent.get("account")
    if isinstance(account, Mapping):
        return f"account:{account.get('homePage')}|{account.get('name')}"
    return None


def ifi_only(agent: Mapping[str, Any]) -> dict[str, Any]:
    """The Agent or Group reduced to objectType and its IFI (the `ids` format, Part 3, 2.1.3)."""
    reduced: dict[str, Any] = {}
    if "objectType" in agent:
        reduced["objectType"] = agent["objectType"]
    for prop in ("mbox", "mbox_sha1sum", "openid", "account"):
        if prop in agent:
            reduced[prop] = agent[prop]
            break
    return reduced
