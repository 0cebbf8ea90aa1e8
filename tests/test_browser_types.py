"""The browser's types (board_client/types/board.d.ts) name the fields the server sends.

`tsc` checks the JavaScript against these types; this checks the types against the server,
so a field added to the board or to a message cannot be missing from what the browser is
told it receives.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import get_args

from pydantic import BaseModel

from facilitation_methods import schema
from server.board import protocol, state
from server.board.state import Area, new_board

TYPES = Path(__file__).resolve().parent.parent / "board_client" / "types" / "board.d.ts"


def _interfaces() -> dict[str, set[str]]:
    text = TYPES.read_text()
    return {
        name: set(re.findall(r"^  (\w+)\??:", body, re.MULTILINE))
        for name, body in re.findall(r"^export interface (\w+) \{\n(.*?)^\}", text, re.M | re.S)
    }


def _union(name: str) -> set[str]:
    text = TYPES.read_text()
    (body,) = re.findall(rf"^export type {name} =(.*?);", text, re.MULTILINE | re.DOTALL)
    return set(re.findall(r'"(\w+)"', body))


def test_board_state_has_every_field_of_the_servers_json() -> None:
    board = new_board("b1", "Title", "free", "en", (Area("a1", "Ideas"),))
    assert _interfaces()["BoardState"] == set(board.to_json())


def test_each_part_of_the_board_has_the_fields_of_its_dataclass() -> None:
    interfaces = _interfaces()
    parts = [
        "Area",
        "Axes",
        "Note",
        "Picture",
        "Participant",
        "Phase",
        "PhaseSpec",
        "GridSpec",
        "Timer",
        "Voting",
        "Group",
        "Link",
        "ParkedIdea",
        "Table",
        "Breakout",
        "Poll",
        "Survey",
        "SurveyQuestion",
        "Declined",
    ]
    for name in parts:
        fields = {f.name for f in dataclasses.fields(getattr(state, name))}
        assert interfaces[name] == fields, name


def test_each_server_message_has_the_fields_of_its_protocol_model() -> None:
    interfaces = _interfaces()
    models: dict[str, type[BaseModel]] = {
        "Welcome": protocol.Welcome,
        "OpsMessage": protocol.OpsMessage,
        "OpRecord": protocol.OpRecordOut,
        "Ack": protocol.Ack,
        "ErrorMessage": protocol.ErrorMessage,
        "PeerPresence": protocol.PeerPresence,
        "Presence": protocol.Presence,
    }
    for name, model in models.items():
        assert interfaces[name] == set(model.model_fields), name
    assert interfaces["PresenceUpdate"] == set(protocol.PresenceUpdate.model_fields) - {"type"}


def test_roles_and_error_codes_are_the_servers_closed_lists() -> None:
    assert _union("Role") == set(get_args(state.Role))
    assert _union("ErrorCode") == {code.value for code in protocol.ErrorCode}


def test_a_methods_phase_has_the_fields_of_the_method_schema() -> None:
    """The page reads a phase's title, prompt and areas from /api/methods (meeting.js)."""
    assert _interfaces()["MethodPhase"] == set(schema.Phase.model_fields)
    assert _interfaces()["Method"] <= set(schema.Method.model_fields)
    # the worksheet (worksheet.js) reads fields, tables and the grid the same way
    assert _interfaces()["MethodField"] == set(schema.FormField.model_fields)
    assert _interfaces()["MethodTable"] == set(schema.Table.model_fields)
    assert _interfaces()["MethodGrid"] == set(schema.Grid.model_fields)
