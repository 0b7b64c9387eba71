"""programmes: competency frameworks, learners, programmes, projections, manager tokens

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-23 19:27:47.903563
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_facts",
        sa.Column(
            "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("identifier_pk", sa.Integer(), nullable=False),
        sa.Column("achieved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("statement_pk", "item_pk", name=op.f("pk_evidence_facts")),
    )
    with op.batch_alter_table("evidence_facts", schema=None) as batch_op:
        batch_op.create_index("ix_evidence_facts_identifier_pk", ["identifier_pk"], unique=False)

    op.create_table(
        "frameworks",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("identifier", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_frameworks")),
        sa.UniqueConstraint("slug", name=op.f("uq_frameworks_slug")),
    )
    op.create_table(
        "learner_areas",
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.Column("framework_pk", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=100), nullable=False),
        sa.Column("first_achieved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "learner_pk", "framework_pk", "area_code", name=op.f("pk_learner_areas")
        ),
    )
    op.create_table(
        "learner_competencies",
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        sa.Column("first_achieved_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("learner_pk", "item_pk", name=op.f("pk_learner_competencies")),
    )
    op.create_table(
        "participation_facts",
        sa.Column(
            "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("programme_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("identifier_pk", sa.Integer(), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=True),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "statement_pk", "programme_pk", "kind", name=op.f("pk_participation_facts")
        ),
    )
    with op.batch_alter_table("participation_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participation_facts_identifier_pk", ["identifier_pk"], unique=False
        )
        batch_op.create_index("ix_participation_facts_programme_pk", ["programme_pk"], unique=False)

    op.create_table(
        "programme_areas",
        sa.Column("programme_pk", sa.Integer(), nullable=False),
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.Column("area_code", sa.String(length=100), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme_pk", "learner_pk", "area_code", name=op.f("pk_programme_areas")
        ),
    )
    with op.batch_alter_table("programme_areas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_areas_learner_pk"), ["learner_pk"], unique=False
        )
        batch_op.create_index(
            "ix_programme_areas_programme_org_area",
            ["programme_pk", "org_pk", "area_code"],
            unique=False,
        )

    op.create_table(
        "programme_learners",
        sa.Column("programme_pk", sa.Integer(), nullable=False),
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("first_completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("trained_before", sa.Boolean(), nullable=False),
        sa.Column("vouchers", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("programme_pk", "learner_pk", name=op.f("pk_programme_learners")),
    )
    with op.batch_alter_table("programme_learners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_learners_learner_pk"), ["learner_pk"], unique=False
        )
        batch_op.create_index(
            "ix_programme_learners_programme_org", ["programme_pk", "org_pk"], unique=False
        )

    op.create_table(
        "programmes",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("framework_slug", sa.String(length=100), nullable=True),
        sa.Column("min_cell", sa.Integer(), nullable=False),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_programmes")),
        sa.UniqueConstraint("slug", name=op.f("uq_programmes_slug")),
    )
    op.create_table(
        "voucher_redemptions",
        sa.Column("programme_pk", sa.Integer(), nullable=False),
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme_pk", "learner_pk", "activity_iri", name=op.f("pk_voucher_redemptions")
        ),
    )
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_voucher_redemptions_learner_pk"), ["learner_pk"], unique=False
        )
        batch_op.create_index(
            "ix_voucher_redemptions_programme_org", ["programme_pk", "org_pk"], unique=False
        )

    op.create_table(
        "erasures",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("statements", sa.Integer(), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_erasures_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_erasures")),
    )
    op.create_table(
        "framework_items",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("framework_pk", sa.Integer(), nullable=False),
        sa.Column("identifier", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("item_type", sa.String(length=100), nullable=True),
        sa.Column("uri", sa.Text(), nullable=True),
        sa.Column("parent_pk", sa.Integer(), nullable=True),
        sa.Column("area_code", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_pk"],
            ["frameworks.pk"],
            name=op.f("fk_framework_items_framework_pk_frameworks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_pk"],
            ["framework_items.pk"],
            name=op.f("fk_framework_items_parent_pk_framework_items"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_framework_items")),
        sa.UniqueConstraint(
            "framework_pk", "identifier", name=op.f("uq_framework_items_framework_pk_identifier")
        ),
    )
    with op.batch_alter_table("framework_items", schema=None) as batch_op:
        batch_op.create_index("ix_framework_items_uri", ["uri"], unique=False)

    op.create_table(
        "learners",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("is_manager", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_learners_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_learners")),
    )
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_learners_org_pk"), ["org_pk"], unique=False)

    op.create_table(
        "programme_members",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("programme_pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=False),
        sa.Column("managers", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_programme_members_org_pk_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["programme_pk"],
            ["programmes.pk"],
            name=op.f("fk_programme_members_programme_pk_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_programme_members")),
        sa.UniqueConstraint(
            "programme_pk", "org_pk", name=op.f("uq_programme_members_programme_pk_org_pk")
        ),
    )
    op.create_table(
        "learner_identifiers",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("ifi_key", sa.Text(), nullable=False),
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["learner_pk"],
            ["learners.pk"],
            name=op.f("fk_learner_identifiers_learner_pk_learners"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_pk"],
            ["organisations.pk"],
            name=op.f("fk_learner_identifiers_org_pk_organisations"),
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_learner_identifiers")),
        sa.UniqueConstraint(
            "org_pk", "ifi_key", name=op.f("uq_learner_identifiers_org_pk_ifi_key")
        ),
    )
    with op.batch_alter_table("learner_identifiers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learner_identifiers_learner_pk"), ["learner_pk"], unique=False
        )

    op.create_table(
        "manager_tokens",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("user_pk", sa.Integer(), nullable=False),
        sa.Column("programme_slug", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_pk"],
            ["users.pk"],
            name=op.f("fk_manager_tokens_user_pk_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_manager_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_manager_tokens_token_hash")),
    )
    with op.batch_alter_table("manager_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manager_tokens_user_pk"), ["user_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("manager_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manager_tokens_user_pk"))

    op.drop_table("manager_tokens")
    with op.batch_alter_table("learner_identifiers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learner_identifiers_learner_pk"))

    op.drop_table("learner_identifiers")
    op.drop_table("programme_members")
    with op.batch_alter_table("learners", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learners_org_pk"))

    op.drop_table("learners")
    with op.batch_alter_table("framework_items", schema=None) as batch_op:
        batch_op.drop_index("ix_framework_items_uri")

    op.drop_table("framework_items")
    op.drop_table("erasures")
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_redemptions_programme_org")
        batch_op.drop_index(batch_op.f("ix_voucher_redemptions_learner_pk"))

    op.drop_table("voucher_redemptions")
    op.drop_table("programmes")
    with op.batch_alter_table("programme_learners", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_learners_programme_org")
        batch_op.drop_index(batch_op.f("ix_programme_learners_learner_pk"))

    op.drop_table("programme_learners")
    with op.batch_alter_table("programme_areas", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_areas_programme_org_area")
        batch_op.drop_index(batch_op.f("ix_programme_areas_learner_pk"))

    op.drop_table("programme_areas")
    with op.batch_alter_table("participation_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_participation_facts_programme_pk")
        batch_op.drop_index("ix_participation_facts_identifier_pk")

    op.drop_table("participation_facts")
    op.drop_table("learner_competencies")
    op.drop_table("learner_areas")
    op.drop_table("frameworks")
    with op.batch_alter_table("evidence_facts", schema=None) as batch_op:
        batch_op.drop_index("ix_evidence_facts_identifier_pk")

    op.drop_table("evidence_facts")
