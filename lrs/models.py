"""Every table, imported in one place so that Alembic sees the whole schema."""

from lrs.accounts.models import User
from lrs.auth.models import Credential, Organisation
from lrs.catalogue.models import CatalogueCourse
from lrs.competencies.models import Framework, FrameworkItem
from lrs.db import Base
from lrs.documents.models import Document
from lrs.learners.models import Erasure, Learner, LearnerIdentifier
from lrs.platform_adapters.models import ActivityMapping, MoodleSite, StatementRaw
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
from lti_tool.models import (
    ContentCredential,
    Deployment,
    Launch,
    LaunchState,
    LtiError,
    Membership,
    Platform,
    RegistrationToken,
    RosterMember,
    ScoreJob,
    ToolKey,
)

metadata = Base.metadata

__all__ = [
    "Activity",
    "ActivityMapping",
    "Attachment",
    "CatalogueCourse",
    "ContentCredential",
    "Credential",
    "Deployment",
    "Document",
    "Erasure",
    "EvidenceFact",
    "Framework",
    "FrameworkItem",
    "Launch",
    "LaunchState",
    "Learner",
    "LearnerCompetency",
    "LearnerIdentifier",
    "LtiError",
    "ManagerToken",
    "Membership",
    "MoodleSite",
    "Organisation",
    "ParticipationFact",
    "Platform",
    "Programme",
    "ProgrammeLearner",
    "ProgrammeMember",
    "RegistrationToken",
    "RosterMember",
    "ScoreJob",
    "Statement",
    "StatementActivity",
    "StatementAgent",
    "StatementRaw",
    "ToolKey",
    "User",
    "VoucherRedemption",
    "metadata",
]
