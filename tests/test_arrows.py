"""Imports run one way: handlers and the scheduler use services and models; services and models
know nothing above them (nor aiogram); the scheduler imports no handlers; only the CLI imports the
wiring."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imports(package: str) -> Iterator[tuple[str, str]]:
    """(file, imported module) for every import in the package, nested ones included."""
    for path in sorted(ROOT.glob(f"{package}/**/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                yield str(path.relative_to(ROOT)), node.module
            elif isinstance(node, ast.Import):
                yield from ((str(path.relative_to(ROOT)), alias.name) for alias in node.names)


def under(module: str, *prefixes: str) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("bot/services", ("aiogram", "handlers", "scheduler", "bot.app", "bot.runtime", "bot.middlewares")),
        # A data migration may read values as the services do (0015 normalises phones with the very
        # rules of an import), nothing else above.
        ("models", ("aiogram", "handlers", "scheduler", "bot.app", "bot.runtime", "bot.middlewares")),
        ("scheduler", ("handlers", "bot.app")),
    ],
)
def test_nothing_below_imports_what_is_above(package: str, forbidden: tuple[str, ...]) -> None:
    found = [(path, module) for path, module in imports(package) if under(module, *forbidden)]
    assert len(list(imports(package))) > 10
    assert found == []


def test_only_the_cli_imports_the_wiring() -> None:
    found = {
        path
        for package in ("bot", "handlers", "scheduler", "models")
        for path, module in imports(package)
        if under(module, "bot.app")
    }
    assert found == {"bot/cli.py"}
