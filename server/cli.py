"""`planche` (and `python -m server`): the command line."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from facilitation_methods import MethodFileError, load_catalogue
from server import config as settings
from server.exceptions import BackupError, ConfigError, StoreUnavailable
from server.exports import FORMATS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="planche", description="Planche workshop board server")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the server")
    settings.add_arguments(serve)
    export = commands.add_parser("export", help="write a board's record to a file")
    export.add_argument("board", help="the board id")
    export.add_argument("--format", choices=sorted(FORMATS), default="pdf")
    export.add_argument("--snapshot", type=int, help="the seq of a saved record")
    export.add_argument("--seq", type=int, help="the board as it stood after this change")
    export.add_argument("--named", action="store_true", help="name the authors")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--database-url", default=None, help="[PLANCHE_DATABASE_URL]")
    export.add_argument("--methods-dir", default=None, help="[PLANCHE_METHODS_DIR]")
    migrate = commands.add_parser(
        "migrate", help="bring the database schema up to date (back it up first)"
    )
    migrate.add_argument("--database-url", default=None, help="[PLANCHE_DATABASE_URL]")
    imp = commands.add_parser("import", help="add a board from a JSON archive")
    imp.add_argument("file", type=Path)
    imp.add_argument("--database-url", default=None, help="[PLANCHE_DATABASE_URL]")
    backup = commands.add_parser("backup", help="copy the SQLite store while the server runs")
    backup.add_argument("file", type=Path, help="the new backup file")
    backup.add_argument("--database-url", default=None, help="[PLANCHE_DATABASE_URL]")
    restore = commands.add_parser(
        "restore", help="put the store back from a backup (stop the server first)"
    )
    restore.add_argument("file", type=Path, nargs="?", help="a file made by `planche backup`")
    restore.add_argument(
        "--new-epochs",
        action="store_true",
        help="only give every board a new epoch (after restoring Postgres with pg_restore)",
    )
    restore.add_argument("--database-url", default=None, help="[PLANCHE_DATABASE_URL]")
    methods = commands.add_parser("methods", help="work with method files")
    method_commands = methods.add_subparsers(dest="methods_command", required=True)
    check = method_commands.add_parser("check", help="validate the method files of a directory")
    check.add_argument("directory", type=Path)
    return parser


def check_methods(directory: Path) -> int:
    """Loads DIR beside the built-in catalogue; prints each method or the first error."""
    try:
        catalogue = load_catalogue(directory)
    except MethodFileError as e:
        print(f"planche: {e}", file=sys.stderr)
        return 1
    own = {p.stem for p in directory.glob("*.toml")}
    for method in catalogue.values():
        if method.id in own:
            print(
                f"ok: {method.id} ({method.name['en']}): {len(method.areas)} areas, "
                f"{len(method.phases)} phases"
            )
    if not own:
        print(f"planche: {directory} holds no *.toml method files", file=sys.stderr)
        return 1
    return 0


def _backup_command(args: argparse.Namespace, config: settings.Config) -> int:
    from server.store import backup

    try:
        if args.command == "backup":
            print(backup.backup(config.database_url, args.file))
        elif args.new_epochs:
            print(backup.new_epochs(config.database_url))
        elif args.file is None:
            print("planche: name the backup file to restore from", file=sys.stderr)
            return 2
        else:
            print(backup.restore(config.database_url, args.file))
    except BackupError as e:
        print(f"planche: {e}", file=sys.stderr)
        return 2
    return 0


def serve(config: settings.Config) -> None:
    from server.app import create_app
    from server.serve import serve as run
    from server.serve import wait_for_store

    create_app(config)  # a broken method file stops here, before any worker starts
    # and a store it cannot write to, or whose schema it may not migrate; a database that
    # does not answer yet is waited for
    wait_for_store(
        config, lambda: asyncio.run(_check_store(config.database_url, config.migrate_at_start))
    )
    run(config)


async def _check_store(database_url: str, migrate: bool) -> None:
    """Open the store (bringing its schema up to date unless told not to) and write to it
    once, so that a read-only file or an unreachable database is one clear line, not every
    worker's traceback."""
    from server.store import open_store

    store = open_store(database_url, migrate)
    try:
        await store.open()
        await store.check_writes()
    finally:
        await store.close()


async def _migrate(database_url: str) -> str:
    """`planche migrate`: what it did, e.g. "migrated 0003 -> 0005" or "already at 0005"."""
    from server.store.sql import SqlStore

    store = SqlStore(database_url)
    try:
        await store.open()
    finally:
        await store.close()
    return str(store.migration)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "methods":
        return check_methods(args.directory)
    try:
        config = settings.load(vars(args))
    except ConfigError as e:
        print(f"planche: {e}", file=sys.stderr)
        return 2
    if args.command in ("backup", "restore"):
        return _backup_command(args, config)
    if args.command == "migrate":
        try:
            print(asyncio.run(_migrate(config.database_url)))
        except StoreUnavailable as e:
            print(f"planche: {e}", file=sys.stderr)
            return 2
        return 0
    if args.command in ("export", "import"):
        from server.records_cli import export_command, import_command

        run = export_command if args.command == "export" else import_command
        return asyncio.run(run(args, config))
    try:
        serve(config)
    except (MethodFileError, StoreUnavailable) as e:
        print(f"planche: {e}", file=sys.stderr)
        return 2
    return 0
