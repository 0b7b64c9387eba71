"""Fixtures shared by every test.

Every database test runs on SQLite and, when `LERNSPUR_TEST_DATABASE_URL` is set (as in CI), again
on PostgreSQL: the `engine` fixture is parametrised over both. The schema is built once per
session by the Alembic migrations; each test runs inside a transaction that is rolled back
(Warehouse's pattern), with the app's sessions joining it through SAVEPOINTs.
"""

from __future__ import annotations

import base64
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from lrs import migrate
from lrs.app import create_app
from lrs.auth.services import create_credential, create_organisation
from lrs.config import normalise_database_url
from lrs.db import make_engine

PG_ENV = "LERNSPUR_TEST_DATABASE_URL"


def _backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def pytest_report_header() -> str:
    if os.environ.get(PG_ENV):
        return f"databases: SQLite and PostgreSQL ({os.environ[PG_ENV]})"
    return f"databases: SQLite only ({PG_ENV} is not set, so PostgreSQL is not tested)"


def _fresh_postgres_database(url: str) -> str:
    """Drop and create the test database named in `url`; fail loudly if unreachable."""
    target = make_url(normalise_database_url(url))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = target.database
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        pytest.exit(
            f"PostgreSQL at {url} is not reachable ({exc.__class__.__name__}: {exc}). "
            f"Start it, or unset {PG_ENV} to test on SQLite only.",
            returncode=3,
        )
    finally:
        admin.dispose()
    return target.render_as_string(hide_password=False)


@pytest.fixture(scope="session", params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'lernspur-test.db'}"
    return _fresh_postgres_database(os.environ[PG_ENV])


def fresh_database_like(database_url: str, name: str, directory: Path) -> str:
    """A new, empty database of `database_url`'s kind, for a test that needs its own: a SQLite
    file in `directory`, or the PostgreSQL database `<test database>_<name>`, created afresh."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{directory / f'{name}.db'}"
    url = make_url(normalise_database_url(os.environ[PG_ENV]))
    return _fresh_postgres_database(
        url.set(database=f"{url.database}_{name}").render_as_string(hide_password=False)
    )


def unreachable_database_url(database_url: str) -> str:
    """A database of `database_url`'s kind that cannot be reached."""
    if database_url.startswith("sqlite"):
        return "sqlite:////dev/null/lernspur/unreachable.db"  # /dev/null is no directory
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"postgresql://postgres@127.0.0.1:{port}/lernspur"


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    with eng.begin() as conn:
        migrate.upgrade(connection=conn)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    conn = engine.connect()
    trans = conn.begin()
    yield conn
    trans.rollback()
    conn.close()


@pytest.fixture
def db_session(connection: Connection) -> Iterator[Session]:
    sess = Session(bind=connection, join_transaction_mode="create_savepoint")
    yield sess
    sess.close()


