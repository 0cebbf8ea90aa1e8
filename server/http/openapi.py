"""The OpenAPI 3.1 document of the REST API, served at `GET /openapi.json`.

It is built from OPERATIONS, one row per endpoint: adding an endpoint to the API is adding
a row here (tests/server/test_api_fuzz.py fails while an `/api` route of the app has none).
Request bodies are the handlers' own pydantic models; every error answer is the one shape
of server/http/errors.py, the component `Error`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema
from starlette.requests import Request
from starlette.responses import JSONResponse

from server.exports import FORMATS
from server.exports.archive import _Archive
from server.http.boards import CreateBoard, Join
from server.http.cofacilitators import Accept
from server.http.networks import CreateMeeting, CreateNetwork
from server.http.privacy import BoardSettings
from server.http.records import IMPORT_MAX_BYTES, NewRecord
from server.http.suggest import SuggestRequest

Schema = dict[str, Any]
Auth = Literal["board", "facilitator", "network", "session"]

_REF = "#/components/schemas/{model}"
_ERROR_REF: Schema = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA: Schema = {
    "type": "object",
    "description": "Every HTTP error of the API: a code and a message in plain words.",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "additionalProperties": False,
            "properties": {
                "code": {
                    "type": "string",
                    "examples": ["invalid", "unauthorized", "forbidden", "not_found"],
                },
                "message": {"type": "string"},
            },
        }
    },
}


@dataclass(frozen=True)
class Answer:
    """A success answer: what it is and, for a JSON body, its schema."""

    description: str
    schema: Schema | None = None
    media_types: tuple[str, ...] = ("application/json",)


@dataclass(frozen=True)
class Query:
    name: str
    schema: Schema
    description: str
    required: bool = False


@dataclass(frozen=True)
class Operation:
    """One endpoint. `answers` maps each status to its Answer, or for an error (4xx, 5xx)
    to the description of the case; the body of an error is always the Error shape."""

    method: Literal["get", "post", "patch", "delete"]
    path: str
    summary: str
    answers: Mapping[int, Answer | str]
    body: type[BaseModel] | None = None
    auth: Auth | None = None
    query: tuple[Query, ...] = ()
    tag: str = "boards"


def _object(*required: str, **properties: Schema) -> Schema:
    return {
        "type": "object",
        "required": list(required),
        "properties": {name: properties.get(name, {}) for name in (*required, *properties)},
    }


_STR: Schema = {"type": "string"}
_INT: Schema = {"type": "integer"}
_STATUS = _object("status", status={"const": "ok"})
_NEW_BOARD = _object(
    "id",
    "join_code",
    "facilitator_token",
    "viewer_token",
    "participant_id",
    "epoch",
    "urls",
    id=_STR,
    join_code=_STR,
    facilitator_token=_STR,
    viewer_token=_STR,
    participant_id=_STR,
    epoch=_STR,
    urls=_object("board", "join", "viewer"),
)
_BOARD = _object(
    "id", "seq", "epoch", "state", id=_STR, seq=_INT, epoch=_STR, state={}, retention_days=_INT
)
_EPOCH = {"epoch": _STR}
_RECORD = _object("seq", "name", "created_at", seq=_INT, name=_STR, share_url=_STR)
_CHANGE: Schema = {"type": "integer", "minimum": 0}

# what every endpoint that reads a JSON body (server/http/errors.py read_json) may answer
_BODY: dict[int, Answer | str] = {
    400: "The body is not JSON.",
    413: "The body is over 64 KiB.",
    415: "The body is sent as a form (or text/plain), not as application/json.",
    422: "A field of the body is wrong; the message names it.",
}
_CREATED_TOO_MANY = "This address created boards_per_address_per_hour boards: see Retry-After."
# who may create (server/http/facilitate.py): open, an invite code, or a signed-in session
_GATE: dict[int, Answer | str] = {
    401: "facilitators=oidc: no one is signed in, or the sign-in expired.",
    403: "facilitators=invite: the X-Planche-Invite header is missing or wrong; or, with a "
    "session, the Origin is not one of this server's pages.",
}
_SIGNED_IN = "Nobody is signed in (facilitators=oidc), or the sign-in expired."
_NO_TOKEN = "No bearer token, or one that is not valid."
_OTHER_BOARD = "A token of another board."
_NOT_FACILITATOR = "A token of another board, or not the facilitator's."
_NO_BOARD = "There is no board with this id."
_STORE = "The store does not answer; nothing was changed."
_DONE = Answer("Done.", media_types=())
# what every endpoint with a board token may answer, and with the facilitator's token
_BOARD_ERRORS: dict[int, Answer | str] = {
    401: _NO_TOKEN,
    403: _OTHER_BOARD,
    404: _NO_BOARD,
    503: _STORE,
}
_FACILITATOR_ERRORS = {**_BOARD_ERRORS, 403: _NOT_FACILITATOR}

OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/healthz",
        "The server accepts connections and its store answers.",
        {200: Answer("Healthy.", _STATUS), 503: _STORE},
        tag="operations",
    ),
    Operation(
        "get",
        "/readyz",
        "Ready for traffic: the store and the broker answer, and the server is not draining.",
        {
            200: Answer("Ready.", _object("status", "store", "broker", status={"const": "ok"})),
            503: "Not ready: the error shape, next to the state of each check.",
        },
        tag="operations",
    ),
    Operation(
        "get",
        "/api/protocol.schema.json",
        "The JSON Schema of every WebSocket message.",
        {200: Answer("A JSON Schema.", {"type": "object"})},
        tag="meta",
    ),
    Operation(
        "get",
        "/api/i18n/{lang}.json",
        "The browser client's texts in one language (da, sv, en).",
        {200: Answer("Message id to text.", {"type": "object"}), 404: "No such language."},
        tag="meta",
    ),
    Operation(
        "get",
        "/api/methods",
        "Every method a board can be created with, with its texts in da, sv and en.",
        {200: Answer("The catalogue.", {"type": "array", "items": _object("id", "name")})},
        tag="meta",
    ),
    Operation(
        "post",
        "/api/boards",
        "Create a board: its join code and the facilitator's and viewer's tokens.",
        {
            201: Answer("The new board.", _NEW_BOARD),
            **_BODY,
            **_GATE,
            429: _CREATED_TOO_MANY,
            503: _STORE,
        },
        body=CreateBoard,
    ),
    Operation(
        "post",
        "/api/join",
        "Join a board with its code, under a name.",
        {
            200: Answer(
                "A participant's token.",
                _object("board_id", "token", "participant_id", board_id=_STR, token=_STR),
            ),
            **_BODY,
            404: "No board has that code.",
            429: "Too many wrong codes from this address (or joins through this code): "
            "see Retry-After.",
            503: _STORE,
        },
        body=Join,
    ),
    Operation(
        "post",
        "/api/boards/import",
        "Import a board from its JSON archive (GET .../export?format=json).",
        {
            201: Answer(
                "The imported board with new tokens.",
                _object("id", "join_code", "facilitator_token", "viewer_token", "seq", "urls"),
            ),
            **_GATE,
            409: "A board with this id is here already.",
            415: "With a signed-in session: the body is sent as a form, not as JSON.",
            413: f"The archive is over {IMPORT_MAX_BYTES} bytes.",
            429: _CREATED_TOO_MANY,
            422: "Not a Planche board archive, or its log does not replay to its state.",
            503: _STORE,
        },
        body=_Archive,
        tag="records",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}",
        "The board's state as the token's holder may see it.",
        {
            200: Answer("The board.", _BOARD),
            **_BOARD_ERRORS,
        },
        auth="board",
    ),
    Operation(
        "delete",
        "/api/boards/{board_id}",
        "Delete the board now, with its ops, snapshots, records and every token.",
        {204: _DONE, **_FACILITATOR_ERRORS},
        auth="facilitator",
        tag="privacy",
    ),
    Operation(
        "patch",
        "/api/boards/{board_id}",
        "Set how many days after its last change the board is deleted.",
        {
            200: Answer("The retention time.", _object("retention_days", retention_days=_INT)),
            **_BODY,
            **_FACILITATOR_ERRORS,
        },
        body=BoardSettings,
        auth="facilitator",
        tag="privacy",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/join-code",
        "Give the board a new join code; the old one opens nothing any more.",
        {
            200: Answer("The new code.", _object("join_code", "urls", join_code=_STR)),
            **_FACILITATOR_ERRORS,
        },
        auth="facilitator",
    ),
    Operation(
        "delete",
        "/api/boards/{board_id}/participants/{participant_id}",
        "Remove a participant: their token is revoked and their connections closed.",
        {
            204: _DONE,
            **_FACILITATOR_ERRORS,
            404: "No such board, or the board has no such participant.",
            422: "The facilitator cannot be removed.",
        },
        auth="facilitator",
        tag="privacy",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/invites",
        "Invite a co-facilitator: a link that makes one more facilitator, once. The secret "
        "is in the link's fragment, which no server logs.",
        {
            201: Answer(
                "The invite's secret and link.",
                _object("invite", "urls", invite=_STR, urls=_object("invite")),
            ),
            **_FACILITATOR_ERRORS,
        },
        auth="facilitator",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/invites/accept",
        "Join a board as a co-facilitator with an invite's secret, under a name.",
        {
            200: Answer(
                "A facilitator's token.",
                _object("board_id", "token", "participant_id", board_id=_STR, token=_STR),
            ),
            **_BODY,
            403: "The invite is not valid, was used already, or is another board's.",
            404: "No such board.",
            503: _STORE,
        },
        body=Accept,
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/viewer-token",
        "Give the projector a new link: the old viewer token is revoked and its screens closed.",
        {
            200: Answer(
                "The new viewer token and projector link.",
                _object("viewer_token", "urls", viewer_token=_STR),
            ),
            **_FACILITATOR_ERRORS,
        },
        auth="facilitator",
        tag="privacy",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/anonymise",
        "Remove every participant's name from the board's whole history; the notes stay.",
        {
            200: Answer(
                "The board's new epoch.",
                _object("epoch", "participants_anonymised", **_EPOCH, participants_anonymised=_INT),
            ),
            **_FACILITATOR_ERRORS,
        },
        auth="facilitator",
        tag="privacy",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}/me",
        "What the board holds about the token's holder: their name and their notes.",
        {
            200: Answer(
                "The holder's data.",
                _object("participant_id", "name", "role", "notes", notes={"type": "array"}),
            ),
            **_BOARD_ERRORS,
        },
        auth="board",
        tag="privacy",
    ),
    Operation(
        "delete",
        "/api/boards/{board_id}/me/authorship",
        "Take the participant's name off their notes (they go on as a fresh participant).",
        {
            200: Answer(
                "The board's new epoch.",
                _object("epoch", "notes_anonymised", **_EPOCH, notes_anonymised=_INT),
            ),
            **_BOARD_ERRORS,
            403: "A token of another board, or not a participant's.",
        },
        auth="board",
        tag="privacy",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/pictures",
        "Add a picture (the file itself as the body: JPEG, PNG, WebP or GIF, at most 10 MB): "
        "turned upright, at most 2048 px, every metadata (EXIF, GPS) removed. A `note.add` "
        "with `picture` shows it.",
        {
            201: Answer(
                "The stored picture.",
                _object(
                    "picture_id",
                    "width",
                    "height",
                    "type",
                    picture_id=_STR,
                    width=_INT,
                    height=_INT,
                    type=_STR,
                ),
            ),
            **_BOARD_ERRORS,
            403: "A token of another board, or the projector's.",
            409: "The board holds 300 pictures, the most it may.",
            413: "The picture is over 10 MB or has too many pixels.",
            415: "The body is not a picture the board takes.",
            422: "The body is empty.",
        },
        auth="board",
        tag="boards",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}/pictures/{picture_id}",
        "A picture of the board, to one who may see a note showing it (or who added it).",
        {
            200: Answer("The picture.", media_types=("image/jpeg", "image/png", "image/webp")),
            **_BOARD_ERRORS,
            404: "No such board, or no note this token may see shows the picture.",
        },
        auth="board",
        tag="boards",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/records",
        "Save a named record (snapshot) of the board, with a link to share it.",
        {
            201: Answer("The record.", _object("seq", "name", "share_url")),
            **_BODY,
            **_FACILITATOR_ERRORS,
            409: "The board keeps records_per_board records already.",
            429: "The board saved records_per_minute records this minute: see Retry-After.",
        },
        body=NewRecord,
        auth="facilitator",
        tag="records",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}/records",
        "The board's records; their links only for the facilitator.",
        {
            200: Answer("The records.", {"type": "array", "items": _RECORD}),
            **_BOARD_ERRORS,
        },
        auth="board",
        tag="records",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}/history",
        "The board as it stood after change `seq`, as the token's holder may see it.",
        {
            200: Answer(
                "The board then; `change`: the facilitator's op that made it, and who sent it.",
                _object("seq", "state", seq=_INT, state={}, change=_object("kind", "by")),
            ),
            **_BOARD_ERRORS,
            422: "`seq` is not a change of the board.",
        },
        auth="board",
        query=(Query("seq", _CHANGE, "A change of the board's log.", required=True),),
        tag="records",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}/export",
        "The board, a record of it or an earlier state of it, in one format.",
        {
            200: Answer(
                "The file (Content-Disposition: attachment).",
                media_types=tuple(dict.fromkeys(t.split(";")[0] for t in FORMATS.values())),
            ),
            **_FACILITATOR_ERRORS,
            404: "No such board, record or change.",
            422: "A query parameter is wrong.",
        },
        auth="facilitator",
        query=(
            Query("format", {"enum": list(FORMATS), "default": "html"}, "The file format."),
            Query(
                "authors",
                {"enum": ["anonymous", "named"], "default": "anonymous"},
                "Whether the notes' authors are named.",
            ),
            Query("seq", _CHANGE, "The board as it stood after this change."),
            Query("snapshot", _CHANGE, "The record saved at this change."),
        ),
        tag="records",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/suggestions",
        "Suggested groups and duplicates of the notes the facilitator sees (never a private "
        "note before its reveal), from this server's engine; nothing is changed.",
        {
            200: Answer(
                "Groups (largest first, each note in at most one) and sets of duplicates.",
                _object(
                    "groups",
                    "duplicates",
                    groups={
                        "type": "array",
                        "items": _object(
                            "label",
                            "note_ids",
                            label=_STR,
                            note_ids={"type": "array", "items": _STR},
                        ),
                    },
                    duplicates={"type": "array", "items": {"type": "array", "items": _STR}},
                ),
            ),
            **_BODY,
            **_FACILITATOR_ERRORS,
            422: "A field of the body is wrong, or names an area the board does not have.",
            503: "The engine set with --suggest-url did not answer.",
        },
        body=SuggestRequest,
        auth="facilitator",
        tag="boards",
    ),
    Operation(
        "get",
        "/api/boards/{board_id}/summary-draft",
        "A draft of the meeting's summary from the board (groups, most voted notes, links, "
        "actions, parked ideas), in its language, to edit and save with summary.set.",
        {200: Answer("The draft.", _object("text", text=_STR)), **_FACILITATOR_ERRORS},
        auth="facilitator",
        tag="records",
    ),
    Operation(
        "post",
        "/api/networks",
        "Create a learning network; the token is its facilitator's.",
        {
            201: Answer("The network.", _object("id", "token", "urls", id=_STR, token=_STR)),
            **_BODY,
            **_GATE,
            429: _CREATED_TOO_MANY,
            503: _STORE,
        },
        body=CreateNetwork,
        tag="networks",
    ),
    Operation(
        "get",
        "/api/networks/{network_id}",
        "The learning network and its meetings.",
        {
            200: Answer(
                "The network.",
                _object(
                    "id",
                    "title",
                    "theme",
                    "language",
                    "planning",
                    "meetings",
                    planning={"type": "array"},
                    meetings={"type": "array"},
                ),
            ),
            401: "No bearer token.",
            403: "The token does not open this network.",
            404: "There is no learning network with this id.",
            503: _STORE,
        },
        auth="network",
        tag="networks",
    ),
    Operation(
        "post",
        "/api/networks/{network_id}/meetings",
        "Open the network's next meeting board, with a recap of the previous meeting.",
        {
            201: Answer("The new board, as POST /api/boards answers, plus its number.", _NEW_BOARD),
            **_BODY,
            429: _CREATED_TOO_MANY,
            401: "No bearer token.",
            403: "The token does not open this network.",
            404: "There is no learning network with this id.",
            503: _STORE,
        },
        body=CreateMeeting,
        auth="network",
        tag="networks",
    ),
    Operation(
        "post",
        "/api/networks/{network_id}/boards/{board_id}/facilitator-token",
        "A fresh facilitator token for one of the network's boards, in the body only.",
        {
            201: Answer(
                "The token and the facilitator it stands for.",
                _object("token", "participant_id", "urls"),
            ),
            401: "No bearer token.",
            403: "The token does not open this network.",
            404: "No such network, or the board is not one of its boards.",
            503: _STORE,
        },
        auth="network",
        tag="networks",
    ),
    Operation(
        "get",
        "/api/me/boards",
        "The boards and networks the signed-in facilitator created, from any device.",
        {
            200: Answer(
                "Theirs, newest first.",
                _object(
                    "user",
                    "boards",
                    "networks",
                    boards={"type": "array", "items": _object("id", "title")},
                    networks={"type": "array", "items": _object("id", "title")},
                ),
            ),
            401: _SIGNED_IN,
            503: _STORE,
        },
        auth="session",
        tag="facilitators",
    ),
    Operation(
        "post",
        "/api/boards/{board_id}/facilitator-token",
        "A fresh facilitator token for the signed-in facilitator who created the board, for "
        "another device; earlier tokens keep working.",
        {
            201: Answer(
                "The token, in the body only.",
                _object("token", "participant_id", "urls", token=_STR, participant_id=_STR),
            ),
            401: _SIGNED_IN,
            403: "The board is not the signed-in user's, or the Origin is not this server's.",
            404: _NO_BOARD,
            415: "The body is sent as a form, not as JSON.",
            503: _STORE,
        },
        auth="session",
        tag="facilitators",
    ),
)

_SECURITY_SCHEMES: Schema = {
    "session": {
        "type": "apiKey",
        "in": "cookie",
        "name": "planche_session",
        "description": "A signed-in facilitator's session (facilitators=oidc, /auth/login).",
    },
    "boardToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "A token of the board: the facilitator's, the viewer's or a participant's.",
    },
    "networkToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The token POST /api/networks answered with.",
    },
}


class _PublicNames(GenerateJsonSchema):
    """Component names without the leading underscore of a module's private model."""

    @staticmethod
    def public(name: str) -> str:
        return name.lstrip("_")

    def normalize_name(self, name: str) -> str:
        return self.public(super().normalize_name(name))


