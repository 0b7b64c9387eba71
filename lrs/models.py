"""Every table, imported in one place so that Alembic sees the whole schema."""

from lrs.auth.models import Credential, Organisation
from lrs.db import Base

metadata = Base.metadata

__all__ = ["Credential", "Organisation", "metadata"]
