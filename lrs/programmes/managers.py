"""Programme managers: a web account (one-time password) and an API token for `/api/v1/`."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.accounts.models import User
from lrs.accounts.services import create_user
from lrs.programmes.models import ManagerToken
from lrs.programmes.services import get_programme

TOKEN_PREFIX = "lsp_"  # noqa: S105 - a recognisable prefix, not a secret


@dataclass(frozen=True)
class IssuedManager:
    email: str
    programme: str
    token: str
    password: str


def hash_token(token: str) -> str:
    # A 256-bit random token needs no slow hash; SHA-256 keeps every API request cheap.
    return hashlib.sha256(token.encode()).hexdigest()


def create_manager(session: Session, programme_slug: str, email: str | None) -> IssuedManager:
    programme = get_programme(session, programme_slug)
    email = email or f"{programme.slug}-{secrets.token_hex(3)}@manager.lernspur.invalid"
    account = create_user(session, email, "manager", programme_slug=programme.slug)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ManagerToken(
            user_pk=account.user.pk,
            programme_slug=programme.slug,
            token_hash=hash_token(token),
            created_at=datetime.now(UTC),
        )
    )
    session.flush()
    return IssuedManager(account.user.email, programme.slug, token, account.password)


def authenticate_token(session: Session, token: str) -> ManagerToken | None:
    return session.scalar(
        select(ManagerToken)
        .join(User, User.pk == ManagerToken.user_pk)
        .where(ManagerToken.token_hash == hash_token(token), ManagerToken.revoked_at.is_(None))
    )
