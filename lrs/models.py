"""Every table, imported in one place so that Alembic sees the whole schema."""

from lrs.accounts.models import User
from lrs.auth.models import Credential, Organisation
from lrs.catalogue.models import CatalogueCourse
from lrs.db import Base
from lrs.documents.models import Document
from lrs.platform_adapters.models import ActivityMapping, MoodleSite, StatementRaw
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
    "ActivityMapping",
    "Attachment",
    "CatalogueCourse",
    "Credential",
    "Document",
    "MoodleSite",
    "Organisation",
    "Statement",
    "StatementActivity",
    "StatementAgent",
    "StatementRaw",
    "User",
    "metadata",
]
