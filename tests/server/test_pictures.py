"""Pictures: a phone's photo loses its GPS position and camera on the way in, on every path
out (the store, the picture's own URL, every export, the archive); what the board refuses;
a picture on a private note is its author's until the reveal; it goes with its board."""

from __future__ import annotations

import base64
import io
import json
import re
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import httpx
import pytest
from PIL import Image

from server.exports import FORMATS
from server.store.backup import backup
from tests.conftest import RunningServer, timeout
from tests.wire import Peer, Peers, get_state, join, new_board

pytestmark = pytest.mark.anyio

MAKE, MODEL = "PlancheCam 9f2e", "Pocket 77aa"  # found in no byte the server gives out
CAPTION = "Plakaten fra gruppe 2"


def photo_with_gps(size: tuple[int, int] = (300, 200)) -> bytes:
    """A JPEG as a phone takes it: camera make and model, a GPS position, and turned
    (orientation 6: the pixels lie on their side, the viewer turns them upright)."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((30, 90, 200), (0, 0, size[0] // 2, size[1]))  # left half blue
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = MAKE, MODEL, 6
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (55.0, 40.0, 30.0), 3: "E", 4: (12.0, 34.0, 56.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def metadata_in(data: bytes) -> list[str]:
    """What of the camera's metadata `data` holds, raw, or inside a picture it embeds as
    base64 (HTML, Markdown, the JSON archive) or in a zip (DOCX)."""
    blobs = [data]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            blobs += [z.read(name) for name in z.namelist()]
    for found in re.findall(rb"[A-Za-z0-9+/]{400,}={0,2}", data):
        blobs.append(base64.b64decode(found + b"=" * (-len(found) % 4)))
    found_in = []
    for blob in blobs:
        for needle in (MAKE.encode(), MODEL.encode(), b"Exif\x00\x00"):
            if needle in blob:
                found_in.append(needle.decode(errors="replace"))
    return found_in


async def call(
    server: RunningServer,
    method: str,
    path: str,
    token: str | None,
    content: bytes | None = None,
    kind: str = "image/jpeg",
    **params: Any,
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if content is not None:
        headers["Content-Type"] = kind
    async with httpx.AsyncClient(base_url=server.url, timeout=timeout(60)) as http:
        return await http.request(method, path, headers=headers, content=content, params=params)


async def upload(server: RunningServer, board_id: str, token: str, data: bytes) -> dict[str, Any]:
    got = await call(server, "POST", f"/api/boards/{board_id}/pictures", token, data)
    assert got.status_code == 201, got.text
    return dict(got.json())


async def answer(peer: Peer, op: dict[str, Any]) -> dict[str, Any]:
    return await peer.ack(await peer.op(op))


def picture_note(note_id: str, picture: dict[str, Any], area: str = "main") -> dict[str, Any]:
    ref = {"id": picture["picture_id"], "width": picture["width"], "height": picture["height"]}
    return {
        "kind": "note.add",
        "note": {"id": note_id, "area": area, "text": CAPTION, "picture": ref},
    }


async def test_a_phone_photo_keeps_no_gps_or_camera_in_the_store_its_url_or_any_export(
    server: RunningServer, peers: Peers, tmp_path: Path
) -> None:
    board = await new_board(server, language="da")
    ann = await join(server, board["join_code"], "Ann")
    board_id, fac_token = board["id"], board["facilitator_token"]
    raw = photo_with_gps()
    assert len(metadata_in(raw)) == 3  # the test photo holds what must go

    picture = await upload(server, board_id, ann["token"], raw)
    assert (picture["width"], picture["height"], picture["type"]) == (200, 300, "image/jpeg")
    ann_peer = await peers(server, board_id, ann["token"])
    assert "noop" not in await answer(ann_peer, picture_note("p1", picture))

    url = f"/api/boards/{board_id}/pictures/{picture['picture_id']}"
    got = await call(server, "GET", url, board["viewer_token"])  # the projector shows it
    assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "immutable" in got.headers["cache-control"]
    assert metadata_in(got.content) == []
    shown = Image.open(io.BytesIO(got.content))
    assert shown.size == (200, 300) and not shown.getexif()
    # upright: what was the photo's left (blue) half is now its top
    top, bottom = shown.getpixel((100, 40)), shown.getpixel((100, 260))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[2] > 150 > bottom[2], (top, bottom)

    connection = sqlite3.connect(server.db_path)
    try:
        (stored,) = connection.execute(
            "SELECT data FROM pictures WHERE id = ?", (picture["picture_id"],)
        ).fetchone()
    finally:
        connection.close()
    assert stored == got.content and metadata_in(stored) == []

    for fmt in FORMATS:
        export = await call(server, "GET", f"/api/boards/{board_id}/export", fac_token, format=fmt)
        assert export.status_code == 200, export.text
        assert metadata_in(export.content) == [], fmt
        if fmt == "csv":
            assert CAPTION in export.content.decode()
        elif fmt == "docx":
            document = docx.Document(io.BytesIO(export.content))
            assert len(document.inline_shapes) == 1
            assert any(CAPTION in p.text for p in document.paragraphs)
        elif fmt == "pdf":
            pdf = tmp_path / "record.pdf"
            pdf.write_bytes(export.content)
            listed = subprocess.run(
                ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
            ).stdout
            assert re.search(r"\s200\s+300\s", listed), listed
        elif fmt in ("html", "md"):
            assert got.content in base64.b64decode(
                re.findall(rb"data:image/jpeg;base64,([A-Za-z0-9+/=]+)", export.content)[0]
            )
        else:  # the archive carries the picture's bytes
            (carried,) = json.loads(export.content)["pictures"]
            assert base64.b64decode(carried["data"]) == got.content


async def test_the_board_refuses_what_is_not_a_picture_too_large_or_not_its_own(
    server: RunningServer, peers: Peers
) -> None:
    board = await new_board(server, language="da")
    other = await new_board(server, language="da")
    ann = await join(server, board["join_code"], "Ann")
    path = f"/api/boards/{board['id']}/pictures"

    async def refused(data: bytes, kind: str = "image/png", token: str = ann["token"]) -> str:
        got = await call(server, "POST", path, token, data, kind)
        assert got.status_code in (403, 413, 415, 422), got.text
        return f"{got.status_code} {got.json()['error']['message']}"

    assert (await refused(b"x" * (10 * 1024 * 1024 + 1))).startswith("413 The picture may be")
    assert (await refused(b"GIF89a but not really")).startswith("415 This file is not a picture")
    assert (await refused(b"{}", "application/json")).startswith("415 Send the picture itself")
    assert (await refused(b"", "image/png")).startswith("422 The file is empty")
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, "PNG")  # small as a file, 64 megapixels open
    assert (await refused(bomb.getvalue())).startswith("413 The picture has too many pixels")
    viewer = await refused(photo_with_gps(), "image/jpeg", board["viewer_token"])
    assert viewer.startswith("403")

    # a note shows only a picture uploaded to its own board
    elsewhere = await upload(server, other["id"], other["facilitator_token"], photo_with_gps())
    ann_peer = await peers(server, board["id"], ann["token"])
    made_up = {**elsewhere, "picture_id": "pic-madeup"}
    for picture in (elsewhere, made_up):
        assert (await answer(ann_peer, picture_note("x", picture)))["noop"] == "picture_not_found"
    got = await call(server, "GET", f"{path}/{elsewhere['picture_id']}", board["facilitator_token"])
    assert got.status_code == 404


async def test_a_picture_in_private_writing_is_its_authors_until_the_reveal(
    server: RunningServer, peers: Peers
) -> None:
    board = await new_board(server, method="critical-friend", language="da")
    ann = await join(server, board["join_code"], "Ann")
    bo = await join(server, board["join_code"], "Bo")
    board_id, fac_token = board["id"], board["facilitator_token"]
    fac = await peers(server, board_id, fac_token)
    bo_peer = await peers(server, board_id, bo["token"])
    ann_peer = await peers(server, board_id, ann["token"])
    assert "noop" not in await answer(fac, {"kind": "phase.set", "phase": "feedback"})
    picture = await upload(server, board_id, ann["token"], photo_with_gps())
    pid = picture["picture_id"]
    added = await answer(ann_peer, picture_note("p1", picture, area="works"))
    assert "noop" not in added
    url = f"/api/boards/{board_id}/pictures/{pid}"

    others = {"facilitator": fac_token, "Bo": bo["token"], "projector": board["viewer_token"]}
    await bo_peer.until(
        lambda m: any(r["seq"] == added["seq"] for r in m.get("ops") or []), "Ann's note"
    )
    assert pid not in json.dumps(bo_peer.seen) and pid not in json.dumps(fac.seen)
    for name, token in others.items():
        assert (await call(server, "GET", url, token)).status_code == 404, name
        state = await get_state(server, board_id, token)
        assert pid not in json.dumps(state), name
        welcome = await peers(server, board_id, token, since=0)
        assert pid not in json.dumps(welcome.welcome), name
        for fmt in ("json", "html", "docx"):
            export = await call(server, "GET", f"/api/boards/{board_id}/export", token, format=fmt)
            if export.status_code == 200:
                assert pid.encode() not in export.content, (name, fmt)
                assert b"/9j/" not in export.content, (name, fmt)  # no JPEG written in
                if fmt == "docx":
                    assert not docx.Document(io.BytesIO(export.content)).inline_shapes
    assert (await call(server, "GET", url, ann["token"])).status_code == 200

    assert "noop" not in await answer(fac, {"kind": "phase.set", "phase": "dialogue"})
    assert "noop" not in await answer(fac, {"kind": "notes.reveal"})
    for name, token in others.items():
        assert (await call(server, "GET", url, token)).status_code == 200, name
        note = (await get_state(server, board_id, token))["state"]["notes"]["p1"]
        assert note["picture"]["id"] == pid and note["text"] == CAPTION, name


async def test_a_picture_goes_with_its_board_and_travels_in_its_archive(
    own_server: RunningServer, peers: Peers
) -> None:
    board = await new_board(own_server, language="da")
    board_id, token = board["id"], board["facilitator_token"]
    picture = await upload(own_server, board_id, token, photo_with_gps())
    fac = await peers(own_server, board_id, token)
    assert "noop" not in await answer(fac, picture_note("p1", picture))
    stored = (
        await call(
            own_server, "GET", f"/api/boards/{board_id}/pictures/{picture['picture_id']}", token
        )
    ).content
    archive = await call(own_server, "GET", f"/api/boards/{board_id}/export", token, format="json")
    await fac.close()
    copy = own_server.workdir / "backup.db"  # `planche backup` copies the pictures too
    backup(own_server.database_url, copy)
    connection = sqlite3.connect(copy)
    try:
        assert connection.execute("SELECT data FROM pictures").fetchall() == [(stored,)]
    finally:
        connection.close()
    copy.unlink()

    deleted = await call(own_server, "DELETE", f"/api/boards/{board_id}", token)
    assert deleted.status_code == 204
    connection = sqlite3.connect(own_server.db_path)
    try:
        assert connection.execute("SELECT count(*) FROM pictures").fetchone() == (0,)
    finally:
        connection.close()
    files = [p for p in own_server.workdir.iterdir() if p.is_file() and p.suffix != ".log"]
    assert not [p.name for p in files if stored[200:400] in p.read_bytes()]

    async with httpx.AsyncClient(base_url=own_server.url, timeout=timeout(30)) as http:
        imported = await http.post("/api/boards/import", content=archive.content)
    assert imported.status_code == 201, imported.text
    new_token = imported.json()["facilitator_token"]
    url = f"/api/boards/{board_id}/pictures/{picture['picture_id']}"
    again = await call(own_server, "GET", url, new_token)
    assert again.status_code == 200 and metadata_in(again.content) == []
