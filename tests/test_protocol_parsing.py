"""Decisions read from a meeting's document: the seed's eight as the dataset has them, deadlines in
the forms documents write, a .docx (typed and Word's own numbers, a table), plain text and Markdown,
and the files that cannot be read."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import docx
import pytest
import yaml

from bot.services.dates import DateProblem, read_term
from bot.services.roadmap import documents
from bot.services.roadmap.documents import DocumentProblem, read_document
from bot.services.roadmap.protocol import decisions
from bot.settings import BUNDLED_DATASET
from tests.protocol_docs import HEADER, NAME, decisions_docx, seed_text

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
TODAY = NOW.astimezone(MSK).date()


def test_the_seed_has_the_eight_decisions_of_the_dataset() -> None:
    text = read_document("decisions.txt", seed_text())
    assert text.count(HEADER) == 4  # atop the first page and each next one, twice in a sentence
    found = decisions(text)
    dataset = yaml.safe_load(BUNDLED_DATASET.read_text(encoding="utf-8"))["roadmap"]
    assert [d.number for d in found] == [str(item["number"]) for item in dataset] == list("12345678")
    assert [(d.term, d.owners) for d in found] == [("", "")] * 8  # «Срок: _____ Ответственные: _____»
    # The same texts, a sentence cut by a page break and its repeated header joined again.
    assert [d.description for d in found] == [item["description"] for item in dataset]
    for decision in found:
        assert HEADER not in decision.title and HEADER not in decision.description
        assert 0 < len(decision.title) <= 150
    assert (
        found[2].title
        == "Разработать и принять с учетом опыта Москвы региональный нормативно-правовой акт Санкт-Петербурга"
    )
    assert "(с изменениями на 27 октября 2016 года)" in found[1].description
    assert "Оказать в 2017-2020 годах" in found[6].description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("до 01.03.2027", date(2027, 3, 1)),
        ("01.03.2027", date(2027, 3, 1)),
        ("не позднее 1 марта 2027 г.", date(2027, 3, 1)),
        ("I квартал 2027", date(2027, 3, 31)),
        ("1 кв. 2027 г.", date(2027, 3, 31)),
        ("во II квартале 2027 года", date(2027, 6, 30)),
        ("IV квартал", date(2026, 12, 31)),  # the current one
        ("III квартал", date(2027, 9, 30)),  # the next one
        ("II полугодие 2027", date(2027, 12, 31)),
        ("в течение 2027 года", date(2027, 12, 31)),
        ("до конца 2027 года", date(2027, 12, 31)),
        ("2027 год", date(2027, 12, 31)),
        ("в 2017-2020 годах", date(2020, 12, 31)),
        ("март 2027", date(2027, 3, 31)),
        ("в марте 2027 года", date(2027, 3, 31)),
        ("до марта 2027", date(2027, 3, 1)),
        ("до конца года", date(2026, 12, 31)),
        ("ежегодно", date(2026, 12, 31)),
        ("ежегодно до 1 марта", date(2027, 3, 1)),
        ("ежеквартально", date(2026, 12, 31)),
        ("в течение 30 дней", date(2026, 12, 23)),
        ("в течение месяца", date(2026, 12, 23)),
        ("15 декабря", date(2026, 12, 15)),
    ],
)
def test_deadlines_as_documents_write_them(text: str, expected: date) -> None:
    assert read_term(text, TODAY)[0] == expected


@pytest.mark.parametrize(
    ("text", "reason"), [("постоянно", "format"), ("V квартал 2027", "format"), ("31.02.2027", "invalid")]
)
def test_deadlines_that_are_not(text: str, reason: str) -> None:
    with pytest.raises(DateProblem) as problem:
        read_term(text, TODAY)
    assert problem.value.reason == reason


def test_a_docx_with_its_fields_numbers_and_tables() -> None:
    found = decisions(read_document(NAME, decisions_docx()))
    assert [(d.number, d.term) for d in found] == [
        ("2", "до 01.03.2027"),
        ("3", "I квартал 2027"),
        ("4", "ежегодно"),
        ("5", "в течение 2027 года"),
        ("6", "до конца 2027 года"),
    ]
    assert found[0].owners == "НП «Городское объединение домовладельцев», Блинов И.А."
    assert found[4].description == "Разработать программу работы Кластера на 2027-2028 годы."

    document = docx.Document()
    document.add_paragraph("Провести форум", style="List Number")  # Word numbers it, the text has no «1.»
    document.add_paragraph("Срок: март 2027 Ответственные: Технопарк")
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["№", "Мероприятие", "Срок исполнения", "Ответственные"], strict=True):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, ["2.", "Обновить сайт", "ежегодно", "Секретариат\nТехнопарк"], strict=True
    ):
        cell.text = text
    out = io.BytesIO()
    document.save(out)
    found = decisions(read_document("plan.docx", out.getvalue()))
    assert [(d.number, d.title, d.term, d.owners) for d in found] == [
        ("1", "Провести форум", "март 2027", "Технопарк"),
        ("2", "Обновить сайт", "ежегодно", "Секретариат; Технопарк"),
    ]


def test_plain_and_markdown_texts() -> None:
    text = (
        "# Решения\n\n**1.** Подготовить предложения по\nсубсидиям для членов Кластера.\n"
        "**Срок:** до 01.03.2027\n**Ответственные:**\n- Технопарк\n- Кузьменко С.В.\n\n— 2 —\n\n"
        "2. Провести семинар. Срок — IV квартал 2026. Ответственный — Питиримов Н.В.\n\nСекретарь\n"
    )
    found = decisions(read_document("r.md", text.encode("cp1251")))
    assert [(d.number, d.description, d.term, d.owners) for d in found] == [
        (
            "1",
            "Подготовить предложения по субсидиям для членов Кластера.",
            "до 01.03.2027",
            "Технопарк; Кузьменко С.В.",
        ),
        ("2", "Провести семинар.", "IV квартал 2026", "Питиримов Н.В."),
    ]
    assert decisions(read_document("notes.txt", "Повестка дня\n1. О работе Кластера\n2. Разное".encode())) == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.pdf", b"%PDF-1.4", "format"),
        ("decisions.docx", b"PK\x03\x04 not really a zip", "broken"),
        ("decisions.docx", b"plain text, not a docx", "broken"),
        ("decisions.txt", b"\x00\x01\x02 binary", "broken"),
        ("decisions.txt", b"x" * (documents.MAX_BYTES + 1), "too_large"),
    ],
)
def test_documents_that_cannot_be_read(name: str, content: bytes, reason: str) -> None:
    with pytest.raises(DocumentProblem) as problem:
        read_document(name, content)
    assert problem.value.reason == reason


def test_a_docx_that_unpacks_to_too_much_is_not_read() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("word/document.xml", b" " * (documents.MAX_UNPACKED + 1))
    assert len(out.getvalue()) < documents.MAX_BYTES
    with pytest.raises(DocumentProblem):
        read_document("bomb.docx", out.getvalue())
