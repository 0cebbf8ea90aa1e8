"""The Starlette application: routes, lifespan (store, broker, rooms), error handlers."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket

from facilitation_methods import load_catalogue
from server import metrics, outages
from server.board.protocol import json_schema
from server.broker import open_broker
from server.config import Config
from server.exceptions import BrokerUnavailable, StoreUnavailable
from server.http import (
    auth,
    boards,
    cofacilitators,
    methods,
    networks,
    openapi,
    pages,
    pictures,
    privacy,
    records,
    suggest,
)
from server.http.errors import HANDLERS
from server.http.facilitate import facilitating, facilitator_token, my_boards
from server.http.headers import SecurityHeaders
from server.http.hosts import TrustedHosts, allowed_hosts
from server.http.ratelimit import CreationGuard, JoinGuard
from server.http.sockets import BoardSockets
from server.services import Services, services_of
from server.store import open_store
from server.sync.connection import serve_board_socket
from server.sync.limits import AddressCounter
from server.sync.rooms import Rooms

WEB_DIR = Path(__file__).resolve().parent.parent / "board_client" / "web"
# called when the process is told to stop (SIGTERM), before uvicorn closes connections
DRAIN_HOOKS: list[Callable[[], None]] = []
_SWEEP_SECONDS = 3600.0
log = logging.getLogger("planche.app")


async def healthz(request: Request) -> Response:
    await services_of(request).store.ping()
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready for traffic: this worker can take ops and store them. 503 only when the store
    takes no writes or the server is draining; a broker that does not answer makes the
    answer "degraded" but still 200, since ops are stored all the same (the other workers
    catch up from the store). Each part says ok or not only: the reasons (hosts, ports,
    driver errors) go to the log, not to whoever asks."""
    services = services_of(request)
    checks: dict[str, str] = {}
    failures: list[str] = []
    try:
        await services.store.check_writes()  # a read-only store answers reads, not writes
        checks["store"] = "ok"
        outages.STORE.answered()
    except StoreUnavailable as e:
        outages.STORE.failed(e)
        checks["store"] = "not ok"
        failures.append("The store takes no writes.")
    try:
        await services.broker.ping()
        checks["broker"] = "ok"
        outages.BROKER.answered()
    except BrokerUnavailable as e:
        outages.BROKER.failed(e)
        checks["broker"] = "degraded"
    if services.rooms.draining:
        checks["server"] = "not ok"
        failures.append("The server is shutting down.")
    if failures:
        error = {"code": "unavailable", "message": " ".join(failures) + " See the server's log."}
        return JSONResponse({"status": "unavailable", **checks, "error": error}, status_code=503)
    status = "degraded" if checks["broker"] == "degraded" else "ok"
    return JSONResponse({"status": status, **checks})


async def metrics_page(request: Request) -> Response:
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)


async def protocol_schema(request: Request) -> Response:
    return JSONResponse(json_schema())


def board_socket(websocket: WebSocket) -> Awaitable[None]:
    """/ws/boards/{board_id}, routed by `BoardSockets`; not a coroutine itself, so that the
    open socket keeps no frame of it."""
    services = services_of(websocket)
    return serve_board_socket(
        websocket,
        websocket.path_params["board_id"],
        services.rooms,
        services.store,
        services.config,
        services.connections,
    )


async def _sweep_forever(services: Services) -> None:
    """Boards past their retention time are deleted at start and then every hour."""
    while True:
        try:
            if deleted := await privacy.sweep_expired(services):
                log.info("deleted %d boards past their retention time", len(deleted))
        except StoreUnavailable as e:
            log.warning("retention sweep failed, tried again later: %s", e)
        await asyncio.sleep(_SWEEP_SECONDS)


def app_from_environment() -> Starlette:
    """The app from the PLANCHE_* variables: what each worker process builds."""
    from server.config import load

    return create_app(load({}))


