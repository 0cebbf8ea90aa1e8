"""Who is on a board now: presence, never stored, batched, and in crowd mode for big rooms.

A room's connections each say whether they are typing, in which area and what they drag;
changes within a short window go out as one `presence` message to every connection. The
other workers' people come through the broker (each worker tells its own, again on every
heartbeat, so that a worker that died drops out). Above `crowd_threshold` people only the
counts and the facilitators go out, and less often.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from server.board.complete import in_private_writing
from server.board.protocol import Crowd, Drag, PeerPresence, Presence, encode
from server.board.state import BoardState, Role
from server.sync.core import Peer

_PRESENCE_BATCH_SECONDS = 0.2  # presence changes within this window go out as one message
_CROWD_BATCH_SECONDS = 1.0  # the same above crowd_threshold: counts need no quicker news
_PRESENCE_HEARTBEAT = 10.0  # a room with connections tells the other workers this often
_PRESENCE_EXPIRES = 25.0  # another worker's list unheard of this long is dropped (it died)


class RoomPresence:
    def __init__(
        self,
        state: Callable[[], BoardState],
        role_of: Callable[[Peer], Role],
        tell: Callable[[list[dict[str, Any]]], None],
        crowd_threshold: int,
        people_list_max: int,
    ) -> None:
        self._state = state
        self._role_of = role_of
        self._tell_others = tell  # publishes this worker's people for the other workers
        self._crowd_threshold = crowd_threshold
        self._people_list_max = people_list_max
        self.of: dict[Peer, dict[str, Any]] = {}
        self._flush: asyncio.TimerHandle | None = None
        self._crowded = False  # more people here than crowd_threshold, when last told
        self._heartbeat: asyncio.TimerHandle | None = None
        # other workers' connections to this board: origin → (when heard, their peers)
        self._remote: dict[str, tuple[float, list[dict[str, Any]]]] = {}
        self.told: list[dict[str, Any]] | None = None  # what the other workers last heard
        # the last presence frame, and the sockets that have it: an op or a second device
        # that changes nothing anyone sees sends nothing (70 sockets x 70 names, each time)
        self._sent: tuple[str, set[Peer]] = ("", set())

    def attach(self, peer: Peer) -> None:
        self.of[peer] = {"typing": False, "area": None, "drag": None}
        self.changed()

    def detach(self, peer: Peer) -> None:
        self._sent[1].discard(peer)
        if self.of.pop(peer, None) is not None:
            self.changed()

    def set(self, peer: Peer, info: dict[str, Any]) -> None:
        if self.of.get(peer) != info:
            self.of[peer] = info
            self.changed()

    def stale(self, closed: bool) -> None:
        """An op changed what presence may show; a closed meeting has no one writing."""
        if closed:
            for peer, info in self.of.items():
                self.of[peer] = {**info, "typing": False, "drag": None}
        self.changed()

    def heard(self, origin: str, people: list[dict[str, Any]]) -> None:
        """Another worker's people on this board."""
        self._remote[origin] = (time.monotonic(), people)
        self.changed()

    def close(self) -> None:
        for timer in (self._flush, self._heartbeat):
            if timer is not None:
                timer.cancel()

    def changed(self) -> None:
        if self._flush is None:
            loop = asyncio.get_running_loop()
            batch = _CROWD_BATCH_SECONDS if self._crowded else _PRESENCE_BATCH_SECONDS
            self._flush = loop.call_later(batch, self._send)

    def _send(self) -> None:
        self._flush = None
        local = self._local()
        if local != self.told:
            self._tell(local)
        now = time.monotonic()
        for origin, (heard, _) in list(self._remote.items()):
            if now - heard > _PRESENCE_EXPIRES:
                del self._remote[origin]
        peers: dict[str, PeerPresence] = {}
        everyone = [p for _, remote in self._remote.values() for p in remote]
        for info in [*local, *everyone]:
            entry = peers.get(info["participant_id"])
            if entry is None:
                entry = peers[info["participant_id"]] = PeerPresence(**info)
            entry.typing = entry.typing or bool(info.get("typing"))
            entry.area = entry.area or info.get("area")
            if entry.drag is None and info.get("drag"):
                entry.drag = Drag(**info["drag"])
        state = self._state()
        for entry in peers.values():
            hide_what_others_may_not_see(state, entry)
        frame = encode(self._presence_of(state, list(peers.values())))
        if frame != self._sent[0]:
            self._sent = (frame, set())
        got = self._sent[1]
        for peer in list(self.of):
            if peer not in got:
                got.add(peer)
                peer.send(frame)

    def _presence_of(self, state: BoardState, peers: list[PeerPresence]) -> Presence:
        """Everyone by name; above `people_list_max` the counts too; above `crowd_threshold`
        the counts and the facilitators only, without typing or drags: 300 people do not
        each get 300 names and cursors at every change."""
        people = [p for p in peers if p.role != "viewer"]
        self._crowded = len(people) > self._crowd_threshold
        crowd = None
        if len(people) > self._people_list_max:
            here = {p.participant_id for p in people}
            groups = (
                {g.id: len(here.intersection(g.members)) for g in state.breakouts.values()}
                if state.in_breakout
                else {}
            )
            crowd = Crowd(here=len(people), groups=groups)
        if self._crowded:
            peers = [
                p.model_copy(update={"typing": False, "drag": None})
                for p in peers
                if p.role == "facilitator"
            ]
        return Presence(peers=sorted(peers, key=lambda p: p.name), crowd=crowd)

    def _local(self) -> list[dict[str, Any]]:
        """Who is connected to this room, once per participant."""
        state = self._state()
        peers: dict[str, PeerPresence] = {}
        for peer, info in self.of.items():
            known = state.participants.get(peer.participant_id)
            entry = peers.get(peer.participant_id) or PeerPresence(
                participant_id=peer.participant_id,
                name=known.name if known else "",
                role=self._role_of(peer),
            )
            entry.typing = entry.typing or bool(info.get("typing"))
            entry.area = entry.area or info.get("area")
            if entry.drag is None and info.get("drag"):
                entry.drag = Drag(**info["drag"])
            peers[peer.participant_id] = entry
        return [p.model_dump() for p in sorted(peers.values(), key=lambda p: p.participant_id)]

    def _tell(self, local: list[dict[str, Any]]) -> None:
        """Publishes this room's people for the other workers, and again every heartbeat
        while there are any, so that a worker that died drops out of everyone's list."""
        self.told = local
        self._tell_others(local)
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            self._heartbeat = None
        if local:
            loop = asyncio.get_running_loop()
            self._heartbeat = loop.call_later(_PRESENCE_HEARTBEAT, self._beat)

    def _beat(self) -> None:
        self._heartbeat = None
        self._tell(self._local())


def hide_what_others_may_not_see(state: BoardState, entry: PeerPresence) -> None:
    """Takes out of one person's presence what would tell others more than the board does:
    who writes where, while writing is private or the board anonymous (whose each new note
    is); a drag of a note they may not see whole (private, or waiting in the inbox) or whose
    author is hidden, or by someone who may not move notes; anything but who is there, once
    the meeting is closed."""
    if state.closed:
        entry.typing, entry.drag = False, None
    if in_private_writing(state) or state.anonymous:
        entry.typing, entry.area, entry.drag = False, None, None
    drag = entry.drag
    if drag is None:
        return
    note = state.notes.get(drag.note_id)
    if (
        entry.role not in ("facilitator", "participant")
        or note is None
        or note.private
        or note.anonymous
        or note.pending
        or not any(a.id == drag.area for a in state.areas)
    ):
        entry.drag = None
