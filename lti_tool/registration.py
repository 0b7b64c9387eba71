"""Platform registrations: by Dynamic Registration (Moodle, ILIAS 10) or entered by hand.

Dynamic Registration (IMS LTI Dynamic Registration 1.0) starts at a one-time URL an admin of
the organisation created (`lernspur platforms register-url`, or the admin page). The platform
opens it with `openid_configuration` and `registration_token`; the tool
1. fetches the configuration and checks it: the `issuer` must have the origin of the URL it
   came from (3.5.1), and every endpoint must be safe to call (see `outbound`);
2. posts its client registration to `registration_endpoint` with the token as Bearer (3.5.2),
   built to what Moodle requires (mod/lti/classes/local/ltiopenid/registration_helper.php,
   registration_to_config): `response_types` contains `id_token`, `token_endpoint_auth_method`
   is `private_key_jwt`, `redirect_uris` is a list, `domain` is the host[:port] of
   `target_link_uri`; its `scope` switches AGS and NRPS on, its `claims` decide whether names
   and e-mail addresses are sent (only if the organisation stores personal data);
3. stores the answered `client_id` and `deployment_id` (Moodle: the tool type id, a string;
   ILIAS: the provider id, a number).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from pylti1p3.dynamic_registration import DynamicRegistration
from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.models import Organisation
from lrs.errors import BadRequest, Conflict
from lti_tool.errors import LtiRefused, RegistrationFailed
from lti_tool.keys import current_key
from lti_tool.models import Deployment, Platform, RegistrationToken
from lti_tool.outbound import GuardedSession, check_url
from statements.errors import Problem

TOKEN_DAYS = 7
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
AGS_SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
)
NRPS_SCOPES = ("https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",)
PERSONAL_CLAIMS = ("name", "given_name", "family_name", "email")


@dataclass(frozen=True)
class ToolUrls:
    """Where platforms reach the tool; derived from the public base URL."""

    base: str

    @property
    def login(self) -> str:
        return f"{self.base}/lti/login"

    @property
    def launch(self) -> str:
        return f"{self.base}/lti/launch"

    @property
    def deep_link(self) -> str:
        return f"{self.base}/lti/deep-link"

    @property
    def jwks(self) -> str:
        return f"{self.base}/lti/jwks"

    @property
    def register(self) -> str:
        return f"{self.base}/lti/register"

    @property
    def redirect_uris(self) -> list[str]:
        return [self.launch, self.deep_link]

    @property
    def domain(self) -> str:
        """host[:port] of the launch URL (what Moodle compares `domain` with)."""
        return urlsplit(self.launch).netloc


# -- one-time registration URLs ------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_registration_url(session: Session, org: Organisation, urls: ToolUrls) -> str:
    """A one-time Dynamic Registration URL for `org`, valid for a week."""
    token = secrets.token_urlsafe(24)
    now = datetime.now(UTC)
    session.add(
        RegistrationToken(
            org_pk=org.pk,
            token_hash=_hash(token),
            created_at=now,
            expires_at=now + timedelta(days=TOKEN_DAYS),
        )
    )
    session.flush()
    return f"{urls.register}?t={token}"


def token_for(session: Session, token: str) -> RegistrationToken:
    """The unused, unexpired registration token; refused otherwise."""
    row = session.scalar(
        select(RegistrationToken).where(RegistrationToken.token_hash == _hash(token or ""))
    )
    if row is None or row.expires_at <= datetime.now(UTC):
        raise LtiRefused(
            "This registration URL is unknown or has expired.",
            [Problem("query.t", "must be the token of a registration URL that has not expired")],
        )
    if row.used_at is not None:
        raise LtiRefused(
            "This registration URL has been used already; create a new one.",
            [Problem("query.t", "must not have been used")],
        )
    return row


# -- the platform's configuration ----------------------------------------------------------


@dataclass(frozen=True)
class PlatformConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    product: str | None
    raw: dict[str, Any]


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


def fetch_configuration(url: str, allow_private: bool) -> PlatformConfiguration:
    """The platform's OpenID configuration, checked (Dynamic Registration 1.0, 3.4 and 3.5.1)."""
    check_url(url, allow_private, "openid_configuration")
    try:
        response = GuardedSession(allow_private).get(url, headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationFailed(
            f"The platform's configuration could not be read: {exc}",
            [Problem("openid_configuration", "must answer with the platform's JSON configuration")],
        ) from None
    if not isinstance(data, dict):
        raise RegistrationFailed(
            "The platform's configuration is not a JSON object.",
            [Problem("openid_configuration", "must answer a JSON object")],
        )
    missing = [
        name
        for name in (
            "issuer",
            "authorization_endpoint",
            "token_endpoint",
            "jwks_uri",
            "registration_endpoint",
        )
        if not isinstance(data.get(name), str) or not data.get(name)
    ]
    if missing:
        raise RegistrationFailed(
            "The platform's configuration lacks required entries.",
            [Problem(f"openid_configuration.{name}", "is required") for name in missing],
        )
    if _origin(data["issuer"]) != _origin(url):
        raise RegistrationFailed(
            "The configuration's issuer does not match the address it came from.",
            [Problem("openid_configuration.issuer", "must have the origin of the URL")],
        )
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        check_url(data[name], allow_private, f"openid_configuration.{name}")
    platform_conf = data.get(PLATFORM_CONFIGURATION) or {}
    family = platform_conf.get("product_family_code")
    version = platform_conf.get("version")
    product = " ".join(str(p) for p in (family, version) if p) or None
    return PlatformConfiguration(
        issuer=data["issuer"],
        authorization_endpoint=data["authorization_endpoint"],
        token_endpoint=data["token_endpoint"],
        jwks_uri=data["jwks_uri"],
        registration_endpoint=data["registration_endpoint"],
        product=product[:100] if product else None,
        raw=data,
    )


class LernspurRegistration(DynamicRegistration):
    """pylti1p3's client registration document, filled with Lernspur's URLs and wishes."""

    client_name = "Lernspur"
    description = (
        "Lernspur: Kurse aus dem Weiterbildungskatalog, Lernnachweise (xAPI) und "
        "Abschlüsse im Bewertungsbuch."
    )

    def __init__(
        self, urls: ToolUrls, personal_data: bool, supported_scopes: list[str] | None
    ) -> None:
        self.urls = urls
        self.personal_data = personal_data
        self.supported_scopes = supported_scopes

    def get_initiate_login_uri(self) -> str:
        return self.urls.login

    def get_jwks_uri(self) -> str:
        return self.urls.jwks

    def get_redirect_uris(self) -> list[str]:
        return self.urls.redirect_uris

    def get_domain(self) -> str:
        return self.urls.domain

    def get_target_link_uri(self) -> str:
        return self.urls.launch

    def get_scopes(self) -> list[str]:
        wanted = [*AGS_SCOPES, *NRPS_SCOPES]
        if self.supported_scopes is None:
            return wanted
        return [s for s in wanted if s in self.supported_scopes]

    def get_claims(self) -> list[str]:
        return ["iss", "sub", *(PERSONAL_CLAIMS if self.personal_data else ())]

    def get_messages(self) -> list[dict[str, str]]:
        return [
            {
                "type": "LtiDeepLinkingRequest",
                "target_link_uri": self.urls.deep_link,
                "label": "Lernspur: Kurs auswählen",
            }
        ]

    def lti_registration_data(self) -> dict[str, Any]:
        data: dict[str, Any] = super().lti_registration_data()
        data.pop("logo_uri", None)  # optional; Lernspur has no logo to offer
        return data

    def get_logo_uri(self) -> str:  # pragma: no cover - removed above
        return ""


def registration_request(
    conf: PlatformConfiguration, urls: ToolUrls, org: Organisation
) -> dict[str, Any]:
    supported = conf.raw.get("scopes_supported")
    scopes = [str(s) for s in supported] if isinstance(supported, list) else None
    return dict(LernspurRegistration(urls, org.store_personal_data, scopes).lti_registration_data())


def register_dynamically(
    session: Session,
    token: RegistrationToken,
    openid_configuration: str,
    registration_token: str | None,
    urls: ToolUrls,
    allow_private: bool,
) -> Platform:
    """Steps 1 to 3 of the module docstring; the one-time URL is used up on success."""
    org = session.get(Organisation, token.org_pk)
    assert org is not None
    conf = fetch_configuration(openid_configuration, allow_private)
    current_key(session)  # the key set the platform will fetch must not be empty
    body = registration_request(conf, urls, org)
    headers = {"Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        response = GuardedSession(allow_private).post(
            conf.registration_endpoint, json=body, headers=headers
        )
    except requests.RequestException as exc:
        raise RegistrationFailed(
            f"The platform could not be reached: {exc}",
            [Problem("registration_endpoint", "must be reachable")],
        ) from None
    if not response.ok:
        raise RegistrationFailed(
            f"The platform refused the registration (HTTP {response.status_code}): "
            f"{response.text[:300]}",
            [Problem("registration_endpoint", "must accept the registration (HTTP 2xx)")],
        )
    try:
        answer = response.json()
    except ValueError:
        raise RegistrationFailed(
            "The platform's answer is not JSON.",
            [Problem("registration_endpoint", "must answer JSON")],
        ) from None
    client_id = answer.get("client_id") if isinstance(answer, dict) else None
    if not client_id:
        raise RegistrationFailed(
            "The platform's answer names no client_id.",
            [Problem("registration_endpoint.client_id", "required in the platform's answer")],
        )
    tool_conf = answer.get(TOOL_CONFIGURATION) or {}
    deployment_id = tool_conf.get("deployment_id")
    granted = answer.get("scope")
    platform = save_platform(
        session,
        org,
        issuer=conf.issuer,
        client_id=str(client_id),
        deployment_id=str(deployment_id) if deployment_id not in (None, "") else None,
        auth_login_url=conf.authorization_endpoint,
        auth_token_url=conf.token_endpoint,
        key_set_url=conf.jwks_uri,
        registered_via="dynamic",
        scopes=str(granted).split() if granted is not None else list(body["scope"].split()),
        product=conf.product,
    )
    token.used_at = datetime.now(UTC)
    token.platform_pk = platform.pk
    session.flush()
    return platform


# -- saving a registration (both ways) -----------------------------------------------------


def save_platform(
    session: Session,
    org: Organisation,
    *,
    issuer: str,
    client_id: str,
    deployment_id: str | None,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    registered_via: str,
    scopes: list[str] | None = None,
    product: str | None = None,
    auth_audience: str | None = None,
) -> Platform:
    """Create the registration, or add a deployment to the organisation's existing one."""
    if not issuer or not client_id:
        raise BadRequest(
            "Issuer and client id are required.",
            [Problem("issuer", "required"), Problem("client_id", "required")],
        )
    now = datetime.now(UTC)
    platform = session.scalar(
        select(Platform).where(Platform.issuer == issuer, Platform.client_id == client_id)
    )
    if platform is not None and platform.org_pk != org.pk:
        raise Conflict(
            "This issuer and client id are registered for another organisation.",
            [Problem("client_id", "must be unique per issuer")],
        )
    if platform is None:
        platform = Platform(
            org_pk=org.pk,
            issuer=issuer,
            client_id=client_id,
            created_at=now,
            active=True,
            registered_via=registered_via,
            scopes=list(scopes if scopes is not None else [*AGS_SCOPES, *NRPS_SCOPES]),
        )
        session.add(platform)
    platform.auth_login_url = auth_login_url
    platform.auth_token_url = auth_token_url
    platform.key_set_url = key_set_url
    platform.auth_audience = auth_audience
    platform.product = product or platform.product
    session.flush()
    if deployment_id and not any(d.deployment_id == deployment_id for d in platform.deployments):
        platform.deployments.append(
            Deployment(platform_pk=platform.pk, deployment_id=deployment_id, created_at=now)
        )
        session.flush()
    return platform


def platforms_of(session: Session, org_pk: int | None) -> list[Platform]:
    query = select(Platform).order_by(Platform.org_pk, Platform.pk)
    if org_pk is not None:
        query = query.where(Platform.org_pk == org_pk)
    return list(session.scalars(query))
