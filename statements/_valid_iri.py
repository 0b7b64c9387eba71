"""IRI syntax (RFC 3987, 2.2), checked fast, for statement validation.

xAPI 1.0.3, Part 2, 2.2.s4.b1.b8: the LRS MUST reject "IRL or IRI values without a scheme";
4.3: IRIs, not URIs, so that identifiers may use characters outside ASCII. Only *absolute* IRIs
(`IRI` in the grammar: a scheme, then an optional fragment) are accepted: 2.4.4.1 notes that
"IRI fragments (sometimes called relative IRLs) are not valid IRIs".

`_IRI` is the whole grammar as one regular expression, written with "unrolled" loops
(`[c]*(?:%XX[c]*)*`) so that no input makes it backtrack more than linearly. CPython's `re` spends
some 10-25 ns per character on it, too slow for ten IRIs per statement on the ingest path, so
`is_iri` first tries a shortcut that decides the common case (ASCII, no percent-encoding, no IP
literal) with a few C-speed string operations, and remembers IRIs it accepted (the same verbs,
activity types and extension keys arrive again and again). The property tests check that the
shortcut and the expression agree.
"""

from __future__ import annotations

import ipaddress
import re

__all__ = ["is_iri", "is_iri_by_grammar", "is_uri"]

# RFC 3987, 2.2: ucschar and iprivate, as character-class ranges.
_UCSCHAR = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    "\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd\U00040000-\U0004fffd"
    "\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    "\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_IPRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_IUNRESERVED = r"A-Za-z0-9\-._~" + _UCSCHAR
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"


def _run(chars: str) -> str:
    """Any sequence of the given characters and percent-encodings, without backtracking traps."""
    return f"[{chars}]*(?:{_PCT}[{chars}]*)*"


_IPCHAR = _IUNRESERVED + _SUB_DELIMS + ":@"
_SEGMENT = _run(_IPCHAR)
_USERINFO = _run(_IUNRESERVED + _SUB_DELIMS + ":")
_REG_NAME = _run(_IUNRESERVED + _SUB_DELIMS)
_IP_LITERAL = r"\[(?P<ip>[0-9A-Za-z\-._~!$&'()*+,;=:]*)\]"
_AUTHORITY = f"(?:{_USERINFO}@)?(?:{_IP_LITERAL}|{_REG_NAME})(?::[0-9]*)?"
_QUERY = _run(_IPCHAR + _IPRIVATE + "/?")
_FRAGMENT = _run(_IPCHAR + "/?")

_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+\-.]*:"  # scheme ":"
    # ihier-part: "//" iauthority ipath-abempty, or a path that does not start with "//"
    # (ipath-absolute, ipath-rootless, ipath-empty).
    f"(?://{_AUTHORITY}(?:/{_SEGMENT})*|(?!//)/?{_SEGMENT}(?:/{_SEGMENT})*)"
    f"(?:\\?{_QUERY})?"
    f"(?:#{_FRAGMENT})?"
)
_IPV_FUTURE = re.compile(r"v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+")


def _ip_literal_ok(literal: str) -> bool:
    if _IPV_FUTURE.fullmatch(literal):
        return True
    if "%" in literal:  # zone identifiers are not part of RFC 3987
        return False
    try:
        ipaddress.IPv6Address(literal)
    except ValueError:
        return False
    return True


def is_iri_by_grammar(value: str) -> bool:
    """The reference check: `value` matches RFC 3987 `IRI` (the slow, complete expression)."""
    match = _IRI.fullmatch(value)
    if match is None:
        return False
    literal = match["ip"]
    return literal is None or _ip_literal_ok(literal)


# The shortcut. With only these ASCII characters (no "%", "[", "]", no space, quote, backslash
# or control character), what is left to decide is the scheme, "#" at most once, and the
# authority's shape; the rest of the grammar accepts any arrangement of them.
_PLAIN = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?#"
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*")
# userinfo may hold ":" but not "@"; a reg-name holds neither; the port is digits.
_PLAIN_AUTHORITY = re.compile(r"(?:[^@]*@)?[^:@]*(?::[0-9]*)?")

_known: set[str] = set()
_KNOWN_MAX = 8192  # entries; the set is emptied when full (cheaper than an LRU, good enough)
_KNOWN_LEN = 512  # longer IRIs are checked every time rather than remembered


def _plain_iri(value: str) -> bool | None:
    """Decide `value` if it is plain ASCII without "%", "[", "]"; None when it is not."""
    if not value.isascii() or value.encode("ascii").translate(None, _PLAIN):
        return None
    colon = value.find(":")
    if colon < 1 or not _SCHEME.fullmatch(value, 0, colon) or value.count("#") > 1:
        return False
    if value.startswith("//", colon + 1):
        start = colon + 3
        end = len(value)
        for stop in "/?#":
            found = value.find(stop, start, end)
            if found != -1:
                end = found
        return _PLAIN_AUTHORITY.fullmatch(value, start, end) is not None
    return True


def is_iri(value: str) -> bool:
    """True if `value` is an absolute IRI (RFC 3987 `IRI`: scheme, hierarchy, query, fragment)."""
    if value in _known:
        return True
    plain = _plain_iri(value)
    ok = is_iri_by_grammar(value) if plain is None else plain
    if ok and len(value) <= _KNOWN_LEN:
        if len(_known) >= _KNOWN_MAX:
            _known.clear()
        _known.add(value)
    return ok


def is_uri(value: str) -> bool:
    """True if `value` is an absolute URI (RFC 3986): an IRI made of ASCII characters only."""
    return value.isascii() and is_iri(value)
