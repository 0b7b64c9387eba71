"""Authenticating an xAPI request: HTTP Basic with an organisation's credential and its scopes."""

from __future__ import annotations

import base64
import binascii

from flask import g, request

from lrs import db
from lrs.auth.scopes import grants
from lrs.auth.services import Principal, authenticate
from lrs.errors import Forbidden, Unauthorized
from statements.errors import Problem

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


def current_credential() -> Principal:
    """The credential of this request; 401 if missing or wrong."""
    cred: Principal | None = g.get("credential")
    if cred is not None:
        return cred
    key, secret = _basic_credentials()
    # Only writing requests store statements, and need what is read with authentication.
    cred = authenticate(db.session(), key, secret, writing=request.method not in db.SAFE_METHODS)
    if cred is None:
        raise Unauthorized(
            "Unknown key or wrong secret.",
            [Problem("headers.Authorization", "must name an active credential")],
            CHALLENGE,
        )
    g.credential = cred
    return cred


def require(resource: str, access: str) -> Principal:
    """The request's credential, if its scopes allow `access` on `resource`; else 401/403."""
    cred = current_credential()
    if not grants(cred.scopes, resource, access):
        raise Forbidden(
            f"This credential may not {access.replace('_', ' ')} {resource}.",
            [Problem("scope", f"needs a scope granting {access} on {resource}")],
        )
    return cred
