"""report summaries: months as integers, participants' competencies, covering indexes

Reports read the per-learner summaries through indexes alone: the UTC month of a first
completion and of a voucher redemption is stored as YYYYMM, participants' evidence per
competency gets its own table (like `programme_areas`), and the indexes hold every column a
report counts. Existing summary rows are filled in here, so no rebuild is needed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _month(column: sa.ColumnClause[Any]) -> sa.Cast[int]:
    """The UTC month of a timestamp column as YYYYMM (as `summaries.month_number`)."""
    if op.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.to_char(sa.func.timezone("UTC", column), "YYYYMM"), sa.Integer)
    return sa.cast(sa.func.strftime("%Y%m", column), sa.Integer)  # SQLite keeps UTC, naive


def upgrade() -> None:
    op.create_table(
        "programme_competencies",
        sa.Column("programme_pk", sa.Integer(), nullable=False),
        sa.Column("learner_pk", sa.Integer(), nullable=False),
        sa.Column("item_pk", sa.Integer(), nullable=False),
        sa.Column("org_pk", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "programme_pk", "learner_pk", "item_pk", name=op.f("pk_programme_competencies")
        ),
    )
    with op.batch_alter_table("programme_competencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_programme_competencies_learner_pk"), ["learner_pk"], unique=False
        )
        batch_op.create_index(
            "ix_programme_competencies_programme_item_org",
            ["programme_pk", "item_pk", "org_pk"],
            unique=False,
        )
    op.execute(
        "INSERT INTO programme_competencies (programme_pk, learner_pk, item_pk, org_pk) "
        "SELECT pl.programme_pk, pl.learner_pk, lc.item_pk, pl.org_pk "
        "FROM programme_learners pl "
        "JOIN programmes p ON p.pk = pl.programme_pk "
        "JOIN frameworks f ON f.slug = p.framework_slug "
        "JOIN framework_items fi ON fi.framework_pk = f.pk "
        "JOIN learner_competencies lc ON lc.learner_pk = pl.learner_pk AND lc.item_pk = fi.pk "
        "WHERE pl.first_completed_at IS NOT NULL AND lc.first_achieved_at < p.ends_at"
    )

    with op.batch_alter_table("programme_learners", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_completed_month", sa.Integer(), nullable=True))
    learners = sa.table(
        "programme_learners",
        sa.column("first_completed_at"),
        sa.column("first_completed_month"),
    )
    op.execute(
        learners.update()
        .where(learners.c.first_completed_at.is_not(None))
        .values(first_completed_month=_month(learners.c.first_completed_at))
    )
    with op.batch_alter_table("programme_learners", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_learners_programme_org")
        batch_op.create_index(
            "ix_programme_learners_programme_org_figures",
            ["programme_pk", "org_pk", "first_completed_month", "trained_before", "vouchers"],
            unique=False,
        )

    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("redeemed_month", sa.Integer(), nullable=True))
    redemptions = sa.table(
        "voucher_redemptions", sa.column("redeemed_at"), sa.column("redeemed_month")
    )
    op.execute(redemptions.update().values(redeemed_month=_month(redemptions.c.redeemed_at)))
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.alter_column("redeemed_month", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_index("ix_voucher_redemptions_programme_org")
        batch_op.create_index(
            "ix_voucher_redemptions_programme_org_month",
            ["programme_pk", "org_pk", "redeemed_month"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_redemptions_programme_org_month")
        batch_op.create_index(
            "ix_voucher_redemptions_programme_org", ["programme_pk", "org_pk"], unique=False
        )
        batch_op.drop_column("redeemed_month")
    with op.batch_alter_table("programme_learners", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_learners_programme_org_figures")
        batch_op.create_index(
            "ix_programme_learners_programme_org", ["programme_pk", "org_pk"], unique=False
        )
        batch_op.drop_column("first_completed_month")
    with op.batch_alter_table("programme_competencies", schema=None) as batch_op:
        batch_op.drop_index("ix_programme_competencies_programme_item_org")
        batch_op.drop_index(batch_op.f("ix_programme_competencies_learner_pk"))
    op.drop_table("programme_competencies")
