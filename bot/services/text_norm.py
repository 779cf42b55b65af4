"""Text folding for search: Russian and English word forms, ё/е, quotes, legal forms,
Latin/Cyrillic transliteration and common spelling variants all fold to one key per word."""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer
from unidecode import unidecode

WORD = re.compile(r"[0-9a-zа-я]+")
CYRILLIC = re.compile(r"[а-я]")

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
# Ecoland/Эколенд land on the same or nearby keys.
_SPELLING = (
    ("shch", "sh"),
    ("sch", "sh"),
    ("ch", "\x01"),
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
    ("\x01", "ch"),
)
_DOUBLE = re.compile(r"(.)\1+")


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


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)
