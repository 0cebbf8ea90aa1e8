"""`BoardClient` against a real server: replicas, acks, refusals, reconnects and resume."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from board_client import (
    BoardClient,
    HttpError,
    OpRefused,
    Unauthorized,
    create_board,
    fetch_board,
    join_board,
)
from tests.conftest import ROOT, RunningServer, timeout
from tests.timing import eventually

pytestmark = pytest.mark.anyio


async def test_two_clients_hold_the_same_board_as_the_server(server: RunningServer) -> None:
    board = await create_board(server.url, "Retro", language="en")
    joined = await join_board(server.url, board.join_code, "Ingrid")
    async with (
        BoardClient(server.url, board.id, board.facilitator_token) as facilitator,
        BoardClient(server.url, joined.board_id, joined.token) as participant,
    ):
        assert (facilitator.role, participant.role) == ("facilitator", "participant")
        first = await participant.add_note("main", "Hidden treasure: the volunteers")
        # the ack comes once the sender's own replica holds the note
        assert (
            participant.state.notes[first.note_id or ""].text == "Hidden treasure: the volunteers"
        )
        await participant.edit_note(first.note_id or "", "Hidden treasure: volunteers' knowledge")
        second = await facilitator.add_note("main", "Urban myth: nobody reads the plan")
        await facilitator.move_note(second.note_id or "", x=120, y=40)
        gone = await facilitator.add_note("main", "to be deleted")
        last = await facilitator.delete_note(gone.note_id or "")

        await eventually(lambda: participant.seq >= last.seq, "the participant to catch up")
        live = await fetch_board(server.url, board.id, board.facilitator_token)
        assert facilitator.state.to_json() == participant.state.to_json() == live["state"]
        texts = sorted(n.text for n in participant.state.notes.values())
        assert texts == [
            "Hidden treasure: volunteers' knowledge",
            "Urban myth: nobody reads the plan",
        ]


async def test_refused_ops_raise_with_the_servers_reason(server: RunningServer) -> None:
    board = await create_board(server.url, "Refusals")
    joined = await join_board(server.url, board.join_code, "Per")
    async with (
        BoardClient(server.url, board.id, board.viewer_token) as viewer,
        BoardClient(server.url, board.id, board.facilitator_token) as facilitator,
        BoardClient(server.url, board.id, joined.token) as participant,
    ):
        with pytest.raises(OpRefused) as refused:
            await viewer.add_note("main", "a viewer cannot write")
        assert refused.value.code == "forbidden"
        # a participant may not edit the facilitator's note: stored as a no-op with its reason
        theirs = await facilitator.add_note("main", "facilitator's note")
        noop = await participant.edit_note(theirs.note_id or "", "changed")
        assert noop.noop == "not_author"
        assert participant.state.notes[theirs.note_id or ""].text == "facilitator's note"
        with pytest.raises(ValueError, match="too long"):
            await participant.add_note("main", "x" * 1001)
        assert participant.unacked == 0


async def test_wrong_token_and_wrong_code_say_so(server: RunningServer) -> None:
    board = await create_board(server.url, "Locked")
    with pytest.raises(Unauthorized, match="Join again"):
        async with BoardClient(server.url, board.id, "not-a-token"):
            pass
    with pytest.raises(HttpError) as error:
        await join_board(server.url, "ZZZZ-ZZZZ", "Eva")
    assert (error.value.status, error.value.code) == (404, "not_found")


async def test_notes_written_while_the_server_is_down_arrive_once_after_restart(
    own_server: RunningServer,
) -> None:
    board = await create_board(own_server.url, "Outage")
    async with BoardClient(
        own_server.url, board.id, board.facilitator_token, backoff=(0.05, 0.5)
    ) as client:
        before = await client.add_note("main", "acked before the crash")
        own_server.kill()
        pending = [
            asyncio.create_task(client.add_note("main", f"written offline {i}")) for i in range(5)
        ]
        await eventually(lambda: client.unacked == 5, "the five notes in the outbox")
        assert not any(task.done() for task in pending)
        own_server.start()
        async with asyncio.timeout(timeout(20)):
            acks = await asyncio.gather(*pending)
        assert client.connects >= 2
        live = await fetch_board(own_server.url, board.id, board.facilitator_token)
        texts = sorted(n["text"] for n in live["state"]["notes"].values())
        assert texts == ["acked before the crash"] + [f"written offline {i}" for i in range(5)]
        assert [a.seq for a in acks] == sorted(a.seq for a in acks)  # sent in order
        assert before.seq < acks[0].seq
        assert client.state.to_json() == live["state"]


async def test_a_dropped_connection_resumes_with_the_missed_ops(server: RunningServer) -> None:
    board = await create_board(server.url, "Resume")
    seen: list[int] = []
    async with (
        BoardClient(
            server.url,
            board.id,
            board.viewer_token,
            on_ops=lambda records: seen.extend(r.seq for r in records),
            backoff=(0.5, 0.5),
        ) as watcher,
        BoardClient(server.url, board.id, board.facilitator_token) as writer,
    ):
        await writer.add_note("main", "before the drop")
        await eventually(lambda: watcher.seq >= writer.seq, "the watcher to catch up")
        assert watcher._ws is not None
        watcher._ws.transport.abort()  # the Wi-Fi drops: no close frame, no goodbye
        last = None
        for i in range(5):
            last = await writer.add_note("main", f"while away {i}")
        assert last is not None
        await eventually(
            lambda: watcher.seq >= last.seq and watcher.connects >= 2,
            "the watcher back and caught up",
        )
        # every op arrived once and in order, the missed ones as ops through the resume
        assert seen == list(range(1, last.seq + 1))
        assert watcher.state.to_json() == writer.state.to_json()


async def test_a_client_made_facilitator_holds_the_notes_already_waiting(
    server: RunningServer,
) -> None:
    """A role sees more or less (the notes waiting in a moderated inbox): a client whose role
    changes loads the whole board again, as the browser does."""
    board = await create_board(server.url, "Inbox", language="en")
    ann = await join_board(server.url, board.join_code, "Ann")
    bo = await join_board(server.url, board.join_code, "Bo")
    async with (
        BoardClient(server.url, board.id, board.facilitator_token) as facilitator,
        BoardClient(server.url, ann.board_id, ann.token, backoff=(0.05, 0.1)) as client,
        BoardClient(server.url, bo.board_id, bo.token) as writer,
    ):
        await facilitator.send_op({"kind": "moderation.set", "on": True})
        waiting = await writer.add_note("main", "Held for approval")
        assert waiting.note_id not in client.state.notes  # a participant's copy never held it
        promote = {"kind": "role.set", "participant": ann.participant_id, "role": "facilitator"}
        done = await facilitator.send_op(promote)
        await eventually(
            lambda: client.role == "facilitator" and client.seq >= done.seq, "Ann's new role"
        )
        assert client.state.notes[waiting.note_id or ""].text == "Held for approval"
        assert client.state.to_json() == facilitator.state.to_json()
        # and back: a participant again holds only what a participant sees
        demote = await facilitator.send_op({**promote, "role": "participant"})
        await eventually(
            lambda: client.role == "participant" and client.seq >= demote.seq, "Ann's old role"
        )
        assert waiting.note_id not in client.state.notes
        assert client.connects == 3


def test_readme_example_runs(server: RunningServer) -> None:
    readme = (ROOT / "README.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    code = example.replace("http://127.0.0.1:8000", server.url)
    namespace: dict[str, object] = {"__name__": "readme"}
    exec(compile(code, str(Path("README.md")), "exec"), namespace)  # runs asyncio.run(main())
