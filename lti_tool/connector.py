"""Calls to a platform's services (AGS, NRPS) with pylti1p3's service connector.

The connector obtains an access token from the platform's token endpoint with a
`client_credentials` grant whose client assertion is a JWT signed with the tool's key
(`private_key_jwt`, RS256; LTI Advantage Security, 4.1). Tokens are cached per connector only:
a worker builds one connector per platform and run, and no token outlives it in memory.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pylti1p3.service_connector import ServiceConnector
from sqlalchemy.orm import Session

from lti_tool.models import Platform
from lti_tool.outbound import GuardedSession
from lti_tool.tool_config import registration_for


class PlatformConnector(ServiceConnector):
    def __init__(self, session: Session, platform: Platform, allow_private_urls: bool) -> None:
        super().__init__(registration_for(session, platform), GuardedSession(allow_private_urls))
        self._tokens: dict[str, tuple[str, datetime]] = {}

    def _get_cached_access_token(self, scope_key: str) -> str | None:
        cached = self._tokens.get(scope_key)
        if cached and cached[1] > datetime.now(UTC):
            return cached[0]
        return None

    def _cache_access_token(self, scope_key: str, access_token: str, expires_in: float) -> None:
        # A little before the platform's expiry, so a token never dies mid-request.
        lifetime = max(0.0, float(expires_in or 0) - 30)
        self._tokens[scope_key] = (access_token, datetime.now(UTC) + timedelta(seconds=lifetime))

    def forget_tokens(self) -> None:
        self._tokens.clear()
