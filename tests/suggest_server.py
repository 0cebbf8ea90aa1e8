"""A small OpenAI-compatible model server for tests: `python -m tests.suggest_server PORT`.

Not a model: a real HTTP server process implementing the two documented endpoints the
optional engine calls, with deterministic answers. `POST /v1/embeddings` answers each input
with a 256-dimension vector of its hashed character trigrams (so texts sharing words are
near each other, and the same text always gets the same vector); `POST
/v1/chat/completions` answers "Label: " and the first word of the group's first note.
`GET /received` answers every text the server was sent, in order, so a test can check
what left Planche.
"""

from __future__ import annotations

import hashlib
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DIMENSIONS = 256
RECEIVED: list[str] = []


def embedding(text: str) -> list[float]:
    vector = [0.0] * DIMENSIONS
    padded = f" {text.lower()} "
    for i in range(len(padded) - 2):
        digest = hashlib.blake2b(padded[i : i + 3].encode(), digest_size=4).digest()
        vector[int.from_bytes(digest, "big") % DIMENSIONS] += 1.0
    return vector


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/received":
            self._answer(200, {"texts": RECEIVED})
        else:
            self._answer(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        body: dict[str, Any] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/v1/embeddings":
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            RECEIVED.extend(texts)
            data = [
                {"object": "embedding", "index": i, "embedding": embedding(t)}
                for i, t in enumerate(texts)
            ]
            self._answer(200, {"object": "list", "data": data, "model": body["model"]})
        elif self.path == "/v1/chat/completions":
            notes = body["messages"][-1]["content"]
            RECEIVED.append(notes)
            first = notes.removeprefix("- ").split()[0]
            message = {"role": "assistant", "content": f"Label: {first}"}
            self._answer(200, {"choices": [{"index": 0, "message": message}]})
        else:
            self._answer(404, {"error": {"message": "not found"}})

    def _answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
