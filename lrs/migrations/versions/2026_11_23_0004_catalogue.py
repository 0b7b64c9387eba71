"""catalogue

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 17:43:21.688046
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "catalogue_courses",
        sa.Column("pk", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("activity_iri", sa.Text(), nullable=False),
        sa.Column(
            "title",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "description",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("launch_url", sa.Text(), nullable=True),
        sa.Column("framework_slug", sa.String(length=100), nullable=True),
        sa.Column(
            "competencies",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_catalogue_courses")),
        sa.UniqueConstraint("activity_iri", name=op.f("uq_catalogue_courses_activity_iri")),
        sa.UniqueConstraint("slug", name=op.f("uq_catalogue_courses_slug")),
    )


def downgrade() -> None:
    op.drop_table("catalogue_courses")
