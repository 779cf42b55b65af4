"""`clusterbot backup`: a consistent copy of the SQLite database while it is being written."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.cli import main
from tests.steps import sqlite_url

BATCH = 10


def test_backup_while_a_writer_writes_is_a_consistent_copy(
    tmp_path: Path, template_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "bot.db"
    shutil.copy(template_db, live)
    writer = sqlite3.connect(live, check_same_thread=False)
    writer.execute("PRAGMA journal_mode=WAL")  # as the bot's connections have it
    writer.execute("CREATE TABLE writes (batch INTEGER, n INTEGER)")
    writer.commit()
    committed, stop, started = [0], threading.Event(), threading.Event()

    def write() -> None:
        """Batches of BATCH rows, each batch one transaction, until told to stop."""
        while not stop.is_set():
            with writer:
                writer.executemany("INSERT INTO writes VALUES (?, ?)", [(committed[0], n) for n in range(BATCH)])
            committed[0] += 1
            if committed[0] == 20:
                started.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert started.wait(30)
        before = committed[0]
        monkeypatch.setenv("DATABASE_URL", sqlite_url(live))
        assert main(["backup", str(tmp_path / "copy.db")]) == 0
        after = committed[0]
    finally:
        stop.set()
        thread.join()
        writer.close()
    assert after > before, "the writer was writing during the backup"

    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rows, batches = copy.execute("SELECT count(*), count(DISTINCT batch) FROM writes").fetchone()
    assert rows == batches * BATCH and before <= batches <= after  # whole transactions, none torn
    original = sqlite3.connect(template_db)
    for table in ("organisations", "people", "projects", "roadmap_items"):
        query = f"SELECT count(*) FROM {table}"
        assert copy.execute(query).fetchone() == original.execute(query).fetchone()
    original.close()
    copy.close()


def test_backup_refuses_postgresql_with_a_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://bot:secret@db.example/cluster")
    assert main(["backup", str(tmp_path / "copy.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "pg_dump" in err and "secret" not in err
    assert not (tmp_path / "copy.db").exists()


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("copy.db", "no database at"),  # the default DATABASE_URL in a folder without one
        ("clusterbot.db", "is the database itself"),
        ("no/such/folder/copy.db", "does not exist"),
    ],
)
def test_backup_says_what_is_wrong_in_one_line(
    target: str, said: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    if said != "no database at":
        sqlite3.connect(tmp_path / "clusterbot.db").close()
    assert main(["backup", target]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err, err
