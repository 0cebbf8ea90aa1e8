"""`planche backup` while the server runs, and `planche restore` after it stopped: the board
comes back as it was, and its clients load it afresh."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import RunningServer, planche
from tests.wire import Peers, add_note, get_state, new_board

pytestmark = pytest.mark.anyio


async def test_a_backup_taken_while_serving_restores_the_board_with_a_new_epoch(
    peers: Peers, own_server: RunningServer, tmp_path: Path
) -> None:
    board = await new_board(own_server)
    token = board["facilitator_token"]
    peer = await peers(own_server, board["id"], token)
    for i in range(5):
        await peer.ack(await peer.op(add_note(f"n{i}", f"før backup {i}")))
    url = f"--database-url={own_server.database_url}"
    copy = tmp_path / "backup.db"
    made = planche("backup", str(copy), url)
    assert made.returncode == 0, made.stderr
    assert "1 boards" in made.stdout
    before = await get_state(own_server, board["id"], token)
    await peer.ack(await peer.op(add_note("late", "efter backup")))

    own_server.stop()
    restored = planche("restore", str(copy), url)
    assert restored.returncode == 0, restored.stderr
    own_server.start()

    after = await get_state(own_server, board["id"], token)
    assert after["state"] == before["state"]
    assert "late" not in after["state"]["notes"]
    assert after["epoch"] != before["epoch"]
    # a client holding seq 7 of the old epoch gets the whole restored board, not a resume
    back = await peers(own_server, board["id"], token, since=7, epoch=before["epoch"])
    assert back.welcome["seq"] == before["seq"]
    assert set(back.welcome["state"]["notes"]) == {f"n{i}" for i in range(5)}


def test_restore_refuses_a_file_that_is_no_backup_and_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "planche.db"
    url = f"--database-url=sqlite:///{store}"
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("hello")
    other_sqlite = tmp_path / "other.db"
    with sqlite3.connect(other_sqlite) as other:
        other.execute("CREATE TABLE t(x)")
    for bad, words in (
        (tmp_path / "missing.db", "There is no file"),
        (not_sqlite, "not an SQLite file"),
        (other_sqlite, "not a Planche backup"),
    ):
        refused = planche("restore", str(bad), url)
        assert refused.returncode == 2
        assert words in refused.stderr
    assert not store.exists()


def test_backup_refuses_to_overwrite_and_explains_postgres(tmp_path: Path) -> None:
    existing = tmp_path / "taken.db"
    existing.write_text("keep me")
    refused = planche("backup", str(existing), f"--database-url=sqlite:///{tmp_path / 'x.db'}")
    assert refused.returncode == 2
    made = planche("backup", str(tmp_path / "new.db"), f"--database-url=sqlite:///{existing}")
    assert made.returncode == 2 and "cannot be copied" in made.stderr
    assert existing.read_text() == "keep me" and not (tmp_path / "new.db").exists()
    postgres = planche(
        "backup", "dump.pg", "--database-url=postgresql://planche:secret@db.example/planche"
    )
    assert postgres.returncode == 2
    assert "pg_dump --format=custom" in postgres.stderr
    assert "secret" not in postgres.stderr  # the password is not printed
