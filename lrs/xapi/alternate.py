"""Alternate request syntax (xAPI 1.0.3, Part 3, 1.3).

A client that can only POST sends `POST <resource>?method=PUT|GET|DELETE` with a form body that
carries the headers, the query parameters and the `content`. This WSGI middleware turns such a
request back into the request it stands for, before Flask sees it, so that every resource
handles it as an ordinary one. Refused (400) where the specification says so: any other query
parameter besides `method`, or a method outside PUT/GET/DELETE/POST. xAPI 2.0 (IEEE 9274.1.1)
removed the alternate syntax, so a request whose effective version is 2.0 is refused too.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from lrs.errors import SHORT_BODY, SHORT_BODY_MESSAGE, ErrorBody, body_too_large
from statements.errors import Problem

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": "CONTENT_LENGTH",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}
ALLOWED_METHODS = {"GET", "PUT", "POST", "DELETE"}


def _error(
    start_response: Callable[..., Any],
    message: str,
    problem: Problem,
    version: str = "1.0.3",
    status: tuple[str, str] = ("400 BAD REQUEST", "bad_request"),
) -> list[bytes]:
    """An error answered before Flask sees the request, in the shape of every error body."""
    body = ErrorBody(code=status[1], message=message, details=[problem]).to_json()
    start_response(
        status[0],
        [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(body))),
            ("X-Experience-API-Version", version),
        ],
    )
    return [body]


class AlternateRequestSyntax:
    def __init__(
        self, app: WSGIApp, prefixes: tuple[str, ...], max_body: Callable[[], int | None]
    ) -> None:
        self.app = app
        self.prefixes = prefixes
        self.max_body = max_body  # the app's MAX_CONTENT_LENGTH, read per request

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if environ.get("REQUEST_METHOD") != "POST" or not path.startswith(self.prefixes):
            return self.app(environ, start_response)
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        names = [name for name, _ in query]
        if "method" not in names:
            return self.app(environ, start_response)
        if names != ["method"]:
            return _error(
                start_response,
                "With the alternate request syntax, `method` must be the only query parameter.",
                Problem("query", "only `method` is allowed in the query string (Part 3, 1.3)"),
            )
        method = dict(query)["method"].upper()
        if method not in ALLOWED_METHODS:
            return _error(
                start_response,
                f"Method {method!r} cannot be tunnelled.",
                Problem("query.method", "must be one of GET, PUT, POST, DELETE"),
            )
        content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return _error(
                start_response,
                "The alternate request syntax needs a form-encoded body.",
                Problem("headers.Content-Type", "must be application/x-www-form-urlencoded"),
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.max_body()
        if limit is not None and length > limit:
            return _error(
                start_response,
                "The request body is too large.",
                body_too_large(limit),
                status=("413 REQUEST ENTITY TOO LARGE", "request_entity_too_large"),
            )
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if len(raw) < length:
            return _error(start_response, SHORT_BODY_MESSAGE, SHORT_BODY)
        form = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        params: list[tuple[str, str]] = []
        content = b""
        new_env = dict(environ)
        for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            new_env.pop(key, None)
        for name, value in form:
            lower = name.lower()
            if lower == "content":
                content = value.encode()
            elif lower in HEADER_FIELDS:
                new_env[HEADER_FIELDS[lower]] = value
            else:
                params.append((name, value))
        version = new_env.get("HTTP_X_EXPERIENCE_API_VERSION", "")
        if version.startswith("2."):
            return _error(
                start_response,
                "xAPI 2.0 has no alternate request syntax; send the request as it is.",
                Problem("query.method", "not available in xAPI 2.0 (IEEE 9274.1.1 removed it)"),
                version="2.0.0",
            )
        new_env["REQUEST_METHOD"] = method
        new_env["QUERY_STRING"] = urlencode(params)
        new_env["CONTENT_LENGTH"] = str(len(content))
        new_env["wsgi.input"] = io.BytesIO(content)
        if content and "CONTENT_TYPE" not in new_env:
            new_env["CONTENT_TYPE"] = "application/json"
        new_env["lernspur.alternate_syntax"] = True
        return self.app(new_env, start_response)
