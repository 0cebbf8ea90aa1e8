"""Docs that drift from the code are defects: these tests say where."""

from __future__ import annotations

import re
from pathlib import Path

from server.board.apply import NoopReason
from server.board.ops import DECLARED, KINDS
from server.board.protocol import CLIENT_MESSAGE, SERVER_MESSAGE, ErrorCode, json_schema
from server.config import SETTINGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _backticked(path: Path) -> set[str]:
    return set(re.findall(r"(?<!`)`([^`\n]+)`(?!`)", path.read_text()))


def _shown(default: object) -> str:
    """A default as docs/settings.md writes it."""
    if default in ("", ()):
        return "(none)"
    return f"`{str(default).lower() if isinstance(default, bool) else default}`"


def test_the_settings_reference_has_every_setting_in_order_with_its_default() -> None:
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")[:3]]
        for line in (DOCS / "settings.md").read_text().splitlines()
        if line.startswith("| `--")
    ]
    assert rows == [[f"`{s.flag}`", f"`{s.env}`", _shown(s.default)] for s in SETTINGS]


def test_every_op_kind_error_code_and_noop_reason_is_in_the_protocol_doc() -> None:
    documented = _backticked(DOCS / "protocol.md")
    missing = [k for k in KINDS if k not in documented]
    missing += [c.value for c in ErrorCode if c.value not in documented]
    missing += [r.value for r in NoopReason if r.value not in documented]
    assert not missing, f"undocumented in docs/protocol.md: {missing}"


def test_every_message_type_is_in_the_protocol_doc() -> None:
    text = (DOCS / "protocol.md").read_text()
    for adapter in (CLIENT_MESSAGE, SERVER_MESSAGE):
        schema = adapter.json_schema()
        types = {
            d["properties"]["type"]["const"]
            for d in schema["$defs"].values()
            if "type" in d.get("properties", {})
        }
        for message_type in types:
            assert f'"type": "{message_type}"' in text, f"{message_type} missing"


def test_the_browser_replica_handles_every_op_kind() -> None:
    store_js = (DOCS.parent / "board_client" / "web" / "store.js").read_text()
    handled = set(re.findall(r'^  "([a-z]+\.[a-z]+)":', store_js, re.M))
    assert handled == set(KINDS), f"store.js differs: {sorted(handled ^ set(KINDS))}"


def _table_rows(path: Path, columns: int) -> list[list[str]]:
    """The cells of every table row of `columns` cells (an escaped `\\|` is not a border)."""
    rows = []
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        if line.startswith("|") and len(cells) == columns:
            rows.append(cells)
    return rows


def test_the_op_tables_give_each_kind_once_with_the_senders_it_declares() -> None:
    rows: dict[str, list[str]] = {}
    for cells in _table_rows(DOCS / "protocol.md", 4):
        if m := re.fullmatch(r"`([a-z]+\.[a-z]+)`(?: \*\(extension\)\*)?", cells[0]):
            assert m[1] not in rows, f"{m[1]} has two rows"
            rows[m[1]] = cells
    assert sorted(rows) == sorted(KINDS)
    for kind, model in DECLARED.items():
        said = rows[kind][2]  # the column "who may send"
        assert set(re.findall(r"facilitator|participant|viewer", said)) == model.senders, kind
        assert ("the server only" in said) == (not model.senders), kind


def test_the_visibility_table_names_exactly_the_kinds_that_declare_something_hidden() -> None:
    text = (DOCS / "protocol.md").read_text()
    table = text[text.index("| op kind | hidden from everyone but the sender | until |") :]
    table = table[: table.index("\n\n")]
    named = {
        k for line in table.splitlines()[2:] for k in re.findall(r"`([a-z.]+)`", line.split("|")[1])
    }
    hiding = {k for k, m in DECLARED.items() if m.hidden is not None or m.moderated is not None}
    assert named & set(KINDS) == hiding


def test_the_published_schema_names_who_may_send_each_kind() -> None:
    ops = json_schema()["$defs"]["ClientMessage"]["$defs"]
    said = {
        d["properties"]["kind"]["const"]: d["x-senders"] for d in ops.values() if "x-senders" in d
    }
    assert said == {k: sorted(m.senders) for k, m in DECLARED.items()}
