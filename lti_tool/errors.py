"""Domain errors of the LTI tool, and the record of them the admin page shows."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from lrs.errors import BadRequest, Forbidden, NotFound
from lti_tool.models import LtiError

logger = logging.getLogger(__name__)

# Old entries go when new ones come, so the table stays small without a cleanup job.
KEEP_ERRORS_DAYS = 90


class LtiRefused(Forbidden):
    """A login or launch that is not trusted: unknown platform, bad token, replay, …"""

    code = "lti_refused"


class LtiBadRequest(BadRequest):
    """A request the tool cannot handle: wrong message type, missing parameters."""

    code = "lti_bad_request"


class CourseNotFound(NotFound):
    """The resource link names no catalogue course (custom parameter `course`)."""

    code = "course_not_found"


class RegistrationFailed(BadRequest):
    """Dynamic Registration could not be completed (platform configuration or answer)."""

    code = "registration_failed"


def record_error(
    session: Session,
    stage: str,
    message: str,
    *,
    org_pk: int | None = None,
    platform_pk: int | None = None,
    issuer: str | None = None,
    client_id: str | None = None,
) -> None:
    """Keep an error for the admin page (and log it)."""
    logger.warning("LTI %s refused (issuer %s, client %s): %s", stage, issuer, client_id, message)
    now = datetime.now(UTC)
    session.execute(delete(LtiError).where(LtiError.created_at < now - timedelta(KEEP_ERRORS_DAYS)))
    session.add(
        LtiError(
            org_pk=org_pk,
            platform_pk=platform_pk,
            stage=stage,
            issuer=(issuer or None) and issuer[:255],
            client_id=(client_id or None) and client_id[:255],
            message=message[:2000],
            created_at=now,
        )
    )
    session.flush()
