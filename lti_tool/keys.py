"""The tool's RSA keys: created on first use, rotated by `lernspur keys rotate`.

JWKS serves the current key and the previous one, so that a platform holding a message signed
just before a rotation can still verify it (Moodle caches a tool's key set per client and
fetches it again when a signature does not verify). Keys older than that are retired.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.models import ToolKey

KEY_BITS = 2048


def generate_key(session: Session) -> ToolKey:
    """A new key pair, which becomes the current key."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    pem = private.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    kid = jwk.thumbprint()
    public = json.loads(jwk.export_public())
    public.update({"kid": kid, "alg": "RS256", "use": "sig"})
    key = ToolKey(kid=kid, private_key_pem=pem, public_jwk=public, created_at=datetime.now(UTC))
    session.add(key)
    session.flush()
    return key


def _active(session: Session) -> list[ToolKey]:
    return list(
        session.scalars(
            select(ToolKey).where(ToolKey.retired_at.is_(None)).order_by(ToolKey.pk.desc())
        )
    )


def current_key(session: Session) -> ToolKey:
    """The key the tool signs with; created when there is none yet."""
    active = _active(session)
    return active[0] if active else generate_key(session)


def rotate(session: Session) -> ToolKey:
    """Make a new current key; the old current one stays published, older ones retire."""
    new = generate_key(session)
    now = datetime.now(UTC)
    for old in _active(session)[2:]:
        old.retired_at = now
    session.flush()
    return new


def jwks(session: Session) -> dict[str, Any]:
    """The public key set: current key first, then the previous one."""
    return {"keys": [dict(key.public_jwk) for key in _active(session)[:2]]}
