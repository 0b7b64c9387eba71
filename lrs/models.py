"""Every table, imported in one place so that Alembic sees the whole schema."""

from lrs.accounts.models import User
from lrs.auth.models import Credential, Organisation
from lrs.catalogue.models import CatalogueCourse
from lrs.db import Base
from lrs.documents.models import Document
from lrs.statement_store.models import (
    Activity,
    Attachment,
    Statement,
    StatementActivity,
    StatementAgent,
)

metadata = Base.metadata

__all__ = [
    "Activity",
    "Attachment",
    "CatalogueCourse",
    "Credential",
    "Document",
    "Organisation",
    "Statement",
    "StatementActivity",
    "StatementAgent",
    "User",
    "metadata",
]
