"""The scheduler's job picks up directory changes made elsewhere (another instance, an import)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.services.directory.dataset import import_dataset, load_dataset
from bot.settings import BUNDLED_DATASET
from models import Project
from scheduler import create_scheduler
from scheduler.jobs import refresh_search_index
from tests.emulator import BotAPIEmulator
from tests.harness import RunningBot
from tests.steps import GUEST, last_text


async def test_refresh_job_rebuilds_after_an_import_elsewhere(
    bot: RunningBot, emulator: BotAPIEmulator, tmp_path: Path
) -> None:
    app = bot.app
    assert [job.id for job in create_scheduler(app).get_jobs()] == ["refresh_search_index", "tick"]
    data = load_dataset(BUNDLED_DATASET)
    renamed = next(p for p in data.projects if p.key == "effektivny-svet")
    renamed.title = "Светлая парадная"
    async with app.database.sessions.begin() as session:  # as another instance would
        await import_dataset(session, data)
    await refresh_search_index(app)
    async with app.database.sessions() as session:
        assert not await app.search.refresh(session), "the job already rebuilt the index"
        project = await session.scalar(select(Project).where(Project.key == "effektivny-svet"))
    assert project is not None and project.title == "Светлая парадная"
    assert "Светлая парадная" in last_text(await emulator.ask(GUEST, "светлая парадная"))
