"""The text of a document the secretariat sends (a meeting's decisions): .docx through python-docx,
.txt and .md as they are. One line a paragraph, as a reader sees them: Word's automatic numbers
written out («3. …»), a table of decisions with «Срок» and «Ответственные» columns turned into
the lines a typed document has. What the lines mean is protocol.py's job."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from bot.services.roadmap.protocol import OWNERS_LABEL, TERM_LABEL

FORMATS = (".docx", ".txt", ".md")
# What the secretariat may send: a protocol is a few pages; a .docx with pictures stays far below.
MAX_BYTES = 5 * 1024 * 1024
# A .docx is a zip: what it unpacks to is bounded too, so that a small file cannot fill the memory.
MAX_UNPACKED = 50 * 1024 * 1024
_ENCODINGS = ("utf-8-sig", "cp1251")
_MARKDOWN = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?)|\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)|\\(?=[.\-*_#()])")
_TERM_HEAD = re.compile(r"срок", re.IGNORECASE)
_OWNERS_HEAD = re.compile(r"ответствен|исполнител", re.IGNORECASE)
_NUMBER_CELL = re.compile(r"\d{1,3}(?:\.\d{1,3})*\.?")


class DocumentProblem(ValueError):
    """reason: format (not a .docx, .txt or .md), too_large (over MAX_BYTES), broken (cannot be read
    as what its name says)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def check(name: str, size: int) -> None:
    """Whether a file of this name and size may be read (before it is downloaded)."""
    if PurePath(name.lower()).suffix not in FORMATS:
        raise DocumentProblem("format")
    if size > MAX_BYTES:
        raise DocumentProblem("too_large")


def read_document(name: str, content: bytes) -> str:
    """The document's text, a paragraph a line."""
    check(name, len(content))
    suffix = PurePath(name.lower()).suffix
    if suffix == ".docx":
        return "\n".join(_docx_lines(content))
    text = _decoded(content)
    return "\n".join(_MARKDOWN.sub("", line) for line in text.splitlines()) if suffix == ".md" else text


def _decoded(content: bytes) -> str:
    if b"\x00" in content:  # a binary file named .txt
        raise DocumentProblem("broken")
    for encoding in _ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DocumentProblem("broken")


def _docx_lines(content: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as packed:
            if sum(info.file_size for info in packed.infolist()) > MAX_UNPACKED:
                raise DocumentProblem("broken")
        document = docx.Document(io.BytesIO(content))
        number = _numbering(document)
        return list(_lines(document.iter_inner_content(), number))
    except DocumentProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file makes the reader raise, it is "broken"
        raise DocumentProblem("broken") from exc


def _lines(blocks: Iterator[Paragraph | Table], number: Callable[[Paragraph], str]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph):
            yield number(block) + block.text
        else:
            yield from _table_lines(block, number)


def _table_lines(table: Table, number: Callable[[Paragraph], str]) -> Iterator[str]:
    """A table of decisions (a header with «Срок» and «Ответственные» columns) as «N. text» with
    the fields under it; any other table cell by cell."""
    rows = [_cells(row.cells) for row in table.rows]
    header = rows[0] if rows else []
    term = next((i for i, cell in enumerate(header) if _TERM_HEAD.search(cell.text)), None)
    owners = next((i for i, cell in enumerate(header) if _OWNERS_HEAD.search(cell.text)), None)
    if term is None and owners is None:
        for row in rows:
            for cell in row:
                yield from _lines(cell.iter_inner_content(), number)
        return
    for place, row in enumerate(rows[1:], start=1):
        texts = [cell.text.strip() for cell in row]
        label = next((text.rstrip(".") for text in texts if _NUMBER_CELL.fullmatch(text)), str(place))
        body = [
            line
            for i, text in enumerate(texts)
            if i not in (term, owners) and not _NUMBER_CELL.fullmatch(text)
            for line in text.splitlines()
            if line.strip()
        ]
        if not body:
            continue
        yield f"{label}. {body[0]}"
        yield from body[1:]
        if term is not None and term < len(texts):
            yield f"{TERM_LABEL}: {' '.join(texts[term].split())}"
        if owners is not None and owners < len(texts):
            yield f"{OWNERS_LABEL}: {'; '.join(texts[owners].splitlines())}"


def _cells(cells: list[_Cell]) -> list[_Cell]:
    """A row's cells, a merged cell once (python-docx repeats it for every column it spans)."""
    unique: list[_Cell] = []
    for cell in cells:
        if not unique or cell._tc is not unique[-1]._tc:
            unique.append(cell)
    return unique


def _numbering(document: Document) -> Callable[[Paragraph], str]:
    """What Word shows before an automatically numbered paragraph: «3. » for a decimal list (with
    the levels above: «2.1. »), «- » for a bullet or letters; "" for a paragraph of no list."""
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return lambda paragraph: ""
    counters: dict[str, list[int]] = {}

    def prefix(paragraph: Paragraph) -> str:
        found = _list_of(paragraph)
        if found is None:
            return ""
        num_id, level = found
        abstract = numbering.xpath(f'w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        levels = numbering.xpath(f'w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl') if abstract else []
        if level >= len(levels):
            return ""
        if _value(levels[level], "w:numFmt", "decimal") != "decimal":
            return "- "
        count = counters.setdefault(num_id, [0] * 9)
        starts = [int(_value(lvl, "w:start", "1")) for lvl in levels]
        count[level] = count[level] + 1 if count[level] else starts[level]
        for deeper in range(level + 1, len(count)):
            count[deeper] = 0
        template = _value(levels[level], "w:lvlText", f"%{level + 1}.")
        shown = re.sub(r"%(\d)", lambda m: str(count[int(m[1]) - 1] or starts[int(m[1]) - 1]), template)
        return shown + " "

    return prefix


def _list_of(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, level) of the list a paragraph is in, directly or through its style's."""
    elements = [paragraph._p]
    style = paragraph.style
    while style is not None:
        elements.append(style.element)
        style = style.base_style
    for element in elements:
        num_id = element.xpath("w:pPr/w:numPr/w:numId/@w:val")
        if num_id:
            level = element.xpath("w:pPr/w:numPr/w:ilvl/@w:val")
            return (num_id[0], int(level[0]) if level else 0) if num_id[0] != "0" else None
    return None


def _value(level: Any, tag: str, default: str) -> str:
    """The w:val of a list level's property (a plain XML element: python-docx has no class for it)."""
    found = level.find(qn(tag))
    value = found.get(qn("w:val")) if found is not None else None
    return str(value) if value is not None else default
