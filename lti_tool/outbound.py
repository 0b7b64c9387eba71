"""Requests the tool makes to platforms, guarded against server-side request forgery.

Platform URLs come from outside (a Dynamic Registration's `openid_configuration`, a launch's
service claims). Without a guard, anyone able to start a registration could make Lernspur fetch
addresses inside its own network. Every request therefore goes to a public address over HTTPS,
unless `ALLOW_PRIVATE_URLS` is set (development, acceptance runs against a local platform).
The check runs on every hop, redirects included.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests

from lrs.errors import BadRequest
from statements.errors import Problem

TIMEOUT_SECONDS = 10
USER_AGENT = "Lernspur-LTI-Tool"


class UnsafeURL(BadRequest):
    code = "unsafe_url"


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


def check_url(url: str, allow_private: bool, field: str = "url") -> str:
    """`url` if the tool may fetch it; else `UnsafeURL` naming `field`."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL(f"{url!r} is not an http(s) URL.", [Problem(field, "must be an URL")])
    if allow_private:
        return url
    if parts.scheme != "https":
        raise UnsafeURL(
            f"{url} does not use HTTPS.", [Problem(field, "must use https (LTI 1.3 needs TLS)")]
        )
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise UnsafeURL(
            f"The host of {url} cannot be resolved.", [Problem(field, "host must resolve")]
        ) from None
    if not infos or not all(_is_public(str(info[4][0])) for info in infos):
        raise UnsafeURL(
            f"{url} points at a private or loopback address.",
            [Problem(field, "must point at a public address (see LERNSPUR_ALLOW_PRIVATE_URLS)")],
        )
    return url


class GuardedSession(requests.Session):
    """A requests session that refuses unsafe URLs and never waits without a timeout."""

    def __init__(self, allow_private: bool) -> None:
        super().__init__()
        self.allow_private = allow_private
        self.headers["User-Agent"] = USER_AGENT

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        check_url(request.url or "", self.allow_private)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = TIMEOUT_SECONDS
        return super().send(request, **kwargs)
