"""Creating organisations and credentials, and checking a credential's key and secret."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from lrs.auth.models import Credential, Organisation
from lrs.auth.scopes import unknown_scopes
from lrs.errors import BadRequest, Conflict, NotFound
from statements.errors import Problem

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class IssuedCredential:
    key: str
    secret: str
    org: str
    scopes: list[str]


def _hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_organisation(session: Session, slug: str, name: str) -> Organisation:
    if not SLUG_RE.match(slug):
        raise BadRequest(
            "Organisation id is not a valid slug.",
            [
                Problem(
                    "id", "lower-case letters, digits and '-', at most 64, starting alphanumeric"
                )
            ],
        )
    if session.scalar(select(Organisation).where(Organisation.slug == slug)) is not None:
        raise Conflict(f"Organisation {slug!r} exists already.", [Problem("id", "must be unique")])
    org = Organisation(slug=slug, name=name, created_at=datetime.now(UTC))
    session.add(org)
    session.flush()
    return org


def get_organisation(session: Session, slug: str) -> Organisation:
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFound(f"No organisation {slug!r}.", [Problem("org", "must name an organisation")])
    return org


def create_credential(
    session: Session,
    org: Organisation,
    scopes: Sequence[str],
    label: str | None = None,
    strip_personal_data: bool = False,
    expires_at: datetime | None = None,
) -> IssuedCredential:
    bad = unknown_scopes(scopes)
    if bad or not scopes:
        raise BadRequest(
            "Unknown or missing xAPI scope.",
            [Problem("scope", f"must be one of the xAPI scopes, not {s!r}") for s in bad]
            or [Problem("scope", "at least one scope is required")],
        )
    key = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    session.add(
        Credential(
            org_pk=org.pk,
            key=key,
            secret_hash=_hash_secret(secret),
            scopes=list(dict.fromkeys(scopes)),
            label=label,
            strip_personal_data=strip_personal_data,
            created_at=datetime.now(UTC),
            expires_at=expires_at,
        )
    )
    session.flush()
    return IssuedCredential(key=key, secret=secret, org=org.slug, scopes=list(scopes))


def authenticate(session: Session, key: str, secret: str) -> Credential | None:
    """The active (not revoked, not expired) credential with this key and secret, or None."""
    cred = session.scalar(
        select(Credential)
        .options(joinedload(Credential.organisation))
        .where(
            Credential.key == key,
            Credential.revoked_at.is_(None),
            or_(Credential.expires_at.is_(None), Credential.expires_at > datetime.now(UTC)),
        )
    )
    if cred is None or not hmac.compare_digest(cred.secret_hash, _hash_secret(secret)):
        return None
    return cred
