"""`planche export` and `planche import`: records without a running server, straight from
the store (SQLite allows this beside a running server)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from facilitation_methods import load_catalogue
from server.config import Config
from server.exports.archive import ArchiveError
from server.exports.service import Conflict, NotFound, export, import_archive
from server.store import open_store


async def export_command(args: argparse.Namespace, config: Config) -> int:
    methods = load_catalogue(*([Path(config.methods_dir)] if config.methods_dir else []))
    store = open_store(config.database_url)
    await store.open()
    try:
        board = await store.get_board(args.board)
        if board is None:
            print(
                f"planche: there is no board {args.board} in {config.database_url}", file=sys.stderr
            )
            return 1
        record = None
        if args.snapshot is not None:
            records = [r for r in await store.snapshots(board.id) if r.seq == args.snapshot]
            if not records:
                print(
                    f"planche: the board has no record at change {args.snapshot}", file=sys.stderr
                )
                return 1
            record = records[-1]
        try:
            data = await export(
                store,
                methods,
                board,
                args.format,
                viewer=None,  # the operator's: the whole board
                seq=args.seq,
                named=args.named,
                record=record,
            )
        except NotFound as e:
            _fail(str(e))
            return 1
        args.output.write_bytes(data)
        print(f"wrote {args.output} ({len(data)} bytes, {args.format})")
        return 0
    finally:
        await store.close()


async def import_command(args: argparse.Namespace, config: Config) -> int:
    methods = load_catalogue(*([Path(config.methods_dir)] if config.methods_dir else []))
    store = open_store(config.database_url)
    await store.open()
    try:
        answer = await import_archive(store, methods, args.file.read_bytes())
    except (OSError, ArchiveError, Conflict) as e:
        _fail(f"{args.file}: {e}")
        return 1
    finally:
        await store.close()
    print(f"imported board {answer['id']} at change {answer['seq']}")
    print(f"facilitator link: /b/{answer['id']}#token={answer['facilitator_token']}")
    print(f"viewer link: {answer['urls']['viewer']}")
    return 0


def _fail(message: str) -> None:
    print(f"planche: {message}", file=sys.stderr)
