"""LTI 1.3 tool: platform registrations, tool keys, launch state, launches, score queue,
rosters, errors, content credentials; `credentials.expires_at` for short-lived credentials.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23 17:59:05.872517
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    op.create_table(
        "lti_launch_state",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("value", JSON, nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_lti_launch_state")),
    )
    with op.batch_alter_table("lti_launch_state", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_launch_state_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "lti_tool_keys",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("kid", sa.String(length=64), nullable=False),
        sa.Column("private_key_pem", sa.Text(), nullable=False),
        sa.Column("public_jwk", JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_tool_keys")),
        sa.UniqueConstraint("kid", name=op.f("uq_lti_tool_keys_kid")),
    )
    op.create_table(
        "lti_platforms",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("auth_login_url", sa.Text(), nullable=False),
        sa.Column("auth_token_url", sa.Text(), nullable=False),
        sa.Column("auth_audience", sa.Text(), nullable=True),
        sa.Column("key_set_url", sa.Text(), nullable=False),
        sa.Column("product", sa.String(length=100), nullable=True),
        sa.Column("registered_via", sa.String(length=20), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_launch_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_lti_platforms_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_platforms")),
        sa.UniqueConstraint("issuer", "client_id", name=op.f("uq_lti_platforms_issuer_client_id")),
    )
    with op.batch_alter_table("lti_platforms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_platforms_org_pk"), ["org_pk"], unique=False)

    op.create_table(
        "lti_deployments",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("platform_pk", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["platform_pk"],
            ["lti_platforms.pk"],
            name=op.f("fk_lti_deployments_platform_pk_lti_platforms"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_deployments")),
        sa.UniqueConstraint(
            "platform_pk",
            "deployment_id",
            name=op.f("uq_lti_deployments_platform_pk_deployment_id"),
        ),
    )
    op.create_table(
        "lti_errors",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=True),
        sa.Column("platform_pk", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=True),
        sa.Column("client_id", sa.String(length=255), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_lti_errors_org_pk_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["platform_pk"],
            ["lti_platforms.pk"],
            name=op.f("fk_lti_errors_platform_pk_lti_platforms"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_errors")),
    )
    with op.batch_alter_table("lti_errors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_errors_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lti_errors_org_pk"), ["org_pk"], unique=False)

    op.create_table(
        "lti_launches",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("launch_id", sa.String(length=64), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("platform_pk", sa.Integer(), nullable=False),
        sa.Column("deployment_id", sa.String(length=255), nullable=False),
        sa.Column("message_type", sa.String(length=40), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("roles", JSON, nullable=False),
        sa.Column("course_pk", sa.Integer(), nullable=True),
        sa.Column("context_id", sa.String(length=255), nullable=True),
        sa.Column("context_title", sa.Text(), nullable=True),
        sa.Column("resource_link_id", sa.String(length=255), nullable=True),
        sa.Column("registration", sa.Uuid(), nullable=True),
        sa.Column("locale", sa.String(length=20), nullable=True),
        sa.Column("lineitem_url", sa.Text(), nullable=True),
        sa.Column("lineitems_url", sa.Text(), nullable=True),
        sa.Column("ags_scopes", JSON, nullable=False),
        sa.Column("nrps_url", sa.Text(), nullable=True),
        sa.Column("deep_linking_settings", JSON, nullable=True),
        sa.Column("person_name", sa.String(length=255), nullable=True),
        sa.Column("person_email", sa.String(length=255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_pk"],
            ["catalogue_courses.pk"],
            name=op.f("fk_lti_launches_course_pk_catalogue_courses"),
        ),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_lti_launches_org_pk_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["platform_pk"],
            ["lti_platforms.pk"],
            name=op.f("fk_lti_launches_platform_pk_lti_platforms"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_launches")),
        sa.UniqueConstraint("launch_id", name=op.f("uq_lti_launches_launch_id")),
    )
    with op.batch_alter_table("lti_launches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_lti_launches_learner_course",
            ["org_pk", "platform_pk", "sub", "course_pk"],
            unique=False,
        )

    op.create_table(
        "lti_memberships",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("platform_pk", sa.Integer(), nullable=False),
        sa.Column("context_id", sa.String(length=255), nullable=False),
        sa.Column("context_title", sa.Text(), nullable=True),
        sa.Column("memberships_url", sa.Text(), nullable=False),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=True),
        sa.Column("learner_count", sa.Integer(), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_lti_memberships_org_pk_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["platform_pk"],
            ["lti_platforms.pk"],
            name=op.f("fk_lti_memberships_platform_pk_lti_platforms"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_memberships")),
        sa.UniqueConstraint(
            "platform_pk", "context_id", name=op.f("uq_lti_memberships_platform_pk_context_id")
        ),
    )
    with op.batch_alter_table("lti_memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lti_memberships_org_pk"), ["org_pk"], unique=False)

    op.create_table(
        "lti_registration_tokens",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("platform_pk", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_pk"],
            ["organisations.pk"],
            name=op.f("fk_lti_registration_tokens_org_pk_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["platform_pk"],
            ["lti_platforms.pk"],
            name=op.f("fk_lti_registration_tokens_platform_pk_lti_platforms"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_registration_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_lti_registration_tokens_token_hash")),
    )
    with op.batch_alter_table("lti_registration_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_lti_registration_tokens_org_pk"), ["org_pk"], unique=False
        )

    op.create_table(
        "lti_content_credentials",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("credential_pk", sa.Integer(), nullable=False),
        sa.Column("launch_pk", sa.Integer(), nullable=False),
        sa.Column("actor_home_page", sa.String(length=255), nullable=False),
        sa.Column("actor_name", sa.String(length=255), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_pk"],
            ["credentials.pk"],
            name=op.f("fk_lti_content_credentials_credential_pk_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["launch_pk"],
            ["lti_launches.pk"],
            name=op.f("fk_lti_content_credentials_launch_pk_lti_launches"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_content_credentials")),
        sa.UniqueConstraint("credential_pk", name=op.f("uq_lti_content_credentials_credential_pk")),
    )
    op.create_table(
        "lti_roster_members",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("membership_pk", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["membership_pk"],
            ["lti_memberships.pk"],
            name=op.f("fk_lti_roster_members_membership_pk_lti_memberships"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_roster_members")),
        sa.UniqueConstraint(
            "membership_pk", "user_id", name=op.f("uq_lti_roster_members_membership_pk_user_id")
        ),
    )
    op.create_table(
        "lti_score_jobs",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("platform_pk", sa.Integer(), nullable=False),
        sa.Column("launch_pk", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.Column("lineitem_url", sa.Text(), nullable=True),
        sa.Column("lineitems_url", sa.Text(), nullable=True),
        sa.Column("resource_link_id", sa.String(length=255), nullable=True),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("scopes", JSON, nullable=False),
        sa.Column("user_id", sa.String(length=255), nullable=False),
        sa.Column("score_given", sa.Float(), nullable=False),
        sa.Column("score_maximum", sa.Float(), nullable=False),
        sa.Column("activity_progress", sa.String(length=20), nullable=False),
        sa.Column("grading_progress", sa.String(length=20), nullable=False),
        sa.Column("timestamp", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["launch_pk"],
            ["lti_launches.pk"],
            name=op.f("fk_lti_score_jobs_launch_pk_lti_launches"),
        ),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_lti_score_jobs_org_pk_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["platform_pk"],
            ["lti_platforms.pk"],
            name=op.f("fk_lti_score_jobs_platform_pk_lti_platforms"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_lti_score_jobs")),
        sa.UniqueConstraint(
            "statement_id", "target", name=op.f("uq_lti_score_jobs_statement_id_target")
        ),
    )
    with op.batch_alter_table("lti_score_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_lti_score_jobs_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_lti_score_jobs_org_pk"), ["org_pk"], unique=False)

    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_column("expires_at")

    with op.batch_alter_table("lti_score_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_score_jobs_org_pk"))
        batch_op.drop_index("ix_lti_score_jobs_due")

    op.drop_table("lti_score_jobs")
    op.drop_table("lti_roster_members")
    op.drop_table("lti_content_credentials")
    with op.batch_alter_table("lti_registration_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_registration_tokens_org_pk"))

    op.drop_table("lti_registration_tokens")
    with op.batch_alter_table("lti_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_memberships_org_pk"))

    op.drop_table("lti_memberships")
    with op.batch_alter_table("lti_launches", schema=None) as batch_op:
        batch_op.drop_index("ix_lti_launches_learner_course")

    op.drop_table("lti_launches")
    with op.batch_alter_table("lti_errors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_errors_org_pk"))
        batch_op.drop_index(batch_op.f("ix_lti_errors_created_at"))

    op.drop_table("lti_errors")
    op.drop_table("lti_deployments")
    with op.batch_alter_table("lti_platforms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_platforms_org_pk"))

    op.drop_table("lti_platforms")
    op.drop_table("lti_tool_keys")
    with op.batch_alter_table("lti_launch_state", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lti_launch_state_expires_at"))

    op.drop_table("lti_launch_state")
