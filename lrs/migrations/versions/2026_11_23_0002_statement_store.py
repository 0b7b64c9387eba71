"""statement store

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:25:58.291818
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=False),
        sa.Column(
            "definition",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_activities_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_activities")),
        sa.UniqueConstraint(
            "org_pk", "activity_iri", name=op.f("uq_activities_org_pk_activity_iri")
        ),
    )
    op.create_table(
        "attachments",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("sha2", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_attachments_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_attachments")),
        sa.UniqueConstraint("org_pk", "sha2", name=op.f("uq_attachments_org_pk_sha2")),
    )
    op.create_table(
        "statements",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Uuid(), nullable=False),
        sa.Column("credential_pk", sa.Integer(), nullable=True),
        sa.Column("actor_key", sa.Text(), nullable=True),
        sa.Column("verb_iri", sa.Text(), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=True),
        sa.Column("object_ref", sa.Uuid(), nullable=True),
        sa.Column("registration", sa.Uuid(), nullable=True),
        sa.Column("timestamp_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("voided", sa.Boolean(), nullable=False),
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column(
            "body",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["credential_pk"],
            ["credentials.pk"],
            name=op.f("fk_statements_credential_pk_credentials"),
        ),
        sa.ForeignKeyConstraint(
            ["org_pk"], ["organisations.pk"], name=op.f("fk_statements_org_pk_organisations")
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_statements")),
        sa.UniqueConstraint(
            "org_pk", "statement_id", name=op.f("uq_statements_org_pk_statement_id")
        ),
    )
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statements_org_activity_verb_pk",
            ["org_pk", "activity_iri", "verb_iri", "pk"],
            unique=False,
        )
        batch_op.create_index(
            "ix_statements_org_object_ref",
            ["org_pk", "object_ref"],
            unique=False,
            postgresql_where=sa.text("object_ref IS NOT NULL"),
            sqlite_where=sa.text("object_ref IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_statements_org_actor_pk", ["org_pk", "actor_key", "pk"], unique=False
        )
        batch_op.create_index(
            "ix_statements_org_credential_pk", ["org_pk", "credential_pk", "pk"], unique=False
        )
        batch_op.create_index(
            "ix_statements_org_registration_pk", ["org_pk", "registration", "pk"], unique=False
        )
        batch_op.create_index("ix_statements_org_stored_at", ["org_pk", "stored_at"], unique=False)
        batch_op.create_index(
            "ix_statements_org_verb_pk", ["org_pk", "verb_iri", "pk"], unique=False
        )

    op.create_table(
        "statement_activities",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_pk"],
            ["statements.pk"],
            name=op.f("fk_statement_activities_statement_pk_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_statement_activities")),
    )
    with op.batch_alter_table("statement_activities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statement_activities_lookup",
            ["org_pk", "activity_iri", "statement_pk"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_statement_activities_statement_pk"), ["statement_pk"], unique=False
        )

    op.create_table(
        "statement_agents",
        sa.Column(
            "pk",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "statement_pk", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.Column("agent_key", sa.Text(), nullable=False),
        sa.Column("related", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_pk"],
            ["statements.pk"],
            name=op.f("fk_statement_agents_statement_pk_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_statement_agents")),
    )
    with op.batch_alter_table("statement_agents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_statement_agents_lookup", ["org_pk", "agent_key", "statement_pk"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_statement_agents_statement_pk"), ["statement_pk"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("statement_agents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_agents_statement_pk"))
        batch_op.drop_index("ix_statement_agents_lookup")

    op.drop_table("statement_agents")
    with op.batch_alter_table("statement_activities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_activities_statement_pk"))
        batch_op.drop_index("ix_statement_activities_lookup")

    op.drop_table("statement_activities")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_index("ix_statements_org_verb_pk")
        batch_op.drop_index("ix_statements_org_stored_at")
        batch_op.drop_index("ix_statements_org_registration_pk")
        batch_op.drop_index("ix_statements_org_object_ref")
        batch_op.drop_index("ix_statements_org_actor_pk")
        batch_op.drop_index("ix_statements_org_credential_pk")
        batch_op.drop_index("ix_statements_org_activity_verb_pk")

    op.drop_table("statements")
    op.drop_table("attachments")
    op.drop_table("activities")
