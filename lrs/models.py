"""Every table, imported in one place so that Alembic sees the whole schema."""

from lrs.accounts.models import User
from lrs.auth.models import Credential, Organisation
from lrs.catalogue.models import CatalogueCourse
from lrs.competencies.models import Framework, FrameworkItem
from lrs.db import Base
from lrs.documents.models import Document
from lrs.learners.models import Erasure, Learner, LearnerIdentifier
from lrs.programmes.models import ManagerToken, Programme, ProgrammeMember
from lrs.projections.models import (
    EvidenceFact,
    LearnerCompetency,
    ParticipationFact,
    ProgrammeLearner,
    VoucherRedemption,
)
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
    "Erasure",
    "EvidenceFact",
    "Framework",
    "FrameworkItem",
    "Learner",
    "LearnerCompetency",
    "LearnerIdentifier",
    "ManagerToken",
    "Organisation",
    "ParticipationFact",
    "Programme",
    "ProgrammeLearner",
    "ProgrammeMember",
    "Statement",
    "StatementActivity",
    "StatementAgent",
    "User",
    "VoucherRedemption",
    "metadata",
]
