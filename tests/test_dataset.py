"""The dataset file: validation with locations, idempotent import, export round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.directory.dataset import (
    DatasetError,
    dump_yaml,
    export_dataset,
    import_dataset,
    load_dataset,
    read_dataset,
)
from bot.settings import BUNDLED_DATASET
from models import Organisation, Person, Project, ProjectPartner, RoadmapItem


def test_bundled_dataset_is_faithful_to_the_seeds() -> None:
    data = load_dataset(BUNDLED_DATASET)
    titles = {p.title for p in data.projects}
    for title in (
        "Эффективный свет",
        "Теплый город",
        "ЭКОЛЕНД",
        "Резервное тепло из отходов",
        "AREA 21",
        "CITIES.MULTIMODAL",
        "BSR ELECTRIC",
        "Кластер Устойчивого развития 2030",
    ):
        assert any(title.lower() in t.lower() for t in titles), title
    assert {p.kind for p in data.projects} == {"city_cluster", "international", "initiative", "flagship"}
    assert {"RU", "FI", "NO", "DK", "JP"} <= {o.country for o in data.organisations}
    assert [i.number for i in data.roadmap] == list(range(1, 9))
    assert all(i.deadline is None and not i.owners for i in data.roadmap)
    assert any(phone == "+78125217765" for p in data.people for phone in p.phones), "in E.164"
    assert read_dataset(BUNDLED_DATASET).kept == [], "every contact of the passport is read"


def test_every_organisation_and_project_has_an_english_name() -> None:
    """English readers see name_en / title_en; without one they would read the Russian name."""
    data = load_dataset(BUNDLED_DATASET)
    assert [o.key for o in data.organisations if not (o.name_en or "").strip()] == []
    assert [p.key for p in data.projects if not (p.title_en or "").strip()] == []


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_every_problem_is_reported_with_its_location(tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED_DATASET.read_text(encoding="utf-8"))
    data["projects"][0]["leader"] = "no-such-org"
    data["projects"][1]["kind"] = "spaceship"
    data["people"][1]["key"] = data["people"][0]["key"]
    data["organisations"][2]["country"] = "Russia"
    with pytest.raises(DatasetError) as caught:
        load_dataset(_write(tmp_path, data))
    text = str(caught.value)
    assert "projects[1].kind" in text and "organisations[2].country" in text
    # reference problems are found once the shape is right
    data["projects"][1]["kind"] = "initiative"
    data["organisations"][2]["country"] = "RU"
    with pytest.raises(DatasetError) as caught:
        load_dataset(_write(tmp_path, data))
    problems = caught.value.problems
    assert any("projects[0].leader" in p.location and "no-such-org" in p.message for p in problems)
    assert any("people[1].key" in p.location and "duplicate" in p.message for p in problems)
    assert all(":" in p.location.split(" ")[0] for p in problems), "each location names a line"


@pytest.mark.parametrize("content", ["", "- just\n- a list\n", "cluster: [unclosed\n", "\x00"])
def test_broken_files_are_refused(tmp_path: Path, content: str) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError):
        load_dataset(path)


async def test_import_twice_changes_nothing(session: AsyncSession) -> None:
    counts = [
        await session.scalar(select(func.count()).select_from(m))
        for m in (Organisation, Person, Project, ProjectPartner, RoadmapItem)
    ]
    report = await import_dataset(session, load_dataset(BUNDLED_DATASET))
    assert not report.changed, (report.created, report.updated)
    after = [
        await session.scalar(select(func.count()).select_from(m))
        for m in (Organisation, Person, Project, ProjectPartner, RoadmapItem)
    ]
    assert counts == after and all(counts[:3])


async def test_export_round_trips(session: AsyncSession, tmp_path: Path) -> None:
    exported = tmp_path / "export.yaml"
    exported.write_text(dump_yaml(await export_dataset(session)), encoding="utf-8")
    again = load_dataset(exported)
    original = load_dataset(BUNDLED_DATASET)
    assert again.model_dump() == original.model_dump()


async def test_import_updates_what_changed(session: AsyncSession, tmp_path: Path) -> None:
    data = yaml.safe_load(BUNDLED_DATASET.read_text(encoding="utf-8"))
    data["projects"][0]["budget"] = "1 евро"
    report = await import_dataset(session, load_dataset(_write(tmp_path, data)))
    assert report.updated == {"projects": 1} and not report.created
