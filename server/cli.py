"""`planche` (and `python -m server`): the command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from server import config as settings
from server.board.protocol import MAX_MESSAGE_BYTES
from server.exceptions import ConfigError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planche", description="Planche workshop board server")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    settings.add_arguments(serve)
    return parser


def serve(config: settings.Config) -> None:
    import uvicorn

    from server.app import create_app

    logging.basicConfig(
        level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    uvicorn.run(
        create_app(config),
        host=config.host,
        port=config.port,
        log_level=config.log_level,
        ws="websockets-sansio",
        ws_max_size=MAX_MESSAGE_BYTES,  # a bigger frame closes the connection with 1009
        ws_per_message_deflate=False,  # compression costs CPU per client and invites bombs
        ws_ping_interval=20,
        ws_ping_timeout=20,
        proxy_headers=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = settings.load(vars(args))
    except ConfigError as e:
        print(f"planche: {e}", file=sys.stderr)
        return 2
    if args.command == "serve":
        serve(config)
    return 0
