"""Launch state shared by every worker: pylti1p3's storage in the database, and its cookies.

The OIDC login (one request, maybe on worker A) leaves a state cookie and a nonce; the launch
(the next request, maybe on worker B or another machine) must find them. Process memory or
Flask's cookie session would not do: the nonce lives in `lti_launch_state`, keyed by a
browser-session id kept in the `lti1p3-session-id` cookie.

Cookies: a platform shows the tool in a cross-site iframe, where browsers send cookies only if
they are `SameSite=None; Secure`, and browsers partitioning third-party cookies keep them only
if they are `Partitioned` too. Secure cookies need HTTPS, which browsers also grant to
`localhost` and loopback addresses (development, the browser test).
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Request, Response
from pylti1p3.contrib.flask.cookie import FlaskCookieService
from pylti1p3.contrib.flask.session import FlaskSessionService
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lti_tool.models import LaunchState

# Lifetime of what pylti1p3 stores without naming one (nonces and key sets name theirs).
LAUNCH_DATA_SECONDS = 3600


def cross_site_cookies_possible(request: Request) -> bool:
    """Whether `Secure` cookies can be set: HTTPS, or a host browsers treat as trustworthy."""
    if request.is_secure:
        return True
    host = (request.host or "").rsplit(":", 1)[0].strip("[]")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class DatabaseLaunchStorage(LaunchDataStorage[Any]):
    """pylti1p3 launch data storage on `lti_launch_state`, with expiry."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def can_set_keys_expiration(self) -> bool:
        return True

    def _now(self) -> datetime:
        return datetime.now(UTC)

    def get_value(self, key: str) -> Any:
        row = self.session.get(LaunchState, self._prepare_key(key))
        if row is None or row.expires_at <= self._now():
            return None
        return row.value

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        full = self._prepare_key(key)
        expires = self._now() + timedelta(seconds=exp or LAUNCH_DATA_SECONDS)
        row = self.session.get(LaunchState, full)
        if row is None:
            self.session.add(LaunchState(key=full, value=value, expires_at=expires))
        else:
            row.value = value
            row.expires_at = expires
        self.session.flush()

    def check_value(self, key: str) -> bool:
        return self.get_value(key) is not None

    def consume(self, key: str) -> bool:
        """Delete `key` if present and unexpired; True only for the one caller that did.

        On PostgreSQL a concurrent second DELETE waits for the first transaction and then finds
        nothing; on SQLite writers are serialised anyway.
        """
        result = self.session.execute(
            delete(LaunchState).where(
                LaunchState.key == self._prepare_key(key), LaunchState.expires_at > self._now()
            )
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def prune_expired(session: Session) -> None:
    """Remove expired state (cheap: an index range on `expires_at`)."""
    session.execute(delete(LaunchState).where(LaunchState.expires_at <= datetime.now(UTC)))


def has_key(session: Session, key: str) -> bool:
    return (
        session.scalar(
            select(LaunchState.key).where(
                LaunchState.key == key, LaunchState.expires_at > datetime.now(UTC)
            )
        )
        is not None
    )


class OneTimeNonceSessionService(FlaskSessionService):
    """pylti1p3's session service, except that a nonce is accepted once only.

    pylti1p3 checks that the nonce exists but keeps it, so the same id_token could be posted
    again (LTI 1.3 Security Framework 5.1.3: the tool must reject a reused nonce).
    """

    def check_nonce(self, nonce: str) -> bool:
        storage = self.data_storage
        if isinstance(storage, DatabaseLaunchStorage):
            return storage.consume(self._get_key("nonce", nonce))
        return super().check_nonce(nonce)


class CrossSiteCookieService(FlaskCookieService):
    """Cookies that survive a cross-site iframe: `SameSite=None; Secure; Partitioned`."""

    def __init__(self, request: Any, flask_request: Request) -> None:
        super().__init__(request)  # type: ignore[no-untyped-call]
        self.flask_request = flask_request

    def update_response(self, response: Response) -> None:
        secure = cross_site_cookies_possible(self.flask_request)
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(
                key,
                str(data["value"]),
                max_age=data["exp"],
                path="/",
                secure=secure,
                httponly=True,
                samesite="None" if secure else "Lax",
                partitioned=secure,
            )
