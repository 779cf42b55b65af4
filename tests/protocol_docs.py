"""Decisions documents the protocol import tests send: a .docx made here with python-docx, as a
secretariat writes one (a running header exported into the text, a page break in a sentence,
deadlines in several forms, owners named as the directory has them or not at all), and the seed."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

# The seed ../shared/seeds/000_a3cee06ab6080fbd.txt as it is, page headers and all.
SEED = Path(__file__).resolve().parent / "data" / "decisions_seed.txt"
HEADER = "Санкт-Петербургский кластер чистых технологий для городской среды"
NAME = "Решения Совета 15.11.2026.docx"
# Numbered as the document does; decision 1 has no fields (it is no decision of the roadmap).
DECISIONS = [
    (
        "2",
        "Подготовить перечень инновационной продукции членов Кластера для закупок Санкт-Петербурга.",
        "Срок: до 01.03.2027",
        "Ответственные: НП «Городское объединение домовладельцев», Блинов И.А.",
    ),
    (
        "3",
        "Провести презентацию Зеленого дня Форума на международных площадках.",
        "Срок: I квартал 2027",
        "Ответственные: Технопарк Санкт-Петербурга",
    ),
    ("4", "Обновлять реестр участников Кластера.", "Срок: ежегодно", "Ответственные: Кузьменко С.В."),
    (
        "5",
        "Подготовить отчёт о работе Кластера за 2026 год.",
        "Срок: в течение 2027 года",
        "Ответственные: Правительство Санкт-Петербурга; Комитет по развитию туризма",
    ),
    (
        "6",
        "Разработать программу работы Кластера на 2027-2028 годы",
        "Срок: до конца 2027 года",
        "Ответственные: Питиримов Н.В., НП «Городское объединение домовладельцев»",
    ),
]


def decisions_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph(HEADER)
    document.add_paragraph("РЕШЕНИЯ")
    document.add_paragraph("заседания Совета Кластера 15 ноября 2026 года")
    document.add_paragraph("1. Принять к сведению информацию секретариата о работе Кластера в 2026 году.")
    for number, text, term, owners in DECISIONS:
        if number == "6":  # the page breaks in the middle of its sentence; the header is repeated
            document.add_paragraph(f"{number}. {text.split(' на ')[0]} на").add_run().add_break(WD_BREAK.PAGE)
            document.add_paragraph(HEADER)
            document.add_paragraph(text.split(" на ", 1)[1] + ".")
        else:
            document.add_paragraph(f"{number}. {text}")
        document.add_paragraph(term)
        document.add_paragraph(owners)
    document.add_paragraph(HEADER)
    document.add_paragraph("Секретарь Совета Кластера")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_text() -> bytes:
    return SEED.read_bytes()
