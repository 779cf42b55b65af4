"""The bot as an operator gets it: a wheel installed into a fresh environment and run from another
folder; and what `clusterbot` says when what the settings point to cannot be used."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.cli import main
from tests.emulator import BotAPIEmulator
from tests.steps import GUEST

ROOT = Path(__file__).resolve().parents[1]
# What the bot reads at run time besides its modules; every one must be in the wheel.
RUNTIME_FILES = (
    "bot/locales/*/*.yaml",
    "models/migrations/env.py",
    "models/migrations/versions/*.py",
    "data/cluster.yaml",
)
PACKAGES = ("bot", "handlers", "models", "scheduler", "data")


def build_wheel(tmp: Path) -> Path:
    """From a copy of the project as a clean checkout has it (no build/ left over from earlier)."""
    source = tmp / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "tests", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "*.db", ".env"
        ),
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-w",
            str(tmp / "dist"),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    [wheel] = (tmp / "dist").glob("*.whl")
    return wheel


def install(wheel: Path, tmp: Path) -> Path:
    """A fresh environment holding the wheel; its dependencies are borrowed from the suite's
    environment (a path in a .pth file: the suite's own editable install of the bot is not taken
    along, as that environment's .pth files are not read)."""
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    [packages] = venv.glob("lib/python*/site-packages")
    (packages / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    return venv


async def test_the_wheel_runs_from_any_folder(tmp_path: Path, emulator: BotAPIEmulator) -> None:
    wheel = await asyncio.to_thread(build_wheel, tmp_path)
    inside = set(zipfile.ZipFile(wheel).namelist())
    needed = {path.relative_to(ROOT).as_posix() for pattern in RUNTIME_FILES for path in ROOT.glob(pattern)}
    needed |= {path.relative_to(ROOT).as_posix() for package in PACKAGES for path in (ROOT / package).rglob("*.py")}
    assert not needed - inside, f"missing from the wheel: {sorted(needed - inside)}"

    venv = await asyncio.to_thread(install, wheel, tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "BOT_TOKEN": emulator.token,
        "TELEGRAM_API_URL": emulator.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{elsewhere / 'bot.db'}",
        "HTTP_PORT": "0",
    }
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import bot, data; print(bot.__file__, data.__file__)"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.count(str(venv)) == 2, where.stdout  # the wheel's copy, not this checkout

    process = await asyncio.create_subprocess_exec(
        venv / "bin" / "clusterbot",
        "run",
        cwd=elsewhere,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        # migrated, the bundled dataset loaded, Russian texts: a guest finds a project's card
        emulator.send_message(GUEST, "Эффективный свет")
        card = await emulator.wait_for("sendMessage", chat_id=GUEST.id, timeout=60)
        assert "Эффективный свет" in card.text
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        try:
            output = (await asyncio.wait_for(process.communicate(), 30))[0].decode()
        except TimeoutError:
            process.kill()  # a stop that hangs fails the test, and leaves no bot polling for ever
            output = (await process.communicate())[0].decode() + "\n(killed: SIGTERM did not stop it in 30 s)"
    assert process.returncode == 0 and "Traceback" not in output, output
    assert "loaded the bundled dataset" in output


@pytest.mark.parametrize(
    ("setting", "value", "said"),
    [
        ("DATASET_PATH", "{tmp}/missing.yaml", "dataset {tmp}/missing.yaml: No such file or directory"),
        ("DATASET_PATH", "{readme}", "not valid YAML"),
        ("DATABASE_URL", "postgresql+asyncpg://bot:secret@127.0.0.1:1/bot", "database postgresql+asyncpg://bot:***@"),
        (
            "DATABASE_URL",
            "sqlite+aiosqlite:///{tmp}/no/such/folder/bot.db",
            "the folder {tmp}/no/such/folder does not exist",
        ),
        ("DATABASE_URL", "sqlite:///{tmp}/bot.db", "DATABASE_URL cannot be used"),
        ("DATABASE_URL", "clusterbot.db", "DATABASE_URL cannot be used"),
        ("REDIS_URL", "redis://:secret@127.0.0.1:1/6", "REDIS_URL redis://127.0.0.1:1/6: "),
    ],
)
def test_what_cannot_be_used_is_one_line_and_an_exit(
    setting: str,
    value: str,
    said: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def fill(text: str) -> str:
        return text.format(tmp=tmp_path, readme=ROOT / "README.md")

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/bot.db")
    monkeypatch.setenv("BOT_TOKEN", "7000000001:AAE-emulator-test-token-0123456789abcdef")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:1")  # never reached: the start stops before
    monkeypatch.setenv("HTTP_PORT", "0")
    monkeypatch.setenv(setting, fill(value))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fill(said) in err and "secret" not in err, err
