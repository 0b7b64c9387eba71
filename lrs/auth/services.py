"""Creating organisations and credentials, and checking a credential's key and secret."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, literal_column, or_, select
from sqlalchemy.orm import Session

from lrs.auth.models import Credential, Organisation
from lrs.auth.scopes import unknown_scopes
from lrs.db import first_row
from lrs.errors import BadRequest, Conflict, NotFound
from statements.errors import Problem

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class IssuedCredential:
    key: str
    secret: str
    org: str
    scopes: list[str]
    credential: Credential  # the stored row (its secret only as a hash)


def hash_secret(secret: str) -> str:
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
    credential = Credential(
        org_pk=org.pk,
        organisation=org,
        key=key,
        secret_hash=hash_secret(secret),
        scopes=list(dict.fromkeys(scopes)),
        label=label,
        strip_personal_data=strip_personal_data,
        created_at=datetime.now(UTC),
        expires_at=expires_at,
    )
    session.add(credential)
    session.flush()
    return IssuedCredential(
        key=key, secret=secret, org=org.slug, scopes=list(scopes), credential=credential
    )


def revoke_credential(session: Session, key: str) -> Credential:
    """End the credential with `key` now: every later request with it is refused (401),
    also in processes that remember it (lrs.auth.recall checks it with every write)."""
    credential = session.scalar(select(Credential).where(Credential.key == key))
    if credential is None:
        raise NotFound(f"No credential {key!r}.", [Problem("key", "must name a credential")])
    if credential.revoked_at is None:
        credential.revoked_at = datetime.now(UTC)
        session.flush()
    return credential


@dataclass(frozen=True)
class OrganisationRef:
    pk: int
    slug: str
    name: str


@dataclass(frozen=True)
class Principal:
    """The credential a request authenticated with, as plain data (no ORM session needed)."""

    pk: int
    key: str
    org_pk: int
    scopes: tuple[str, ...]
    label: str | None
    strip_personal_data: bool
    organisation: OrganisationRef


# One Core query per request: this runs before every xAPI request.
_AUTHENTICATE = (
    select(
        Credential.pk,
        Credential.secret_hash,
        Credential.org_pk,
        Credential.scopes,
        Credential.label,
        Credential.strip_personal_data,
        Organisation.slug,
        Organisation.name,
    )
    .join(Organisation, Organisation.pk == Credential.org_pk)
    .where(
        Credential.key == bindparam("key"),
        Credential.revoked_at.is_(None),
        # Short-lived credentials (content launched through LTI) end by themselves.
        or_(Credential.expires_at.is_(None), Credential.expires_at > bindparam("now")),
    )
)


# Values other modules read on every request anyway, fetched in the authentication round trip
# instead of one of their own (for the projections' definitions version: +10 % single-statement
# POSTs in A/B runs). Name -> a scalar SQL query (plain SQL for every backend).
_with_authentication: dict[str, str] = {}
AUTHENTICATION_VALUES = "lernspur.authentication_values"


def read_with_authentication(name: str, scalar_sql: str) -> None:
    """Have each authentication of a writing request also run `scalar_sql` (a one-value
    SELECT). Its value, read in the request's transaction before anything else, is in the
    session's `info[AUTHENTICATION_VALUES][name]` (`authenticated_value`). Register at import
    time."""
    if _with_authentication.get(name) != scalar_sql:
        _with_authentication[name] = scalar_sql
        _authentication_query.cache_clear()


@lru_cache(maxsize=2)
def _authentication_query(writing: bool) -> tuple[Select[Any], tuple[str, ...]]:
    names = tuple(_with_authentication) if writing else ()
    extra: list[Any] = [literal_column(f"({_with_authentication[n]})").label(n) for n in names]
    return _AUTHENTICATE.add_columns(*extra), names


def authentication_queries() -> dict[str, str]:
    """The scalar queries read with each authentication of a writing request, by name."""
    return dict(_with_authentication)


def authenticated_value(session: Session, name: str) -> Any:
    """The value `read_with_authentication` read for `name` in this session, else KeyError."""
    return session.info[AUTHENTICATION_VALUES][name]


def authenticate(session: Session, key: str, secret: str, writing: bool = True) -> Principal | None:
    """The active (not revoked, not expired) credential with this key and secret, or None.
    Reads the values registered with `read_with_authentication` when `writing`."""
    query, names = _authentication_query(writing)
    row = first_row(session, query, {"key": key, "now": datetime.now(UTC)})
    if row is None:
        return None
    pk, secret_hash, org_pk, scopes, label, strip_personal_data, slug, name = row[:8]
    if not hmac.compare_digest(secret_hash, hash_secret(secret)):
        return None
    session.info[AUTHENTICATION_VALUES] = dict(zip(names, row[8:], strict=True))
    return principal_of(
        pk,
        key,
        org_pk,
        scopes,
        label,
        strip_personal_data,
        OrganisationRef(org_pk, slug, name),
    )


def principal_of(
    pk: int,
    key: str,
    org_pk: int,
    scopes: Sequence[str],
    label: str | None,
    strip_personal_data: bool,
    organisation: OrganisationRef,
) -> Principal:
    return Principal(pk, key, org_pk, tuple(scopes), label, bool(strip_personal_data), organisation)


def principal_for(credential: Credential) -> Principal:
    """The Principal of a stored credential (for code that acts as a credential itself)."""
    org = credential.organisation
    return principal_of(
        credential.pk,
        credential.key,
        credential.org_pk,
        credential.scopes,
        credential.label,
        credential.strip_personal_data,
        OrganisationRef(org.pk, org.slug, org.name),
    )
