"""Creating accounts and checking passwords (werkzeug's scrypt hashing)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lrs.accounts.models import ROLES, User
from lrs.errors import BadRequest, Conflict
from statements.errors import Problem

MIN_PASSWORD_LENGTH = 12


@cache
def _dummy_hash() -> str:
    """Checked against when the e-mail is unknown, so both answers take the same time.

    Made at the first such sign-in, not at import: scrypt takes ~0.1 s, which every app start
    and every command-line call would otherwise pay.
    """
    return generate_password_hash("lernspur-timing-equaliser")


@dataclass(frozen=True)
class IssuedAccount:
    user: User
    password: str


def create_user(
    session: Session,
    email: str,
    role: str,
    org_pk: int | None = None,
    programme_slug: str | None = None,
) -> IssuedAccount:
    """Create an account with a one-time password (to be changed at first sign-in)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise BadRequest("Unknown role.", [Problem("role", f"must be one of {', '.join(ROLES)}")])
    if "@" not in email:
        raise BadRequest("Not an e-mail address.", [Problem("email", "must be an e-mail address")])
    if session.scalar(select(User).where(User.email == email)) is not None:
        raise Conflict(f"An account for {email} exists already.", [Problem("email", "unique")])
    password = secrets.token_urlsafe(12)
    user = User(
        email=email,
        password_hash=generate_password_hash(password),
        role=role,
        org_pk=org_pk,
        programme_slug=programme_slug,
        must_change_password=True,
        created_at=datetime.now(UTC),
    )
    session.add(user)
    session.flush()
    return IssuedAccount(user=user, password=password)


def verify_login(session: Session, email: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not check_password_hash(user.password_hash, password):
        return None
    user.last_login_at = datetime.now(UTC)
    return user


def set_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(
            "The password needs at least 12 characters.",
            [Problem("password", f"at least {MIN_PASSWORD_LENGTH} characters")],
        )
    user.password_hash = generate_password_hash(password)
    user.must_change_password = False
