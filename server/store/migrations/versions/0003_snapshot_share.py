"""Named snapshots are meeting records; each may be shared by a read-only link.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.add_column(sa.Column("share_id", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_snapshots_share_id", ["share_id"])


def downgrade() -> None:
    with op.batch_alter_table("snapshots") as batch:
        batch.drop_constraint("uq_snapshots_share_id", type_="unique")
        batch.drop_column("share_id")
