"""Configuration from the environment (`LERNSPUR_*`), with development defaults.

A `.env` file in the working directory is read first if present. Secrets have no default outside
development: the development default database is the SQLite file under `var/`, and only there a
missing secret key is generated into `var/secret_key` (as `make run` does).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

DEFAULT_DATABASE_URL = "sqlite:///var/lernspur.db"
DEFAULT_MAX_BODY_BYTES = 50 * 1024 * 1024


class ConfigError(RuntimeError):
    """The configuration cannot be used as given."""


def normalise_database_url(url: str) -> str:
    """Pick the installed driver for a plain `postgresql://` URL (DESIGN: it works as given)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    base_url: str | None = None
    allow_private_urls: bool = False
    trust_proxy: int = 0
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    xapi_default_version: str = "2.0.0"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _xapi_version(value: str | None) -> str:
    if not value:
        return "2.0.0"
    if value not in ("1.0.3", "2.0.0"):
        raise ConfigError("LERNSPUR_XAPI_VERSION must be 1.0.3 or 2.0.0.")
    return value


def _development_secret(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Read settings from `environ` (default: the process environment after `.env`)."""
    if environ is None:
        load_dotenv(Path.cwd() / ".env", override=False)
        environ = dict(os.environ)
    database_url = environ.get("LERNSPUR_DATABASE_URL") or DEFAULT_DATABASE_URL
    secret_key = environ.get("LERNSPUR_SECRET_KEY", "")
    if not secret_key:
        if database_url != DEFAULT_DATABASE_URL:
            raise ConfigError(
                "LERNSPUR_SECRET_KEY is not set. Outside the development default database a "
                "secret key must be configured, e.g. `python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))'`."
            )
        secret_key = _development_secret(Path("var"))
    if database_url.startswith("sqlite:///") and not database_url.startswith("sqlite:////"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    return Settings(
        database_url=normalise_database_url(database_url),
        secret_key=secret_key,
        base_url=(environ.get("LERNSPUR_BASE_URL") or "").rstrip("/") or None,
        allow_private_urls=_flag(environ.get("LERNSPUR_ALLOW_PRIVATE_URLS")),
        trust_proxy=int(environ.get("LERNSPUR_TRUST_PROXY", "0") or 0),
        max_body_bytes=int(environ.get("LERNSPUR_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)),
        xapi_default_version=_xapi_version(environ.get("LERNSPUR_XAPI_VERSION")),
    )
