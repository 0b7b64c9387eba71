"""Domain errors, and the one place that turns them into HTTP responses.

Every error body has the shape fixed in DESIGN.md:
`{"error": {"code", "message", "details": [{"path", "rule"}]}}`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
from flask import Flask, Response, has_request_context, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from statements.errors import Problem, StatementInvalid

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class LernspurError(Exception):
    """Base of all domain errors; services raise these, never HTTP exceptions. Every one names
    at least one field path and the rule broken (the 4xx body of DESIGN.md)."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        details: list[Problem],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}


class BadRequest(LernspurError):
    status = 400
    code = "bad_request"


class Unauthorized(LernspurError):
    status = 401
    code = "unauthorized"


class Forbidden(LernspurError):
    status = 403
    code = "forbidden"


class NotFound(LernspurError):
    status = 404
    code = "not_found"


class MethodNotAllowed(LernspurError):
    status = 405
    code = "method_not_allowed"


class Conflict(LernspurError):
    status = 409
    code = "conflict"


class PreconditionFailed(LernspurError):
    status = 412
    code = "precondition_failed"


# Problems of a request's body that both Flask and the alternate-syntax middleware (which reads
# bodies before Flask does) report.
SHORT_BODY_MESSAGE = "The request body ended before its Content-Length."
SHORT_BODY = Problem("body", "must be as long as Content-Length says; it ended early")


def body_too_large(limit: int | None) -> Problem:
    return Problem("body", f"must be at most {limit} bytes")


class ServiceUnavailable(LernspurError):
    status = 503
    code = "unavailable"


@dataclass(frozen=True)
class ErrorBody:
    code: str
    message: str
    details: list[Problem]

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "error": {
                    "code": self.code,
                    "message": self.message,
                    "details": [{"path": p.path, "rule": p.rule} for p in self.details],
                }
            }
        )


# Machine interfaces always answer JSON; pages answer a page to a browser.
API_PREFIXES = ("/xapi", "/data/xAPI", "/api/", "/healthz", "/readyz", "/lti/jwks")


def _wants_page() -> bool:
    if not has_request_context() or request.path.startswith(API_PREFIXES):
        return False
    accept = request.accept_mimetypes
    return accept.accept_html and accept.quality("text/html") > accept.quality("application/json")


def error_response(
    status: int,
    code: str,
    message: str,
    details: list[Problem] | None = None,
    headers: dict[str, Any] | None = None,
) -> Response:
    if _wants_page():
        from flask import render_template

        page = render_template(
            "error.html", status=status, code=code, message=message, details=details or []
        )
        response = Response(page, status=status, mimetype="text/html")
    else:
        body = ErrorBody(code=code, message=message, details=details or []).to_json()
        response = Response(body, status=status, mimetype="application/json")
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(LernspurError)
    def _domain(exc: LernspurError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.errorhandler(StatementInvalid)
    def _invalid(exc: StatementInvalid) -> Response:
        return error_response(400, "invalid_statement", exc.message, list(exc.problems))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        headers = {}
        allowed = getattr(exc, "valid_methods", None) or []
        if status == 405 and allowed:
            headers["Allow"] = ", ".join(allowed)
        return error_response(
            status,
            code,
            exc.description or exc.name,
            _http_problems(exc, status, allowed),
            headers,
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(PoolTimeoutError)
    def _db_down(exc: Exception) -> Response:
        logger.warning("database unavailable: %s", exc)
        return unavailable_response()

    @app.errorhandler(DBAPIError)
    def _db_error(exc: DBAPIError) -> Response:
        if exc.connection_invalidated:
            logger.warning("database connection lost: %s", exc)
            return unavailable_response()
        logger.exception("database error")
        return error_response(500, "internal", "Internal database error.")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal", "Internal server error.")


def _http_problems(exc: HTTPException, status: int, allowed: list[str]) -> list[Problem]:
    """What a request refused before any view (by routing or the body limit) got wrong."""
    if not has_request_context():
        return []
    if status == 404:
        return [Problem("url", f"no resource at {request.path}")]
    if status == 405:
        return [Problem("method", f"must be one of {', '.join(allowed)}, not {request.method}")]
    if status == 413:
        return [body_too_large(request.max_content_length)]
    if 400 <= status < 500:
        return [Problem("request", exc.description or "must be a well-formed HTTP request")]
    return []


def unavailable_response() -> Response:
    return error_response(
        503,
        "unavailable",
        "The database is not reachable; try again shortly.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )
