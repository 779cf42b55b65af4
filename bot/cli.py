"""`clusterbot` console script: run the bot, import/export the dataset, migrate the schema."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.logs import configure_logging
from bot.settings import Settings, StartupError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clusterbot",
        description="Coordination bot of the Saint-Petersburg Cleantech Cluster. "
        "Configuration comes from the environment or a .env file (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot",
        description="Run the bot: long polling, or a webhook when "
        "WEBHOOK_URL is set. "
        "Creates or upgrades the database and loads the bundled dataset into an empty one.",
    )
    importer = commands.add_parser(
        "import",
        help="validate and import a dataset file",
        description="Validate a dataset YAML file and import it (idempotent). Phones are stored in E.164, "
        "e-mail addresses in their normal form; one that cannot be read is kept as written and listed.",
    )
    importer.add_argument("file", type=Path, help="dataset YAML, e.g. data/cluster.yaml")
    importer.add_argument("--check", action="store_true", help="only validate, change nothing")
    exporter = commands.add_parser(
        "export",
        help="export the directory as a dataset file",
        description="Write the directory in the dataset format ('-' for stdout).",
    )
    exporter.add_argument("file", help="output path, or - for standard output")
    commands.add_parser(
        "migrate", help="create or upgrade the database schema", description="Apply pending schema migrations and exit."
    )
    backup = commands.add_parser(
        "backup",
        help="copy the SQLite database, also while the bot runs",
        description="Write a consistent copy of the SQLite database (SQLite's online "
        "backup). For PostgreSQL use pg_dump.",
    )
    backup.add_argument("file", type=Path, help="the copy to write (replaced if it exists)")
    args = parser.parse_args(argv)

    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])).upper()
        return _fail(f"configuration: {where + ': ' if where else ''}{first['msg']}")
    configure_logging(settings)
    try:
        return asyncio.run(COMMANDS[args.command](settings, args))
    except KeyboardInterrupt:
        return 130
    except StartupError as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    print(f"clusterbot: {message}", file=sys.stderr)
    return 2


async def _run(settings: Settings, _args: argparse.Namespace) -> int:
    from aiogram.exceptions import TelegramUnauthorizedError

    from bot.app import create_app, run_polling

    if problem := settings.token_problem():
        return _fail(problem)
    app = await create_app(settings)
    try:
        await run_polling(app)
    except TelegramUnauthorizedError:
        return _fail("the Bot API refuses BOT_TOKEN (401 Unauthorized): revoked or mistyped? Check it with @BotFather")
    return 0


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import open_database
    from bot.services.directory.dataset import DatasetError, import_dataset, read_dataset

    try:
        loaded = read_dataset(args.file)
    except DatasetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return _fail(f"{len(exc.problems)} problem(s) in {args.file}; nothing imported")
    for kept in loaded.kept:
        print(kept, file=sys.stderr)
    if args.check:
        print(f"{args.file}: valid" + (f"; {len(loaded.kept)} contact(s) to be kept as written" if loaded.kept else ""))
        return 0
    database = await open_database(settings, load_bundled=False)
    try:
        async with database.sessions.begin() as session:
            report = await import_dataset(session, loaded.data)
    finally:
        await database.close()
    if not report.changed:
        print("nothing changed")
    for section, count in sorted(report.created.items()):
        print(f"created {count} {section}")
    for section, count in sorted(report.updated.items()):
        print(f"updated {count} {section}")
    return 0


async def _export(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import open_database
    from bot.services.directory.dataset import dump_yaml, export_dataset

    database = await open_database(settings, load_bundled=False)
    try:
        async with database.sessions() as session:
            text = dump_yaml(await export_dataset(session))
    finally:
        await database.close()
    if args.file == "-":
        sys.stdout.write(text)
    else:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"exported to {args.file}")
    return 0


async def _migrate(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.app import open_database

    database = await open_database(settings, load_bundled=False)
    await database.close()
    print("schema is up to date")
    return 0


async def _backup(settings: Settings, args: argparse.Namespace) -> int:
    import sqlite3

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from models.db import backup_sqlite

    try:
        url = make_url(settings.database_url)
    except ArgumentError as exc:
        return _fail(f"DATABASE_URL cannot be used: {exc}")
    if url.get_backend_name() != "sqlite":
        return _fail(
            f"backup copies a SQLite database, not {url.get_backend_name()}: for PostgreSQL use pg_dump (see README)"
        )
    if not url.database or url.database == ":memory:":
        return _fail("DATABASE_URL names no SQLite file to copy")
    source = Path(url.database)
    if not source.is_file():
        return _fail(f"no database at {source.resolve()} (DATABASE_URL, relative to the current folder)")
    if args.file.resolve() == source.resolve():
        return _fail(f"{args.file} is the database itself: give the copy another name")
    if not args.file.resolve().parent.is_dir():
        return _fail(f"the folder {args.file.resolve().parent} does not exist")
    try:
        await asyncio.to_thread(backup_sqlite, source, args.file)
    except (sqlite3.Error, OSError) as exc:
        return _fail(f"backup of {url.database} to {args.file} failed: {exc}")
    print(f"backed up {url.database} to {args.file}")
    return 0


COMMANDS = {"run": _run, "import": _import, "export": _export, "migrate": _migrate, "backup": _backup}
