"""What a query asks to know about one card: its budget, partners, leader, contacts, phone,
e-mail, goal, results or dates («какой бюджет у SmartUp Accelerator», «телефон Захаровой», "who
are the partners of Effective Light"), and the rest of the query, which names the card.

Table-driven: each field's phrases in Russian and English, folded to word keys by the search's own
text normalisation, so any form of each word matches (партнёры, партнеров, partners)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.services.text_norm import fold_case, keys, word_key

PROJECT = frozenset({"project"})
ANY_CARD = frozenset({"project", "organisation", "person"})
# A word as the search reads it (text_norm.WORD after fold_case), found in the query as typed so
# that the rest keeps its capitals: a name stays a name («Галина Захарова»).
_WORD = re.compile(r"[0-9a-zа-яё]+", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    name: str
    kinds: frozenset[str]  # the kinds of card that hold it
    phrases: tuple[str, ...]  # what asks for it, Russian and English; any form of each word


FIELDS = (
    Field(
        "budget",
        PROJECT,
        ("бюджет", "стоимость", "сколько стоит", "сколько стоил", "цена", "budget", "cost", "price", "how much"),
    ),
    Field(
        "partners",
        PROJECT,
        ("партнёры", "участники", "кто участвует", "участвует", "partners", "participants", "who takes part"),
    ),
    Field(
        "leader",
        PROJECT,
        (
            "лидер",
            "руководитель",
            "руководит",
            "возглавляет",
            "ведёт",
            "координатор",
            "leader",
            "leads",
            "led by",
            "runs",
            "head",
            "coordinator",
        ),
    ),
    Field("phone", ANY_CARD, ("телефон", "номер телефона", "позвонить", "phone", "telephone", "phone number")),
    Field(
        "email",
        ANY_CARD,
        (
            "почта",
            "электронная почта",
            "адрес почты",
            "адрес электронной почты",
            "e-mail",
            "email",
            "емейл",
            "имейл",
            "мейл",
            "email address",
            "e-mail address",
        ),
    ),
    Field(
        "contacts",
        ANY_CARD,
        (
            "контакты",
            "контактное лицо",
            "контактные данные",
            "связаться",  # not «связь»: its stem is that of «связям» (Комитет по внешним связям)
            "contacts",
            "contact details",
            "contact person",
            "how to reach",
            "reach",
        ),
    ),
    Field(
        "goal",
        PROJECT,
        ("цель", "зачем", "зачем нужен", "для чего", "для чего нужен", "goal", "aim", "objective", "purpose"),
    ),
    Field(
        "results",
        PROJECT,
        ("результаты", "итоги", "достижения", "чего достиг", "results", "outcomes", "achievements"),
    ),
    Field(
        "period",
        PROJECT,
        (
            "когда",
            "сроки",
            "период",
            "даты",
            "продолжительность",
            "начался",
            "начнётся",
            "начинается",
            "начало",
            "закончился",
            "закончится",
            "заканчивается",
            "окончание",
            "завершился",
            "завершится",
            "завершение",
            "стартовал",
            "when",
            "period",
            "dates",
            "start date",
            "end date",
            "start",
            "started",
            "starts",
            "end",
            "ended",
            "ends",  # not "finish(ed)": its stem is that of "Finnish"
            "began",
            "begin",
            "duration",
            "timeline",
            "how long",
        ),
    ),
)
KINDS = {field.name: field.kinds for field in FIELDS}
CONTACT_FIELDS = frozenset({"phone", "email", "contacts"})
# Words that only carry an English question ("when did … start"), dropped with the field's words.
_FILLER = frozenset(word_key(word) for word in ("did", "do", "was", "were", "will", "has", "have", "had"))


def _keys(phrase: str) -> tuple[str, ...]:
    return tuple(word_key(word) for word in _WORD.findall(fold_case(phrase)))


def _phrase_table() -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """Each phrase as word keys with its field, by its first key, longest first: «номер
    телефона» is matched whole before a shorter phrase that begins alike."""
    table: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for field in FIELDS:
        for phrase in field.phrases:
            words = _keys(phrase)
            table.setdefault(words[0], []).append((words, field.name))
    for options in table.values():
        options.sort(key=lambda option: -len(option[0]))
    return table


_PHRASES = _phrase_table()


@dataclass(frozen=True)
class Question:
    field: str  # a name in FIELDS
    subject: str  # the rest of the query, as typed: what it asks about


def question(query: str) -> Question | None:
    """The field a query asks for and the words left to find the card by; None when it names
    no field, or nothing but fields («телефон», «бюджет»: see search.field_alone)."""
    found = asked(query)
    return found if found is not None and found.subject else None


def asked(query: str) -> Question | None:
    """The field asked and the rest of the query ("" when nothing is left of it)."""
    spans = [(match.start(), match.end(), word_key(fold_case(match.group()))) for match in _WORD.finditer(query)]
    query_keys = [key for _, _, key in spans]
    asked: list[str] = []
    cut: list[tuple[int, int]] = []  # where the field's words are, and the filler
    at = 0
    while at < len(query_keys):
        size, name = next(
            (
                (len(words), name)
                for words, name in _PHRASES.get(query_keys[at], ())
                if tuple(query_keys[at : at + len(words)]) == words
            ),
            (1, ""),
        )
        if name:
            asked.append(name)
            cut.append((spans[at][0], spans[at + size - 1][1]))
        elif query_keys[at] in _FILLER:
            cut.append(spans[at][:2])
        at += size
    if not asked:
        return None
    subject = query
    for start, end in reversed(cut):
        subject = subject[:start] + " " + subject[end:]
    subject = " ".join(subject.split()) if keys(subject) else ""
    # «телефон и почта Блинова»: several ways to reach someone are their contacts.
    field = "contacts" if len(CONTACT_FIELDS.intersection(asked)) > 1 else asked[0]
    return Question(field, subject)
