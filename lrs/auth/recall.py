"""Statement writes under a credential this process authenticated a moment ago.

An xAPI client that sends statements one at a time authenticates with every request, and the
authentication query was one of four round trips of such a request (BEGIN, authentication,
insert, COMMIT). A statement write may therefore run under the credential as this process
last authenticated it (`recall`), provided that the write checks it: the insert of the
statements carries `guard`, a condition over the live credential row (not revoked, not
expired, the same secret, scopes, label, privacy setting and organisation) and over the values
read with the authentication (the projections' definitions version). If the condition fails,
nothing is stored (`StaleCredential`) and the request is done again under a fresh
authentication. A revoked credential is therefore refused from its next request on, as
without this memory, and the statements of a recalled credential are stored as they would
have been under a fresh authentication.

PostgreSQL only: on SQLite the authentication query is a function call, and nothing is
remembered there.
"""

from __future__ import annotations

import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy.orm import Session, sessionmaker

from lrs.auth.services import (
    AUTHENTICATION_VALUES,
    Principal,
    authentication_queries,
    hash_secret,
)
from lrs.db import driver_cursor

MEMORY = "lernspur.authentication_memory"
RECALLED = "lernspur.recalled_credential"


class StaleCredential(Exception):
    """The recalled credential (or a value read with it) changed: nothing was stored."""


@dataclass(frozen=True)
class Remembered:
    principal: Principal
    secret_hash: str
    values: dict[str, Any]  # what `read_with_authentication` read with it
    guard_params: tuple[Any, ...]  # the parameters of `guard`, in its placeholders' order


class AuthenticationMemory:
    """The credentials this process authenticated last, by key (bounded, least recently
    used out first). Only a shortcut: every write under an entry checks it (`guard`)."""

    def __init__(self, size: int = 1024) -> None:
        self._entries: OrderedDict[str, Remembered] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: str) -> Remembered | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: Remembered) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def forget(self, key: str) -> None:
        with self._lock:
            self._entries.pop(key, None)


def install_authentication_memory(factory: sessionmaker[Session]) -> None:
    """Give the sessions of `factory` (on PostgreSQL) a memory of authentications."""
    bind = factory.kw.get("bind")
    if bind is not None and bind.dialect.name == "postgresql":
        factory.kw.setdefault("info", {})[MEMORY] = AuthenticationMemory()


def remember(session: Session, secret: str, principal: Principal) -> None:
    """Keep `principal`, just authenticated with `secret`, and the values read with it."""
    memory: AuthenticationMemory | None = session.info.get(MEMORY)
    if memory is None:
        return
    values = dict(session.info.get(AUTHENTICATION_VALUES, {}))
    secret_hash = hash_secret(secret)
    params = (
        principal.pk,
        secret_hash,
        orjson.dumps(list(principal.scopes)).decode(),
        principal.label,
        principal.strip_personal_data,
        principal.organisation.slug,
        principal.organisation.name,
        *values.values(),
    )
    memory.put(principal.key, Remembered(principal, secret_hash, values, params))


def recall(session: Session, key: str, secret: str) -> Principal | None:
    """The credential remembered for `key` if `secret` is its secret, else None. The session's
    statement inserts then carry the `guard` of it."""
    memory: AuthenticationMemory | None = session.info.get(MEMORY)
    entry = memory.get(key) if memory is not None else None
    if entry is None or not hmac.compare_digest(entry.secret_hash, hash_secret(secret)):
        return None
    session.info[AUTHENTICATION_VALUES] = dict(entry.values)
    session.info[RECALLED] = entry
    session.info.pop(CONFIRMED, None)
    return entry.principal


def forget(session: Session) -> None:
    """Drop the session's recalled credential from the memory (it changed, or failed)."""
    entry: Remembered | None = session.info.pop(RECALLED, None)
    memory: AuthenticationMemory | None = session.info.get(MEMORY)
    if entry is not None and memory is not None:
        memory.forget(entry.principal.key)


_CREDENTIAL_UNCHANGED = (
    "EXISTS (SELECT 1 FROM credentials c JOIN organisations o ON o.pk = c.org_pk"
    " WHERE c.pk = %s AND c.secret_hash = %s AND c.revoked_at IS NULL"
    " AND (c.expires_at IS NULL OR c.expires_at > now())"
    " AND c.scopes = CAST(%s AS jsonb) AND c.label IS NOT DISTINCT FROM %s"
    " AND c.strip_personal_data = %s AND o.slug = %s AND o.name = %s)"
)
CONFIRMED = "lernspur.recalled_credential_confirmed"


@lru_cache(maxsize=8)
def _guard_sql(names: tuple[str, ...]) -> str:
    """The condition of `guard` for these values read with authentication (built once: the
    same string each time also keeps the INSERT's cache lookup cheap)."""
    queries = authentication_queries()
    return _CREDENTIAL_UNCHANGED + "".join(
        " AND (" + queries[name].replace("%", "%%") + ") = %s" for name in names
    )


def guard(session: Session) -> tuple[str, tuple[Any, ...]] | None:
    """For a session whose credential was recalled and not yet confirmed: an SQL condition
    (psycopg placeholders) and its parameters, true while the credential and the values read
    with it are unchanged. None otherwise."""
    entry: Remembered | None = session.info.get(RECALLED)
    if entry is None or session.info.get(CONFIRMED):
        return None
    return _guard_sql(tuple(entry.values)), entry.guard_params


def confirmed(session: Session) -> None:
    """Note that a statement held `guard` true in this session's write (nothing more to check)."""
    session.info[CONFIRMED] = True


def confirm_recalled(session: Session) -> None:
    """Raise StaleCredential unless the session's recalled credential is unchanged, for a
    write in which no insert carried `guard` (nothing new to store, or a COPY). One query;
    nothing for a credential authenticated in this request or confirmed already."""
    check = guard(session)
    if check is None:
        return
    sql = "SELECT 1 WHERE " + check[0]
    with driver_cursor(session, sql) as cur:
        cur.execute(sql, check[1])
        if cur.fetchone() is None:
            raise StaleCredential
    confirmed(session)
