"""Who created a board or network while signed in, and the facilitator tokens issued to them
on other devices.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "board_owners",
        sa.Column(
            "board_id",
            sa.String(64),
            sa.ForeignKey("boards.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_board_owners_owner", "board_owners", ["issuer", "subject"])
    op.create_table(
        "network_owners",
        sa.Column(
            "network_id",
            sa.String(64),
            sa.ForeignKey("networks.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("issuer", sa.String(255), nullable=False),
        sa.Column("subject", sa.String(255), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_network_owners_owner", "network_owners", ["issuer", "subject"])
    op.create_table(
        "facilitator_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "board_id",
            sa.String(64),
            sa.ForeignKey("boards.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("participant_id", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
    )
    op.create_index("ix_facilitator_tokens_board_id", "facilitator_tokens", ["board_id"])


def downgrade() -> None:
    op.drop_table("facilitator_tokens")
    op.drop_table("network_owners")
    op.drop_table("board_owners")
