"""Only requests and WebSockets for a host this server answers to (against DNS rebinding:
a page on another site whose name is made to point at this server would otherwise reach it
with the browser's blessing, Host header and all)."""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable

from starlette.types import ASGIApp, Receive, Scope, Send

from server.http.errors import error_response
from server.sync.close import Close

_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def allowed_hosts(
    configured: tuple[str, ...], bind_host: str, behind_proxy: bool = False
) -> frozenset[str] | None:
    """The host names to answer to, or None for any: the setting when given; else the
    loopback names while the server listens on loopback only and trusts no proxy (a proxy
    in front passes on its own site's name), and any host otherwise."""
    if configured:
        return frozenset(h.lower() for h in configured)
    if behind_proxy:
        return None
    try:
        loopback = ipaddress.ip_address(bind_host).is_loopback
    except ValueError:
        loopback = bind_host == "localhost"
    return frozenset(_LOOPBACK_NAMES) if loopback else None


def _host_name(header: str) -> str:
    """`[::1]:8000` → `::1`, `Example.org:443` → `example.org`."""
    if header.startswith("["):
        return header[1:].partition("]")[0].lower()
    return header.rpartition(":")[0].lower() if header.count(":") == 1 else header.lower()


class TrustedHosts:
    """Not a coroutine itself: it hands on the next layer's awaitable, so that an open
    WebSocket keeps no suspended frame of it (docs/performance.md, S3)."""

    def __init__(self, app: ASGIApp, hosts: frozenset[str] | None) -> None:
        self.app = app
        self.hosts = hosts

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if self.hosts is None or scope["type"] not in ("http", "websocket"):
            return self.app(scope, receive, send)
        header = dict(scope["headers"]).get(b"host", b"").decode("latin-1")
        if _host_name(header) in self.hosts:
            return self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return send({"type": "websocket.close", "code": Close.POLICY})  # before accept: 403
        message = (
            f"This server does not answer to the host {header[:100]!r}; open it by its own "
            "address (the allowed_hosts setting lists them)."
        )
        return error_response(400, "invalid", message)(scope, receive, send)
