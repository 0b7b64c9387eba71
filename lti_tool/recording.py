"""What the tool records goes through the LRS's one write path, as any xAPI client's would.

Each organisation gets an internal credential labelled `lti-tool`, created on first use; it is
the authority of the statements the tool records, and what the after-store listeners see.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.models import Credential, Organisation
from lrs.auth.services import create_credential, principal_for
from lrs.statement_store.services import store_statements
from statements.validation import validate_statements

TOOL_CREDENTIAL_LABEL = "lti-tool"
TOOL_SCOPES = ("statements/write", "statements/read")


def tool_credential(session: Session, org: Organisation) -> Credential:
    """The organisation's credential for statements the tool records (created on demand)."""
    query = select(Credential).where(
        Credential.org_pk == org.pk,
        Credential.label == TOOL_CREDENTIAL_LABEL,
        Credential.revoked_at.is_(None),
    )
    credential = session.scalar(query.order_by(Credential.pk))
    if credential is None:
        issued = create_credential(session, org, list(TOOL_SCOPES), label=TOOL_CREDENTIAL_LABEL)
        credential = issued.credential
    return credential


def record(
    session: Session,
    org: Organisation,
    statements: Sequence[Mapping[str, Any]],
    base_url: str,
    version: str = "2.0.0",
) -> list[str]:
    """Validate and store statements in the organisation's LRS; returns their ids."""
    validate_statements([dict(statement) for statement in statements], version)
    principal = principal_for(tool_credential(session, org))
    return store_statements(session, principal, statements, version, base_url)
