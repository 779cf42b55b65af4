"""Text folding for search: Russian and English word forms, ё/е, quotes, legal forms,
Latin/Cyrillic transliteration and common spelling variants all fold to one key per word."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer
from unidecode import unidecode

WORD = re.compile(r"[0-9a-zа-я]+")
CYRILLIC = re.compile(r"[а-я]")
LATIN = re.compile(r"[a-z]")
# The alphabets a word is written in, as bits: a number is written in either.
CYRILLIC_SCRIPT, LATIN_SCRIPT = 1, 2
ANY_SCRIPT = CYRILLIC_SCRIPT | LATIN_SCRIPT

LEGAL_FORMS = frozenset(
    """ооо оао зао пао ао нп нко ано ип гбу гуп фгбу фгуп фгбоу фгаоу спб гку гау во нии ано оу
    llc ltd inc gmbh oy oyj ab as asa aps a/s co corp plc""".split()
)
STOPWORDS = frozenset(
    """и в во на по для с со о об от до из к у за при а или the of and in for on to a an
    by with at from is are""".split()
)
_RU = snowballstemmer.stemmer("russian")
_EN = snowballstemmer.stemmer("english")

# Applied in order to transliterated text so that Danfoss/Данфосс, Helsinki/Хельсинки,
# Ecoland/Эколенд land on the same or nearby keys. "ch" is ч in transliterated Russian but х in
# English words of Greek origin (Technopark/Технопарк, technologies/технологии): both fold to "h".
_SPELLING = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("ch", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("kh", "h"),
    ("ck", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("q", "k"),
    ("y", "i"),
    ("j", "i"),
    ("c", "k"),
)
_DOUBLE = re.compile(r"([a-z])\1+")  # letters only: 44 is not 4
# Latin spellings of Russian sounds, longest first, to read a Latin word as the Russian one it may
# transliterate ("Helsinki" → хелсинки, whose Russian stem drops the ending as Хельсинки's does).
_TO_CYRILLIC = (
    ("shch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "е"),
    ("ay", "ай"),
    ("ey", "ей"),
    ("iy", "ий"),
    ("oy", "ой"),
    ("uy", "уй"),
    *zip("abcdefghijklmnopqrstuvwyz", "абкдефгхийклмнопкрстуввыз", strict=True),
    ("x", "кс"),
)


def fold_case(text: str) -> str:
    return text.lower().replace("ё", "е")


def words(text: str) -> list[str]:
    """Lower-cased words without quotes, punctuation, legal forms and stop words."""
    return [w for w in WORD.findall(fold_case(text)) if w not in LEGAL_FORMS and w not in STOPWORDS]


@lru_cache(maxsize=200_000)
def word_key(word: str) -> str:
    """One key for all forms and spellings of a word."""
    stem = (_RU if CYRILLIC.search(word) else _EN).stemWord(word)
    latin = unidecode(stem).lower()
    latin = re.sub(r"[^0-9a-z]", "", latin)
    for old, new in _SPELLING:
        latin = latin.replace(old, new)
    return _DOUBLE.sub(r"\1", latin) or word


def keys(text: str) -> list[str]:
    return [word_key(w) for w in words(text)]


def name_key(text: str) -> str:
    """The keys of a whole name as one string, stop words kept: in a name a one-letter one is
    an initial ("Кузьменко А.И." is not just "Кузьменко")."""
    return " ".join(word_key(w) for w in WORD.findall(fold_case(text)) if w not in LEGAL_FORMS)


@lru_cache(maxsize=200_000)
def script(word: str) -> int:
    """The alphabets of a folded word (see CYRILLIC_SCRIPT): keys are Latin whatever the word was."""
    return (CYRILLIC_SCRIPT if CYRILLIC.search(word) else 0) | (LATIN_SCRIPT if LATIN.search(word) else 0) or ANY_SCRIPT


class QueryWord(NamedTuple):
    readings: tuple[str, ...]  # the keys it may stand for, its own key first
    script: int  # the alphabets it was typed in


def query_words(text: str) -> list[QueryWord]:
    """Per word of a query, the keys it may stand for: its own key and, for a word in Latin
    letters, also the key of the Russian word it may transliterate."""
    return [QueryWord(_readings(w), script(w)) for w in words(text)]


@lru_cache(maxsize=20_000)
def _readings(word: str) -> tuple[str, ...]:
    key = word_key(word)
    if CYRILLIC.search(word) or not LATIN.search(word):
        return (key,)
    russian = word_key(_to_cyrillic(word))
    return (key,) if russian == key else (key, russian)


def _to_cyrillic(word: str) -> str:
    for latin, cyrillic in _TO_CYRILLIC:
        word = word.replace(latin, cyrillic)
    return word


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)
