"""Launch parameters for course content that reports xAPI itself (cmi5-style).

Such content gets the LRS endpoint, a credential, the actor and the registration in its launch
URL (the query-string convention of xAPI launch, as cmi5 and Rustici's "TinCan launch" use).
The credential lives in the learner's browser, so it is short-lived, scoped to
`statements/write`, `statements/read/mine` and `state`, and may only write statements about
its own learner: a learner cannot forge completions of someone else (which AGS would pass on
to that person's gradebook).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.models import Organisation
from lrs.auth.services import Principal, create_credential
from lrs.errors import Forbidden
from lrs.statement_store.hooks import StoredBatch
from lti_tool.models import ContentCredential, Launch
from statements.errors import Problem

CONTENT_SCOPES = ("statements/write", "statements/read/mine", "state")
CONTENT_CREDENTIAL_LABEL = "lti-content"


@dataclass(frozen=True)
class ContentLaunch:
    """What self-reporting content receives, and the URL that carries it."""

    endpoint: str
    key: str
    secret: str
    actor: dict[str, Any]
    registration: str
    activity_id: str
    expires_at: datetime
    url: str

    @property
    def auth(self) -> str:
        """The HTTP Basic Authorization header value for the credential."""
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return f"Basic {token}"


def issue_content_launch(
    session: Session,
    org: Organisation,
    launch: Launch,
    launch_url: str,
    endpoint: str,
    actor: dict[str, Any],
    activity_id: str,
    hours: float,
) -> ContentLaunch:
    """A fresh short-lived credential bound to the launch's learner, and the content URL."""
    expires_at = datetime.now(UTC) + timedelta(hours=hours)
    issued = create_credential(
        session, org, list(CONTENT_SCOPES), label=CONTENT_CREDENTIAL_LABEL, expires_at=expires_at
    )
    credential = issued.credential
    session.add(
        ContentCredential(
            credential_pk=credential.pk,
            launch_pk=launch.pk,
            actor_home_page=actor["account"]["homePage"],
            actor_name=actor["account"]["name"],
            expires_at=expires_at,
        )
    )
    session.flush()
    registration = str(launch.registration)
    basic = base64.b64encode(f"{issued.key}:{issued.secret}".encode()).decode()
    params = {
        "endpoint": endpoint,
        "auth": f"Basic {basic}",
        "actor": json.dumps(actor, separators=(",", ":")),
        "registration": registration,
        "activity_id": activity_id,
    }
    parts = urlsplit(launch_url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return ContentLaunch(
        endpoint=endpoint,
        key=issued.key,
        secret=issued.secret,
        actor=actor,
        registration=registration,
        activity_id=activity_id,
        expires_at=expires_at,
        url=urlunsplit(parts._replace(query=query)),
    )


def is_content_credential(credential: Principal) -> bool:
    """Was `credential` issued to content launched through LTI (`issue_content_credential`)?"""
    return credential.label == CONTENT_CREDENTIAL_LABEL


def refuse_foreign_actors(session: Session, batch: StoredBatch) -> None:
    """After-store listener (for content credentials): a content credential writes about its
    own learner only."""
    bound = session.scalar(
        select(ContentCredential).where(ContentCredential.credential_pk == batch.credential.pk)
    )
    if bound is None:
        return
    for i, statement in enumerate(batch.statements):
        account = (statement.get("actor") or {}).get("account") or {}
        if (account.get("homePage"), account.get("name")) != (
            bound.actor_home_page,
            bound.actor_name,
        ):
            raise Forbidden(
                "This credential may only record statements about its own learner.",
                [Problem(f"statements[{i}].actor", "must be the learner of the launch")],
            )
