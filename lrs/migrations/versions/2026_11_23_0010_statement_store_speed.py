"""statement store write path: no per-row foreign-key checks, side tables keyed by content

Every stored statement used to fire two foreign-key triggers (organisation, credential) and
each of its side rows another (statement), each a lookup plus a FOR KEY SHARE lock on the
parent row; the side tables also carried a surrogate key and a separate statement index.
The store writes all of these rows itself, in one transaction, from the credential that
authenticated the request, so the constraints checked nothing it could get wrong; they
halved ingest throughput. Side rows are now keyed by (statement, agent/activity), which also
serves the lookups by statement.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


SIDE_TABLES = (("statement_agents", "agent_key"), ("statement_activities", "activity_iri"))


def upgrade() -> None:
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.drop_constraint("fk_statements_credential_pk_credentials", type_="foreignkey")
        batch_op.drop_constraint("fk_statements_org_pk_organisations", type_="foreignkey")
    for table, column in SIDE_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_statement_pk_statements", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_statement_pk")
            batch_op.drop_constraint(f"pk_{table}", type_="primary")
            batch_op.drop_column("pk")
            batch_op.create_primary_key(f"pk_{table}", ["statement_pk", column])


def downgrade() -> None:
    big = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
    for table, column in SIDE_TABLES:
        extra = (
            [sa.Column("related", sa.Boolean(), nullable=False)] if column == "agent_key" else []
        )
        names = ", ".join(["statement_pk", "org_pk", column] + [c.name for c in extra])
        op.execute(f"CREATE TABLE {table}_keep AS SELECT {names} FROM {table}")  # noqa: S608
        op.drop_table(table)
        op.create_table(
            table,
            sa.Column("pk", big, autoincrement=True, nullable=False),
            sa.Column("statement_pk", big, nullable=False),
            sa.Column("org_pk", sa.Integer(), nullable=False),
            sa.Column(column, sa.Text(), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(
                ["statement_pk"],
                ["statements.pk"],
                name=f"fk_{table}_statement_pk_statements",
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("pk", name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_lookup", table, ["org_pk", column, "statement_pk"])
        op.create_index(f"ix_{table}_statement_pk", table, ["statement_pk"])
        op.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table}_keep")  # noqa: S608
        op.drop_table(f"{table}_keep")
    with op.batch_alter_table("statements", schema=None) as batch_op:
        batch_op.create_foreign_key(
            "fk_statements_org_pk_organisations", "organisations", ["org_pk"], ["pk"]
        )
        batch_op.create_foreign_key(
            "fk_statements_credential_pk_credentials", "credentials", ["credential_pk"], ["pk"]
        )