@pytest.fixture
def app_config(connection: Connection, database_url: str) -> dict[str, Any]:
    """The app's configuration; a feature's conftest may override it to add its own."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "DB_CONNECTION": connection,
        "BASE_URL": "http://lrs.test",
    }


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    return create_app(app_config)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class XapiClient:
    """Speaks xAPI to the app as one credential (like flaskr's `AuthActions`)."""

    client: FlaskClient
    key: str
    secret: str
    org: str
    version: str = "1.0.3"
    extra_headers: dict[str, str] = field(default_factory=dict)

    def headers(self, **more: str) -> dict[str, str]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        headers = {
            "Authorization": f"Basic {token}",
            "X-Experience-API-Version": self.version,
            **self.extra_headers,
        }
        headers.update({k.replace("_", "-"): v for k, v in more.items()})
        return headers

    def request(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = self.headers(**kwargs.pop("headers", {}))
        if json is not None:
            kwargs["data"] = orjson.dumps(json)
            headers.setdefault("Content-Type", "application/json")
        return self.client.open(f"/xapi/{path}", method=method, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json, **kwargs)

    def put(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PUT", path, json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


class XapiFactory:
    """Creates organisations and credentials with chosen scopes, and clients that use them."""

    def __init__(self, client: FlaskClient, session: Session) -> None:
        self._client = client
        self._session = session
        self._orgs: dict[str, Any] = {}

    def as_(self, scopes: list[str] | None = None, org: str = "org-a", **kw: Any) -> XapiClient:
        if org not in self._orgs:
            self._orgs[org] = create_organisation(self._session, org, org.upper())
        issued = create_credential(self._session, self._orgs[org], scopes or ["all"])
        self._session.commit()
        return XapiClient(self._client, issued.key, issued.secret, org, **kw)


@pytest.fixture
def xapi_factory(client: FlaskClient, db_session: Session) -> XapiFactory:
    return XapiFactory(client, db_session)


@pytest.fixture
def xapi(xapi_factory: XapiFactory) -> XapiClient:
    """A client of organisation `org-a` with scope `all`, speaking xAPI 1.0.3."""
    return xapi_factory.as_(["all"])


DATA = Path(__file__).parent / "data"
# The sample frameworks, programmes and catalogue of ../shared/examples, as the package ships
# them (lrs/demo/examples/, the same files unchanged): the suite needs nothing outside the repo.
EXAMPLES = Path(__file__).resolve().parents[1] / "lrs" / "demo" / "examples"


@dataclass
class LiveServer:
    """A real `lernspur serve` (gunicorn) process on its own database."""

    url: str
    database_url: str
    process: Any
    env: dict[str, str]
    log: Path

    def credentials(self, scopes: str = "all", org: str | None = None) -> dict[str, str]:
        """A new organisation (unless given) and a credential in it, through the CLI."""
        import subprocess
        import uuid

        org = org or f"live-{uuid.uuid4().hex[:10]}"
        subprocess.run(
            [LERNSPUR, "orgs", "create", org, "--name", org],
            env=self.env,
            check=False,
            capture_output=True,
        )
        out = subprocess.run(
            [LERNSPUR, "credentials", "create", "--org", org, "--scope", scopes, "--json"],
            env=self.env,
            check=False,
            capture_output=True,
            text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"lernspur credentials create failed: {out.stderr}")
        return orjson.loads(out.stdout)


LERNSPUR = str(Path(__file__).resolve().parents[1] / ".venv" / "bin" / "lernspur")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    database_url: str,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
) -> LiveServer:
    import subprocess
    import time
    import urllib.request

    port = _free_port()
    env = {
        **os.environ,
        "LERNSPUR_DATABASE_URL": database_url,
        "LERNSPUR_SECRET_KEY": "live-test-secret",
        **(extra_env or {}),
    }
    subprocess.run([LERNSPUR, "db", "upgrade"], env=env, check=True, capture_output=True)
    import tempfile

    log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, read after failures
        prefix="lernspur-serve-", suffix=".log", delete=False
    )
    process = subprocess.Popen(
        [LERNSPUR, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):  # noqa: S310
                return LiveServer(url, database_url, process, env, Path(log.name))
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(Path(log.name).read_text()) from None
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("lernspur serve did not come up in 30 s")


def stop_server(server: LiveServer) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except Exception:
        server.process.kill()
        server.process.wait(timeout=20)
    if not os.environ.get("LERNSPUR_KEEP_SERVER_LOGS"):
        server.log.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def live_database_url(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return fresh_database_like(database_url, "live", tmp_path_factory.mktemp("live"))


@pytest.fixture(scope="session")
def live_server(live_database_url: str) -> Iterator[LiveServer]:
    server = start_server(live_database_url)
    yield server
    stop_server(server)


def _database_param(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("database_url") if callspec is not None else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked `postgresql` exist only for the PostgreSQL run (their subject, a server
    restart say, has no SQLite counterpart), instead of being skipped there; tests that
    disturb shared services (a database restart) run last."""
    inapplicable = [
        item
        for item in items
        if item.get_closest_marker("postgresql") and _database_param(item) != "postgresql"
    ]
    if inapplicable:
        config.hook.pytest_deselected(items=inapplicable)
        items[:] = [item for item in items if item not in inapplicable]
    items.sort(key=lambda item: item.get_closest_marker("disruptive") is not None)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian Chromium driven by Playwright. Outside CI, skipped (with the reason)
    when Chromium is not installed; in CI (CI=true) its absence fails the run."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install the Debian packages chromium chromium-driver"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()
