"""xAPI authorization scopes (xAPI 1.0.3, Part 4, 4.2 OAuth Authorization Scope)."""

from __future__ import annotations

from collections.abc import Iterable

ALL_SCOPES = (
    "statements/write",
    "statements/read/mine",
    "statements/read",
    "state",
    "define",
    "profile",
    "all/read",
    "all",
)

# What each scope grants, as (resource, access) pairs. `statements/read/mine` is kept apart:
# it grants reading, but only the statements this credential itself stored.
_GRANTS: dict[str, set[tuple[str, str]]] = {
    "statements/write": {("statements", "write")},
    "statements/read/mine": {("statements", "read_mine")},
    "statements/read": {("statements", "read"), ("statements", "read_mine")},
    "state": {("state", "read"), ("state", "write")},
    "define": {("activities", "read"), ("activities", "write")},
    "profile": {("profile", "read"), ("profile", "write")},
    "all/read": {
        ("statements", "read"),
        ("statements", "read_mine"),
        ("state", "read"),
        ("profile", "read"),
        ("activities", "read"),
        ("agents", "read"),
    },
}


def unknown_scopes(scopes: Iterable[str]) -> list[str]:
    return [s for s in scopes if s not in ALL_SCOPES]


def grants(scopes: Iterable[str], resource: str, access: str) -> bool:
    """Whether any of `scopes` allows `access` ("read", "write", "read_mine") on `resource`."""
    for scope in scopes:
        if scope == "all":
            return True
        if (resource, access) in _GRANTS.get(scope, set()):
            return True
    return False