@dataclass
class _Builder:
    schemas: dict[str, Schema] = field(default_factory=lambda: {"Error": ERROR_SCHEMA})

    def model(self, model: type[BaseModel]) -> Schema:
        schema = model.model_json_schema(ref_template=_REF, schema_generator=_PublicNames)
        name = _PublicNames.public(model.__name__)
        for key, value in [*schema.pop("$defs", {}).items(), (name, schema)]:
            if "title" in value:
                value["title"] = _PublicNames.public(value["title"])
            assert self.schemas.setdefault(key, value) == value, f"two schemas named {key}"
        return {"$ref": _REF.format(model=name)}

    def operation(self, op: Operation) -> Schema:
        out: Schema = {
            "operationId": _operation_id(op),
            "summary": op.summary,
            "tags": [op.tag],
            "responses": {str(status): _answer(a) for status, a in sorted(op.answers.items())},
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in re.findall(r"{(\w+)}", op.path)
        ]
        parameters += [
            {
                "name": q.name,
                "in": "query",
                "required": q.required,
                "description": q.description,
                "schema": q.schema,
            }
            for q in op.query
        ]
        if parameters:
            out["parameters"] = parameters
        if op.body is not None:
            out["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": self.model(op.body)}},
            }
        if op.auth is not None:
            schemes = {"network": "networkToken", "session": "session"}
            out["security"] = [{schemes.get(op.auth, "boardToken"): []}]
            if op.auth == "facilitator":
                out["description"] = "Only with the board's facilitator token."
        return out


def _operation_id(op: Operation) -> str:
    words = re.findall(r"[a-z0-9]+", op.path.replace("{", "by_").lower())
    return "_".join([op.method, *words])


def _answer(answer: Answer | str) -> Schema:
    if isinstance(answer, str):
        return {"description": answer, "content": {"application/json": {"schema": _ERROR_REF}}}
    out: Schema = {"description": answer.description}
    if answer.media_types:  # none for a 204
        out["content"] = {
            t: {"schema": answer.schema} if answer.schema else {} for t in answer.media_types
        }
    return out


@cache
def document() -> Schema:
    builder = _Builder()
    paths: dict[str, Schema] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = builder.operation(op)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Planche",
            "version": "1",
            "description": "The REST API of Planche; see docs/protocol.md and docs/records.md.",
        },
        "paths": paths,
        "components": {"schemas": builder.schemas, "securitySchemes": _SECURITY_SCHEMES},
    }


async def openapi_json(request: Request) -> JSONResponse:
    return JSONResponse(document())
