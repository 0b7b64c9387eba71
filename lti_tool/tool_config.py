"""pylti1p3's tool configuration, read from the database instead of a JSON file.

One issuer may hold several client ids (two organisations on one Moodle site register the tool
twice): every lookup goes by issuer and client id. Inactive registrations are not found, so
their launches are refused like those of unknown platforms.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pylti1p3.deployment import Deployment as LtiDeployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti_tool.keys import current_key, jwks
from lti_tool.models import Deployment, Platform


class ToolRegistration(Registration):
    """A registration that signs with the tool's current key and names it by its kid."""

    def __init__(self, platform: Platform, kid: str, key_set: list[Mapping[str, Any]]) -> None:
        self.platform = platform
        self._kid = kid
        self._published = key_set

    def get_kid(self) -> str:
        return self._kid

    def get_jwks(self) -> list[Mapping[str, Any]]:
        return self._published


def registration_for(session: Session, platform: Platform) -> ToolRegistration:
    key = current_key(session)
    reg = ToolRegistration(platform, key.kid, jwks(session)["keys"])
    reg.set_issuer(platform.issuer)
    reg.set_client_id(platform.client_id)
    reg.set_auth_login_url(platform.auth_login_url)
    reg.set_auth_token_url(platform.auth_token_url)
    if platform.auth_audience:
        reg.set_auth_audience(platform.auth_audience)
    reg.set_key_set_url(platform.key_set_url)
    reg.set_tool_private_key(key.private_key_pem)
    return reg


def find_platform(session: Session, issuer: str, client_id: str | None) -> Platform | None:
    """The active registration of `issuer` with `client_id`; without a client id, the only one."""
    query = select(Platform).where(Platform.issuer == issuer, Platform.active.is_(True))
    if client_id:
        return session.scalar(query.where(Platform.client_id == client_id))
    found = list(session.scalars(query.limit(2)))
    return found[0] if len(found) == 1 else None


class DatabaseToolConf(ToolConfAbstract):  # type: ignore[type-arg]
    """Registrations and deployments from `lti_platforms` and `lti_deployments`."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.platform: Platform | None = None

    # Every issuer may have many client ids (see the module docstring).
    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(self, iss: str, *args: Any, **kwargs: Any) -> Registration:
        return self.find_registration_by_params(iss, None, *args, **kwargs)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration:
        platform = find_platform(self.session, iss, client_id)
        if platform is None:
            return None  # type: ignore[return-value]  # pylti1p3 checks for a falsy result
        self.platform = platform
        return registration_for(self.session, platform)

    def find_deployment(self, iss: str, deployment_id: str) -> LtiDeployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self, iss: str, deployment_id: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> LtiDeployment | None:
        platform = find_platform(self.session, iss, client_id)
        if platform is None:
            return None
        row = self.session.scalar(
            select(Deployment).where(
                Deployment.platform_pk == platform.pk,
                Deployment.deployment_id == str(deployment_id),
            )
        )
        return LtiDeployment().set_deployment_id(row.deployment_id) if row else None
