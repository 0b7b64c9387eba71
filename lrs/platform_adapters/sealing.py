"""Keeping a platform's web-service token unreadable at rest.

The token is a password to the platform; Lernspur needs it in clear only when it calls the
platform. It is stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`, which
PyJWT's crypto extra brings) under a key derived from LERNSPUR_SECRET_KEY, so a database dump
alone does not hand it out. Changing the secret key makes stored tokens unreadable: add the
site again with its token.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from lrs.errors import BadRequest
from statements.errors import Problem


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"lernspur platform token v1\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(token: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(token.encode()).decode("ascii")


def unseal(sealed: str, secret_key: str) -> str:
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except InvalidToken:
        raise BadRequest(
            "The stored web-service token cannot be read (was LERNSPUR_SECRET_KEY changed?).",
            [Problem("token", "add the site again with its token")],
        ) from None
