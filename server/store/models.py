"""The tables. Table models live here only; the rest of the server sees store/base.py types."""

from __future__ import annotations

from sqlalchemy import Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class BoardTable(SQLModel, table=True):
    __tablename__ = "boards"

    id: str = Field(primary_key=True, max_length=64)
    title: str
    method: str = Field(max_length=64)
    language: str = Field(max_length=8)
    join_code: str = Field(unique=True, max_length=16)
    epoch: str = Field(max_length=64)
    created_at: float
    network_id: str | None = Field(
        default=None, foreign_key="networks.id", index=True, max_length=64
    )
    meeting_no: int | None = None
    retention_days: int | None = None  # None: the server's retention_days


class NetworkTable(SQLModel, table=True):
    __tablename__ = "networks"

    id: str = Field(primary_key=True, max_length=64)
    title: str
    theme: str
    language: str = Field(max_length=8)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: float


class ParticipantTable(SQLModel, table=True):
    __tablename__ = "participants"

    id: str = Field(primary_key=True, max_length=64)
    board_id: str = Field(foreign_key="boards.id", index=True, max_length=64)
    name: str
    role: str = Field(max_length=16)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: float


class OpTable(SQLModel, table=True):
    """The op log: one row per seq, gap-free, and one per client op id (idempotency)."""

    __tablename__ = "ops"
    __table_args__ = (UniqueConstraint("board_id", "op_id", name="uq_ops_board_op_id"),)

    board_id: str = Field(foreign_key="boards.id", primary_key=True, max_length=64)
    seq: int = Field(primary_key=True)
    op_id: str = Field(max_length=64)
    by: str = Field(max_length=64)
    kind: str = Field(max_length=64)
    op: str = Field(sa_type=Text)  # JSON
    noop: str | None = Field(default=None, max_length=64)
    at: float


class SnapshotTable(SQLModel, table=True):
    __tablename__ = "snapshots"
    __table_args__ = (Index("ix_snapshots_board_seq", "board_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    board_id: str = Field(foreign_key="boards.id", max_length=64)
    seq: int
    name: str | None = None  # named snapshots are the board's records
    state: str = Field(sa_type=Text)  # JSON of BoardState.to_json()
    created_at: float
    share_id: str | None = Field(default=None, unique=True, max_length=64)


class BoardOwnerTable(SQLModel, table=True):
    """Who created a board while signed in (issuer and subject of their ID token), so that
    "My boards" finds it from any device. Goes when the board goes."""

    __tablename__ = "board_owners"
    __table_args__ = (Index("ix_board_owners_owner", "issuer", "subject"),)

    board_id: str = Field(
        primary_key=True, foreign_key="boards.id", ondelete="CASCADE", max_length=64
    )
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    created_at: float


class NetworkOwnerTable(SQLModel, table=True):
    __tablename__ = "network_owners"
    __table_args__ = (Index("ix_network_owners_owner", "issuer", "subject"),)

    network_id: str = Field(
        primary_key=True, foreign_key="networks.id", ondelete="CASCADE", max_length=64
    )
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    created_at: float


class FacilitatorTokenTable(SQLModel, table=True):
    """Further tokens of a board's facilitator, issued to its signed-in owner on another
    device: each stands for the same facilitator, and goes when the board goes."""

    __tablename__ = "facilitator_tokens"

    token_hash: str = Field(primary_key=True, max_length=64)
    board_id: str = Field(foreign_key="boards.id", ondelete="CASCADE", index=True, max_length=64)
    participant_id: str = Field(max_length=64)
    created_at: float


class PictureTable(SQLModel, table=True):
    """A picture added to a board, re-encoded without metadata (server/pictures.py); a note
    shows it by id. Goes when the board goes."""

    __tablename__ = "pictures"

    board_id: str = Field(
        primary_key=True, foreign_key="boards.id", ondelete="CASCADE", max_length=64
    )
    id: str = Field(primary_key=True, max_length=64)
    type: str = Field(max_length=32)
    width: int
    height: int
    data: bytes = Field(sa_type=LargeBinary)
    by: str = Field(max_length=64)  # who uploaded it
    created_at: float
