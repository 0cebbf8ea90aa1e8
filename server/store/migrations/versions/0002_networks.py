"""Learning networks: a series of meeting boards under one theme.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "networks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("theme", sa.String(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    with op.batch_alter_table("boards") as batch:  # SQLite alters tables by copying them
        batch.add_column(sa.Column("network_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("meeting_no", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_boards_network_id", "networks", ["network_id"], ["id"])
        batch.create_index("ix_boards_network_id", ["network_id"])


def downgrade() -> None:
    with op.batch_alter_table("boards") as batch:
        batch.drop_index("ix_boards_network_id")
        batch.drop_constraint("fk_boards_network_id", type_="foreignkey")
        batch.drop_column("meeting_no")
        batch.drop_column("network_id")
    op.drop_table("networks")
