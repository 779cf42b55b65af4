"""`clusterbot` console script: run the bot, import/export the dataset, migrate the schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from bot.settings import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="clusterbot",
        description="Coordination bot of the Saint-Petersburg Cleantech Cluster. "
        "Configuration comes from the environment or a .env file (see README).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot", description="Run the bot: long polling, or a webhook when "
                        "WEBHOOK_URL is set. "
                        "Creates or upgrades the database and loads the bundled dataset into an empty one.")
    importer = commands.add_parser("import", help="validate and import a dataset file",
                                   description="Validate a dataset YAML file and import it (idempotent).")
    importer.add_argument("file", type=Path, help="dataset YAML, e.g. data/cluster.yaml")
    importer.add_argument("--check", action="store_true", help="only validate, change nothing")
    exporter = commands.add_parser("export", help="export the directory as a dataset file",
                                   description="Write the directory in the dataset format ('-' for stdout).")
    exporter.add_argument("file", help="output path, or - for standard output")
    commands.add_parser("migrate", help="create or upgrade the database schema",
                        description="Apply pending schema migrations and exit.")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])).upper()
        return _fail(f"configuration: {where + ': ' if where else ''}{first['msg']}")
    try:
        return asyncio.run(COMMANDS[args.command](settings, args))
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    print(f"clusterbot: {message}", file=sys.stderr)
    return 2


async def _run(settings: Settings, _args: argparse.Namespace) -> int:
    from bot.app import create_app, run_polling

    if problem := settings.token_problem():
        return _fail(problem)
    app = await create_app(settings)
    await run_polling(app)
    return 0


async def _import(settings: Settings, args: argparse.Namespace) -> int:
    from bot.app import open_database
    from bot.services.dataset import DatasetError, import_dataset, load_dataset

    try:
        dataset = load_dataset(args.file)
    except DatasetError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return _fail(f"{len(exc.problems)} problem(s) in {args.file}; nothing imported")
    if args.check:
        print(f"{args.file}: valid")
        return 0
    database = await open_database(settings, load_bundled=False)
    try:
        async with database.sessions.begin() as session:
            report = await import_dataset(session, dataset)
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
    from bot.services.dataset import dump_yaml, export_dataset

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


COMMANDS = {"run": _run, "import": _import, "export": _export, "migrate": _migrate}
