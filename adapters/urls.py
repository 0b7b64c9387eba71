"""Comparing platform URLs: site roots (an account's homePage, an LTI issuer) and activity IRIs.

A platform names itself by its web root: Moodle's `$CFG->wwwroot` is both the LTI issuer and
the logstore's `account.homePage`, ILIAS's cmi5 actor uses `scheme://host` of the request. The
same site can still arrive spelled differently: a trailing slash typed into a settings field,
upper-case host letters, an explicit default port, or `http` before a site moved to `https`.

The rule (DESIGN: learners are `account.homePage` = platform issuer): a root is written as
`canonical_root` gives it - scheme and host in lower case (RFC 3986, 6.2.2.1), no default port
(6.2.3), no trailing slash, no query or fragment. Two roots are the same site when their
`root_key` - the canonical root without its scheme - is equal; where the organisation has
registered the site, the registered spelling wins (so `http://` traffic of a site registered as
`https://` is stored under `https://`, the issuer Lernspur knows). Activity IRIs are matched by
`activity_key`, the same idea for a whole IRI (path and query kept as they are).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

__all__ = ["activity_key", "canonical_root", "resolve_root", "root_key"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def _authority(scheme: str, parts: SplitResult) -> str:
    try:
        port = parts.port
    except ValueError:  # not a number: keep the authority as written, only in lower case
        return parts.netloc.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0] + "@" if "@" in parts.netloc else ""
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host += f":{port}"
    return userinfo + host


@lru_cache(maxsize=8192)  # the same few sites and courses, statement after statement
def canonical_root(url: str) -> str:
    """`url` as a site root: lower-case scheme and host, no default port, no trailing slash."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return url.strip().rstrip("/")
    scheme = parts.scheme.lower()
    return f"{scheme}://{_authority(scheme, parts)}{parts.path.rstrip('/')}"


@lru_cache(maxsize=8192)  # the same few sites and courses, statement after statement
def root_key(url: str) -> str:
    """What identifies a site root regardless of http/https: `//host[:port]/path`."""
    root = canonical_root(url)
    _, sep, rest = root.partition("://")
    return "//" + rest if sep else root


def resolve_root(url: str, registered: Mapping[str, str]) -> str:
    """The organisation's registered spelling of this site root, else its canonical form.

    `registered` maps `root_key` to the root as registered (a Moodle site, an LTI issuer).
    """
    return registered.get(root_key(url)) or canonical_root(url)


@lru_cache(maxsize=8192)  # the same few sites and courses, statement after statement
def activity_key(iri: str) -> str:
    """An activity IRI for matching: scheme-less, host in lower case, no default port."""
    parts = urlsplit(iri.strip())
    if not parts.scheme or not parts.netloc:
        return iri.strip()
    scheme = parts.scheme.lower()
    key = "//" + _authority(scheme, parts) + parts.path
    if parts.query:
        key += "?" + parts.query
    if parts.fragment:
        key += "#" + parts.fragment
    return key