def create_app(config: Config) -> Starlette:
    """The app; raises MethodFileError at once if a method file is broken."""
    catalogue = load_catalogue(*([Path(config.methods_dir)] if config.methods_dir else []))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(config.database_url, migrate=config.migrate_at_start)
        await store.open()
        broker = open_broker(config.redis_url)
        await broker.start()
        rooms = Rooms(store, broker, config)
        DRAIN_HOOKS.append(rooms.drain)
        app.state.services = Services(
            config,
            store,
            broker,
            rooms,
            JoinGuard(config),
            catalogue,
            AddressCounter(config.connections_per_address),
            CreationGuard(config.boards_per_address_per_hour),
        )
        sweeper = asyncio.create_task(_sweep_forever(app.state.services))
        lag = asyncio.create_task(metrics.watch_loop_lag())
        # Everything made so far (modules, schemas, catalogues: some 160,000 objects) lives
        # as long as the process: out of the collector's sight, a full collection no longer
        # walks them, which stopped the event loop for over 100 ms (docs/performance.md)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            sweeper.cancel()
            lag.cancel()
            DRAIN_HOOKS.remove(rooms.drain)
            await rooms.close()
            await broker.stop()
            await store.close()

    routes = [
        Route("/", pages.start_page),
        Route("/b/{board_id}", pages.board_page),
        Route("/n/{network_id}", pages.network_page),
        Route("/b/{board_id}/projector", pages.projector_page),
        Route("/b/{board_id}/qr.svg", pages.join_qr),
        Route("/accessibility", pages.accessibility_page),
        Route("/privacy", pages.privacy_page),
        Route("/api/i18n/{lang}.json", pages.messages),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/openapi.json", openapi.openapi_json),
        Route("/metrics", metrics_page),
        Route("/api/protocol.schema.json", protocol_schema),
        Route("/api/methods", methods.list_methods),
        Route("/api/boards", facilitating("board", boards.create_board), methods=["POST"]),
        Route("/api/join", boards.join_board, methods=["POST"]),
        Route("/api/networks", facilitating("network", networks.create_network), methods=["POST"]),
        Route("/api/networks/{network_id}", networks.get_network),
        Route("/api/networks/{network_id}/meetings", networks.add_meeting, methods=["POST"]),
        Route(
            "/api/networks/{network_id}/boards/{board_id}/facilitator-token",
            networks.board_token,
            methods=["POST"],
        ),
        Route("/api/boards/import", facilitating("board", records.import_board), methods=["POST"]),
        Route("/api/me/boards", my_boards),
        Route("/api/boards/{board_id}/facilitator-token", facilitator_token, methods=["POST"]),
        Route("/auth/login", auth.login),
        Route("/auth/callback", auth.callback),
        Route("/auth/logout", auth.logout, methods=["POST"]),
        Route("/api/boards/{board_id}", boards.get_board, methods=["GET"]),
        Route("/api/boards/{board_id}", privacy.delete_board, methods=["DELETE"]),
        Route("/api/boards/{board_id}", privacy.update_board, methods=["PATCH"]),
        Route("/api/boards/{board_id}/join-code", boards.rotate_join_code, methods=["POST"]),
        Route(
            "/api/boards/{board_id}/participants/{participant_id}",
            boards.remove_participant,
            methods=["DELETE"],
        ),
        Route("/api/boards/{board_id}/invites", cofacilitators.create_invite, methods=["POST"]),
        Route(
            "/api/boards/{board_id}/invites/accept",
            cofacilitators.accept_invite,
            methods=["POST"],
        ),
        Route("/api/boards/{board_id}/anonymise", privacy.anonymise_board, methods=["POST"]),
        Route("/api/boards/{board_id}/viewer-token", privacy.new_viewer_token, methods=["POST"]),
        Route("/api/boards/{board_id}/me", privacy.my_data, methods=["GET"]),
        Route(
            "/api/boards/{board_id}/me/authorship",
            privacy.forget_my_authorship,
            methods=["DELETE"],
        ),
        Route("/api/boards/{board_id}/pictures", pictures.upload_picture, methods=["POST"]),
        Route("/api/boards/{board_id}/pictures/{picture_id}", pictures.get_picture),
        Route("/api/boards/{board_id}/records", records.save_record, methods=["POST"]),
        Route("/api/boards/{board_id}/records", records.list_records),
        Route("/api/boards/{board_id}/history", records.history),
        Route("/api/boards/{board_id}/export", records.export_board),
        Route("/api/boards/{board_id}/suggestions", suggest.suggestions, methods=["POST"]),
        Route("/api/boards/{board_id}/summary-draft", suggest.summary_draft),
        Route("/s/{share_id}", records.shared_record),
        Mount("/static", StaticFiles(directory=str(WEB_DIR)), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers=HANDLERS)
    app.state.suggest_engine = suggest.engine_for(config)
    if config.facilitators == "oidc":
        app.state.sign_in = auth.SignIn(config)
        app.add_middleware(
            auth.Sessions, secret=auth.session_key(config), max_age=config.session_max_age
        )
    if auth.page_context not in pages.TEMPLATES.context_processors:
        pages.TEMPLATES.context_processors.append(auth.page_context)
    app.add_middleware(SecurityHeaders)
    hosts = allowed_hosts(config.allowed_hosts, config.host, bool(config.forwarded_allow_ips))
    app.add_middleware(BoardSockets, handler=board_socket)  # inside the host check only
    app.add_middleware(TrustedHosts, hosts=hosts)
    return app
