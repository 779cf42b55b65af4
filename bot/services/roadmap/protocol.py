"""The decisions of a meeting's decisions document (a protocol), read from its text: each numbered
decision followed by «Срок: …» and «Ответственные: …» (on one line or on lines of their own, or at
the end of the decision's text), with what those say as written; a numbered paragraph without them
(an agenda question, a heading) is no decision. Deadlines and owners are read elsewhere
(dates.read_term, the directory search).

A text exported from a paged document repeats the page header at each page break, often in the
middle of a sentence: a line that recurs (but for a decision or a field) is such a header, or a
page number, and goes; the sentence it cut is joined again."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

TERM_LABEL = "Срок"
OWNERS_LABEL = "Ответственные"
TITLE_LIMIT = 150

# «1. …», «2.3. …», «2.3 …»: a decision's number (not «1) …», the points inside one).
_NUMBERED = re.compile(r"(?P<n>\d{1,3}(?:\.\d{1,3})*\.|\d{1,3}(?:\.\d{1,3})+)\s+(?P<text>\S.*)")
_BULLET = re.compile(r"[-–—•*▪·]")
_LABEL = re.compile(
    r"(?<![\w-])(?:(?P<term>сроки?(?:\s+(?:исполнения|выполнения|реализации))?)"
    r"|(?P<owners>ответственн\w*(?:\s+(?:исполнител\w*|за\s+исполнение))?|исполнител\w*))\s*[:–—-]\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;!?]\s*$")
_PAGE_NUMBER = re.compile(r"[-–—\s]*(?:стр\.?|страница|page)?\s*\d{1,3}(?:\s*(?:из|of)\s*\d{1,3})?[-–—\s]*", re.I)
_BLANK = re.compile(r"[\s_.…—–-]*")
_HEADER_LIMIT = 200
_INITIAL = re.compile(r"(?<!\w)\w\.$")
# A sentence ends after a word of three letters or more: «Мовчана С.Н. и» goes on.
_FIRST_SENTENCE = re.compile(r"(?<=[^\W\d_]{3})[.!?](?=\s+[«\"A-ZА-ЯЁ])")


@dataclass(frozen=True)
class Decision:
    number: str  # as the document numbers it: "3", "2.1"
    title: str
    description: str
    term: str  # what «Срок» says ("" when left blank)
    owners: str  # what «Ответственные» says ("" when left blank)


@dataclass
class _Draft:
    number: str
    body: list[str]
    term: list[str] = field(default_factory=list)
    owners: list[str] = field(default_factory=list)
    fields: bool = False
    listing: bool = False  # «Ответственные:» ended its line: a list of owners may follow
    ended: bool = False  # text after the fields is not the decision's (a signature, the next section)


def decisions(text: str) -> list[Decision]:
    """The numbered decisions that have a «Срок» or «Ответственные», in the document's order."""
    found: list[Decision] = []
    current: _Draft | None = None
    for paragraph in _paragraphs(_lines(text)):
        if numbered := _NUMBERED.fullmatch(paragraph):
            if current is not None and current.fields:
                found.append(_decision(current))
            current = _Draft(numbered["n"].rstrip("."), [])
            _add(current, numbered["text"])
        elif current is not None:
            _add(current, paragraph)
    if current is not None and current.fields:
        found.append(_decision(current))
    return found


def _lines(text: str) -> list[str]:
    """The document's lines without running headers and page numbers."""
    lines = [" ".join(line.split()) for line in text.replace("\f", "\n").splitlines()]
    seen = Counter(line.casefold() for line in lines if line)
    return [line for line in lines if line and not _running(line, seen[line.casefold()])]


def _running(line: str, times: int) -> bool:
    if _PAGE_NUMBER.fullmatch(line):
        return True
    return (
        times > 1
        and len(line) <= _HEADER_LIMIT
        and not _NUMBERED.fullmatch(line)
        and not _BULLET.match(line)
        and _first_label(line) is None
    )


def _paragraphs(lines: list[str]) -> list[str]:
    """Lines joined where one goes on with the sentence the one before left open (a page break or a
    hard-wrapped text): it ends without a full stop or a colon and the next begins in lowercase or
    with a number, and the next is no decision, point, field or list item of its own."""
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and _continues(paragraphs[-1], line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    return paragraphs


def _continues(before: str, line: str) -> bool:
    if _SENTENCE_END.search(before) or before.endswith(":"):
        return False
    if _NUMBERED.fullmatch(line) or _BULLET.match(line) or re.match(r"\d{1,3}\)", line):
        return False
    return _first_label(line) != 0 and (line[0].islower() or line[0].isdigit() or line[0] in '«"(')


def _first_label(line: str) -> int | None:
    """Where the first field label of the line begins: at its start or after a full sentence."""
    for label in _LABEL.finditer(line):
        if label.start() == 0 or _SENTENCE_END.search(line[: label.start()]):
            return label.start()
    return None


def _add(draft: _Draft, paragraph: str) -> None:
    """A paragraph of the decision: its text, its fields, or a list of owners under «Ответственные:»."""
    if draft.ended:
        return
    start = _first_label(paragraph)
    if draft.fields and start != 0:
        if draft.listing and _BULLET.match(paragraph):
            draft.owners.append(_BULLET.sub("", paragraph, count=1).strip())
        else:
            draft.ended = True
        return
    if start is None:
        draft.body.append(paragraph)
        return
    if text := paragraph[:start].strip():
        draft.body.append(text)
    draft.fields = True
    labels = list(_LABEL.finditer(paragraph, start))
    for label, after in zip(labels, [*labels[1:], None], strict=True):
        value = paragraph[label.end() : after.start() if after else None].strip()
        (draft.term if label["term"] else draft.owners).append(value)
        draft.listing = label["owners"] is not None and not value


def _decision(draft: _Draft) -> Decision:
    description = ""
    for paragraph in draft.body:
        joint = "\n" if _BULLET.match(paragraph) else "\n\n"
        description = f"{description}{joint}{paragraph}" if description else paragraph
    owners = [value for value in (_value(v) for v in draft.owners) if value]
    return Decision(
        draft.number,
        _title(draft.body[0] if draft.body else ""),
        description,
        " ".join(value for value in (_value(v) for v in draft.term) if value),
        "; ".join(owners),
    )


def _value(text: str) -> str:
    """A field as written, without the blank to fill in («_____») and the closing punctuation (an
    initial's dot stays: «Петров П.»)."""
    if _BLANK.fullmatch(text):
        return ""
    value = text.strip(" _;,")
    return value[:-1].rstrip() if value.endswith(".") and not _INITIAL.search(value) else value


def _title(first: str) -> str:
    """The decision's first sentence (up to a colon that opens a list), at most TITLE_LIMIT long."""
    title = _before_colon(first)
    if end := _FIRST_SENTENCE.search(title):
        title = title[: end.start()]
    title = title.strip(" .;,")
    if len(title) <= TITLE_LIMIT:
        return title
    cut = title.rfind(" ", 0, TITLE_LIMIT - 1)
    return title[: cut if cut > TITLE_LIMIT // 2 else TITLE_LIMIT - 1].rstrip(" ,.;:—-") + "…"


def _before_colon(text: str) -> str:
    """The text up to its first colon outside «quotes» (one inside is part of a name)."""
    depth = 0
    for at, char in enumerate(text):
        depth += (char == "«") - (char == "»")
        if char == ":" and depth <= 0:
            return text[:at]
    return text
