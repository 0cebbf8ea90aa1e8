"""What the server needs from a store, whatever holds the data (SQLite now, Postgres later).

Rooms and HTTP handlers talk only to `Store`. Tokens are stored as SHA-256 hashes, never as
given. `append` is the durability point: when it returns, the ops are committed and may be
acknowledged; ops appended at the same moment, from any board, share one commit.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.board.apply import NoopReason, Record
from server.board.state import Role


@dataclass(frozen=True, slots=True)
class BoardRow:
    id: str
    title: str
    method: str
    language: str
    join_code: str
    epoch: str
    created_at: float  # seconds since the epoch, UTC
    network_id: str | None = None  # the learning network this board is a meeting of
    meeting_no: int | None = None  # its place in the network's series, from 1
    retention_days: int | None = None  # None: the server's retention_days setting


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """A learning network: a theme and its series of meetings (boards)."""

    id: str
    title: str
    theme: str
    language: str
    token_hash: str  # the network facilitator's token, hashed
    created_at: float


@dataclass(frozen=True, slots=True)
class Credential:
    """Whom a token stands for."""

    board_id: str
    participant_id: str
    role: Role


@dataclass(frozen=True, slots=True)
class Owner:
    """A signed-in facilitator: the provider (issuer) and their id there (subject)."""

    issuer: str
    subject: str


# Rewrites one JSON value of the board's history (an op record or a state) into another;
# see server/board/privacy.py
Rewrite = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class NewParticipant:
    id: str
    name: str
    role: Role
    token_hash: str


@dataclass(frozen=True, slots=True)
class StoredOp:
    """One committed entry of the op log."""

    record: Record
    noop: NoopReason | None
    at: float  # when the server sequenced it, seconds since the epoch, UTC


@dataclass(frozen=True, slots=True)
class Snapshot:
    board_id: str
    seq: int
    state: dict[str, Any]  # BoardState.to_json()
    name: str | None  # a named snapshot is a record of the meeting
    created_at: float
    share_id: str | None = None  # opens the read-only shared view


@dataclass(frozen=True, slots=True)
class StoredPicture:
    """A picture of a board as stored: re-encoded, without metadata (server/pictures.py)."""

    id: str
    type: str  # image/jpeg, image/png or image/webp
    width: int
    height: int
    data: bytes
    by: str  # the participant who uploaded it
    created_at: float


class Store(abc.ABC):
    @abc.abstractmethod
    async def open(self) -> None:
        """Connect and bring the schema up to date (runs the migrations)."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Finish pending commits and release connections."""

    @abc.abstractmethod
    async def ping(self) -> None:
        """Return when the store answers; raise StoreUnavailable otherwise."""

    @abc.abstractmethod
    async def create_board(
        self, board: BoardRow, initial_state: dict[str, Any], participants: list[NewParticipant]
    ) -> None:
        """Store the board, its state at seq 0 (as a snapshot) and its first credentials,
        in one transaction."""

    @abc.abstractmethod
    async def get_board(self, board_id: str) -> BoardRow | None: ...

    @abc.abstractmethod
    async def find_board_by_code(self, join_code: str) -> BoardRow | None: ...

    @abc.abstractmethod
    async def add_participant(self, board_id: str, participant: NewParticipant) -> None: ...

    @abc.abstractmethod
    async def authenticate(self, token_hash: str) -> Credential | None: ...

    @abc.abstractmethod
    async def create_network(self, network: NetworkRow) -> None: ...

    @abc.abstractmethod
    async def get_network(self, network_id: str) -> NetworkRow | None: ...

    @abc.abstractmethod
    async def network_meetings(self, network_id: str) -> list[BoardRow]:
        """The network's boards in meeting order."""

    @abc.abstractmethod
    async def append(self, board_id: str, ops: list[StoredOp]) -> None:
        """Commit `ops` (consecutive seqs) durably. Raises DuplicateOp if a seq or op id is
        already stored, StoreUnavailable if the commit failed; then nothing was stored."""

    @abc.abstractmethod
    async def ops_after(
        self, board_id: str, after_seq: int, limit: int | None = None
    ) -> list[StoredOp]:
        """Committed ops with seq > after_seq, in seq order, at most `limit`."""

    @abc.abstractmethod
    async def op_index(self, board_id: str) -> dict[str, tuple[int, NoopReason | None]]:
        """Every stored op id of the board with its seq and no-op reason (for idempotency)."""

    @abc.abstractmethod
    async def head(self, board_id: str) -> int:
        """The highest committed seq of the board, 0 if it has no ops."""

    @abc.abstractmethod
    async def latest_snapshot(self, board_id: str) -> Snapshot | None:
        """The snapshot with the highest seq (there is always one at seq 0)."""

    @abc.abstractmethod
    async def save_snapshot(
        self,
        board_id: str,
        seq: int,
        state: dict[str, Any],
        name: str | None = None,
        share_id: str | None = None,
    ) -> None: ...

    @abc.abstractmethod
    async def snapshots(self, board_id: str) -> list[Snapshot]:
        """The board's records (named snapshots), oldest first."""

    @abc.abstractmethod
    async def snapshot_before(self, board_id: str, seq: int) -> Snapshot | None:
        """The latest snapshot at or before `seq` (named or not), to rebuild the board there."""

    @abc.abstractmethod
    async def shared_snapshot(self, share_id: str) -> Snapshot | None: ...

    @abc.abstractmethod
    async def check_writes(self) -> None:
        """Return when the store takes writes (a cheap write, rolled back); raise
        StoreUnavailable otherwise, as on a read-only file or a standby database."""

    @abc.abstractmethod
    async def import_board(
        self,
        board: BoardRow,
        snapshots: list[Snapshot],
        ops: list[StoredOp],
        participants: list[NewParticipant],
        pictures: list[StoredPicture] | None = None,
    ) -> None:
        """A whole board from an archive (its pictures too) with its new credentials, in one
        transaction: all of it or nothing. DuplicateOp if its id, join code or a participant
        id is taken."""

    # pictures

    @abc.abstractmethod
    async def add_picture(self, board_id: str, picture: StoredPicture) -> None: ...

    @abc.abstractmethod
    async def get_picture(
        self, board_id: str, picture_id: str, *, data: bool = True
    ) -> StoredPicture | None:
        """The board's picture; `data=False`: without its bytes (empty), to check it is there."""

    @abc.abstractmethod
    async def picture_count(self, board_id: str) -> int: ...

    @abc.abstractmethod
    async def pictures(self, board_id: str) -> list[StoredPicture]:
        """Every picture of the board, oldest first (for its archive)."""

    # board life cycle: privacy, revocation, retention

    @abc.abstractmethod
    async def delete_board(self, board_id: str) -> bool:
        """Remove the board and everything it holds (ops, snapshots and records, pictures,
        credentials) in one transaction, leaving no readable copy in the store's files; False
        if there was no such board."""

    @abc.abstractmethod
    async def set_join_code(self, board_id: str, join_code: str) -> None:
        """The board's new join code; the old one opens nothing any more."""

    @abc.abstractmethod
    async def set_retention(self, board_id: str, days: int | None) -> None: ...

    @abc.abstractmethod
    async def remove_participant(self, board_id: str, participant_id: str) -> bool:
        """Revoke the participant's token; False if the board has no such participant."""

    @abc.abstractmethod
    async def replace_viewer(self, board_id: str, viewer: NewParticipant) -> list[str]:
        """The board's viewer (projector) token is `viewer`'s from now on, in one transaction;
        the ids of the viewers whose tokens it revoked."""

    @abc.abstractmethod
    async def expired_boards(self, now: float, default_days: int) -> list[str]:
        """Boards whose last change (or creation) is older than their retention time."""

    @abc.abstractmethod
    async def rewrite_board(
        self, board_id: str, rewrite: Rewrite, epoch: str, names: dict[str, str]
    ) -> None:
        """Rewrite the board's whole history in one transaction: every op record (as
        `{"id", "by", "op"}`) and every snapshot's state goes through `rewrite`; the board
        gets the new `epoch` (its clients load it afresh); `names` sets stored participant
        names by id (the credentials' copy)."""

    # who facilitates: boards and networks created while signed in

    @abc.abstractmethod
    async def add_board_owner(self, board_id: str, owner: Owner) -> None: ...

    @abc.abstractmethod
    async def add_network_owner(self, network_id: str, owner: Owner) -> None: ...

    @abc.abstractmethod
    async def board_owner(self, board_id: str) -> Owner | None: ...

    @abc.abstractmethod
    async def owned(self, owner: Owner) -> tuple[list[BoardRow], list[NetworkRow]]:
        """The boards and networks `owner` created, newest first."""

    @abc.abstractmethod
    async def add_facilitator_token(
        self, board_id: str, participant_id: str, token_hash: str
    ) -> None:
        """One more token for the board's facilitator `participant_id`; `authenticate` finds
        it as theirs until the board is deleted."""
