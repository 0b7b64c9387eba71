"""Calls from Lernspur to a platform: only to public addresses, unless configured otherwise.

A platform URL comes from an admin, but it is still a URL the server will fetch: pointed at
loopback or a private network it would reach services that are not meant to be reachable
(server-side request forgery). So every address the host name resolves to must be public
(`ipaddress.is_global`), unless `ALLOW_PRIVATE_URLS` (LERNSPUR_ALLOW_PRIVATE_URLS=1, for
development and acceptance runs against a local platform) is set. Redirects are not followed,
so a public URL cannot hand the request on to a private one.
"""

from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode, urlsplit

import orjson

from lrs.errors import BadRequest, ServiceUnavailable
from statements.errors import Problem

TIMEOUT_SECONDS = 30


def check_url(url: str, allow_private: bool, field: str = "url") -> None:
    """BadRequest unless `url` is http(s) with a host resolving only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest(
            "The platform URL must be an http or https URL.",
            [Problem(field, "must be an absolute http(s) URL")],
        )
    if allow_private:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except OSError:
        raise BadRequest(
            f"The host {parts.hostname!r} cannot be resolved.",
            [Problem(field, "must name a host that resolves")],
        ) from None
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise BadRequest(
                f"The host {parts.hostname!r} resolves to the non-public address {address}.",
                [
                    Problem(
                        field,
                        "must resolve to public addresses only "
                        "(LERNSPUR_ALLOW_PRIVATE_URLS=1 allows others, for development)",
                    )
                ],
            )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx then surfaces as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


def get_json(url: str, query: list[tuple[str, str]], allow_private: bool) -> Any:
    """GET `url?query` and parse the JSON answer; ServiceUnavailable if the platform fails."""
    check_url(url, allow_private)
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        f"{url}?{urlencode(query)}", headers={"Accept": "application/json"}
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise ServiceUnavailable(
            f"The platform answered HTTP {exc.code}.", [Problem("url", "must answer 200")]
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ServiceUnavailable(
            f"The platform cannot be reached ({exc}).", [Problem("url", "must be reachable")]
        ) from None
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise ServiceUnavailable(
            "The platform did not answer with JSON.", [Problem("url", "must answer JSON")]
        ) from None
