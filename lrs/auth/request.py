"""Authenticating an xAPI request: HTTP Basic with an organisation's credential and its scopes."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TypeVar

from flask import g, request

from lrs import db
from lrs.auth.recall import (
    RECALLED,
    StaleCredential,
    confirm_recalled,
    forget,
    recall,
    remember,
)
from lrs.auth.scopes import grants
from lrs.auth.services import Principal, authenticate
from lrs.errors import Forbidden, LernspurError, Unauthorized
from statements.errors import Problem

T = TypeVar("T")

CHALLENGE = {"WWW-Authenticate": 'Basic realm="Lernspur xAPI", charset="UTF-8"'}


def _basic_credentials() -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise Unauthorized(
            "HTTP Basic authentication is required.",
            [Problem("headers.Authorization", "must be 'Basic <base64 key:secret>'")],
            CHALLENGE,
        )
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorized(
            "The Authorization header is not valid Basic credentials.",
            [Problem("headers.Authorization", "must be base64 of 'key:secret'")],
            CHALLENGE,
        ) from None
    key, sep, secret = decoded.partition(":")
    if not sep:
        raise Unauthorized(
            "The Authorization header is not valid Basic credentials.",
            [Problem("headers.Authorization", "must be base64 of 'key:secret'")],
            CHALLENGE,
        )
    return key, secret


def current_credential(recent: bool = False) -> Principal:
    """The credential of this request; 401 if missing or wrong.

    `recent`: the credential may be the one this process authenticated last for the same key
    and secret (lrs.auth.recall), for statement writes, whose inserts check it; run them
    through `with_fresh_credential_on_failure`.
    """
    cred: Principal | None = g.get("credential")
    if cred is not None:
        return cred
    key, secret = _basic_credentials()
    session = db.session()
    if recent:
        cred = recall(session, key, secret)
        if cred is not None:
            g.credential = cred
            return cred
    # Only writing requests store statements, and need what is read with authentication.
    cred = authenticate(session, key, secret, writing=request.method not in db.SAFE_METHODS)
    if cred is not None and recent:
        remember(session, secret, cred)
    if cred is None:
        raise Unauthorized(
            "Unknown key or wrong secret.",
            [Problem("headers.Authorization", "must name an active credential")],
            CHALLENGE,
        )
    g.credential = cred
    return cred


def require(resource: str, access: str, recent: bool = False) -> Principal:
    """The request's credential, if its scopes allow `access` on `resource`; else 401/403."""
    cred = current_credential(recent)
    if not grants(cred.scopes, resource, access):
        raise Forbidden(
            f"This credential may not {access.replace('_', ' ')} {resource}.",
            [Problem("scope", f"needs a scope granting {access} on {resource}")],
        )
    return cred


def with_fresh_credential_on_failure(write: Callable[[], T]) -> T:
    """Run `write` (which calls `require(..., recent=True)`); if it fails while the credential
    was recalled, run it once more in a new transaction under a fresh authentication, and
    answer as that run does. So a credential revoked or changed since it was remembered is
    refused (401/403) or served as it is now, never answered by what it was: its statements
    were not stored (`StaleCredential`), and no other error reveals anything to it."""
    try:
        result = write()
        # A write whose statements went in with the guard is confirmed; any other (nothing
        # new to store, a COPY) is checked here, before the request commits.
        confirm_recalled(db.session())
        return result
    except (StaleCredential, LernspurError):
        session = db.session()
        if RECALLED not in session.info:
            raise
        forget(session)
        db.discard_request_session()
        g.pop("credential", None)
        return write()
