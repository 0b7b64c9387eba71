"""Fixtures for the LTI flows: the simulated platform, a registered organisation, a browser-like
client of the tool (over https, so that cookies are `Secure`, as behind TLS in production)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lrs.auth.services import create_organisation
from lrs.catalogue.services import load_catalogue
from lrs.statement_store.models import Statement
from lti_tool.models import Launch, LtiError, Platform
from lti_tool.registration import save_platform
from tests.conftest import EXAMPLES
from tests.e2e.lti.platform import SimulatedPlatform

TOOL = "https://tool.test"
LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


_KEY_POOL: list[Any] = []


@pytest.fixture(autouse=True)
def pooled_tool_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    """RSA key generation costs ~0.1 s; tests draw the tool's keys from a small pool instead
    (each test's rows are rolled back, so reusing a key across tests changes nothing)."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    from lti_tool import keys

    if not _KEY_POOL:
        _KEY_POOL.extend(rsa.generate_private_key(65537, keys.KEY_BITS) for _ in range(4))
    drawn = iter(_KEY_POOL)
    monkeypatch.setattr(keys.rsa, "generate_private_key", lambda **_: next(drawn))


@pytest.fixture(scope="session")
def simulated_platform() -> Iterator[SimulatedPlatform]:
    platform = SimulatedPlatform()
    yield platform
    platform.close()


@pytest.fixture
def lti_platform(simulated_platform: SimulatedPlatform) -> SimulatedPlatform:
    """The simulated Moodle, with fresh state for this test."""
    simulated_platform.reset()
    return simulated_platform


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        "BASE_URL": TOOL,
        # The simulated platform listens on 127.0.0.1.
        "ALLOW_PRIVATE_URLS": True,
        # Tests deliver scores explicitly, to control time and failures.
        "LTI_DELIVER_AFTER_RESPONSE": False,
    }


@pytest.fixture
def catalogue(db_session: Session) -> None:
    load_catalogue(db_session, yaml.safe_load((EXAMPLES / "catalogue.yaml").read_text()))
    db_session.commit()


@pytest.fixture
def org(db_session: Session) -> Any:
    organisation = create_organisation(db_session, "stadt-a", "Stadt A")
    db_session.commit()
    return organisation


@pytest.fixture
def registered(
    db_session: Session, org: Any, lti_platform: SimulatedPlatform, catalogue: None
) -> Platform:
    """The simulated platform registered by hand for `stadt-a`, deployment "1"."""
    platform = save_platform(
        db_session,
        org,
        issuer=lti_platform.issuer,
        client_id=lti_platform.state.client_id,
        deployment_id="1",
        auth_login_url=lti_platform.auth_url,
        auth_token_url=lti_platform.token_url,
        key_set_url=lti_platform.jwks_url,
        registered_via="manual",
    )
    db_session.commit()
    return platform


@dataclass
class Tool:
    """Speaks to the tool as the learner's browser does (cookies kept), over https."""

    client: FlaskClient
    platform: SimulatedPlatform

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.client.get(path, base_url=TOOL, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.client.post(path, base_url=TOOL, **kwargs)

    def login_params(self, target: str = f"{TOOL}/lti/launch", **extra: Any) -> dict[str, Any]:
        params = {
            "iss": self.platform.issuer,
            "login_hint": "3",
            "target_link_uri": target,
            "lti_message_hint": '{"cmid":1,"launchid":"ltilaunch1_1"}',
            "client_id": self.platform.state.client_id,
            "lti_deployment_id": "1",
            "lti1p3_new_window": "1",
        }
        params.update(extra)
        return {k: v for k, v in params.items() if v is not None}

    def login(
        self,
        claims: dict[str, Any] | None = None,
        sign: dict[str, Any] | None = None,
        **params: Any,
    ) -> dict[str, str]:
        """OIDC login at the tool, then the platform's auth endpoint: the form to post."""
        login = self.login_params(**params)
        self.platform.expect_login(
            login["login_hint"], claims or self.platform.claims(), **(sign or {})
        )
        response = self.get("/lti/login", query_string=login)
        assert response.status_code == 302, response.get_data(as_text=True)
        return self.platform.authorize(response.headers["Location"])

    def post_form(self, form: dict[str, str]) -> Any:
        fields = dict(form)
        path = urlsplit(fields.pop("action")).path
        return self.post(path, data=fields)

    def launch(self, claims: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.post_form(self.login(claims, **kwargs))

    def jwks(self) -> dict[str, Any]:
        return self.get("/lti/jwks").get_json()

    def share_keys(self) -> None:
        """What the platform learns by fetching the tool's JWKS (it cannot reach the test app)."""
        self.platform.state.tool_jwks = self.jwks()


@pytest.fixture
def tool(client: FlaskClient, lti_platform: SimulatedPlatform) -> Tool:
    return Tool(client, lti_platform)


def count_statements(session: Session, verb: str | None = None) -> int:
    query = select(func.count(Statement.pk))
    if verb:
        query = query.where(Statement.verb_iri == verb)
    return int(session.scalar(query) or 0)


def statements(session: Session, verb: str) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Statement).where(Statement.verb_iri == verb).order_by(Statement.pk)
    )
    return [row.body for row in rows]


def count_launches(session: Session) -> int:
    return int(session.scalar(select(func.count(Launch.pk))) or 0)


def errors(session: Session) -> list[LtiError]:
    return list(session.scalars(select(LtiError).order_by(LtiError.pk)))


def form_fields(html: str) -> dict[str, str]:
    """The hidden fields of a page's forms."""
    import re

    return dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', html))
