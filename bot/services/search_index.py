"""An in-memory inverted index over the directory, tolerant of word forms, transliteration
and typos. Pure data structure: the database side is in bot.services.search."""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.services.text_norm import digits, keys

KIND_ORDER = {"project": 0, "organisation": 1, "person": 2}
PHONE_QUERY = re.compile(r"^[\d\s()+\-.]+$")
EMAIL_QUERY = re.compile(r"^[\w.%+\-]*@[\w.\-]*$|^[\w\-]+(\.[\w\-]+)+$", re.ASCII)

EXACT, PREFIX, FUZZY = 1.0, 0.8, 0.85
MAX_PREFIX_KEYS = 40
MAX_FUZZY_KEYS = 6
EXACT_TITLE_BONUS = 2.0
CONTACT_MATCH = 10.0


@dataclass(frozen=True, slots=True)
class Doc:
    kind: str
    id: int
    title: str
    subtitle: str = ""
    public: bool = True


@dataclass(frozen=True, slots=True)
class Hit:
    doc: Doc
    score: float


@dataclass
class SearchIndex:
    docs: list[Doc] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    titles: dict[str, list[int]] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)
    _phones: list[str] = field(default_factory=list)
    _phone_owner: list[int] = field(default_factory=list)
    _emails: list[str] = field(default_factory=list)
    _email_owner: list[int] = field(default_factory=list)
    _blobs: dict[str, tuple[str, list[int], list[int]]] = field(default_factory=dict)
    project_leaders: dict[int, int | None] = field(default_factory=dict)
    _by_id: dict[tuple[str, int], Doc] = field(default_factory=dict)

    def add(
        self,
        doc: Doc,
        fields: list[tuple[str | None, float]],
        phones: list[str] = (),  # type: ignore[assignment]
        emails: list[str] = (),  # type: ignore[assignment]
    ) -> None:
        """Index a document; `fields` are (text, weight), the first ones being its names."""
        n = len(self.docs)
        self.docs.append(doc)
        self._by_id[(doc.kind, doc.id)] = doc
        for text, weight in fields:
            if not text:
                continue
            text_keys = keys(text)
            if weight >= 3 and text_keys:
                self.titles.setdefault(" ".join(text_keys), []).append(n)
            for key in text_keys:
                slot = self.postings.setdefault(key, {})
                if slot.get(n, 0.0) < weight:
                    slot[n] = weight
        for phone in phones:
            self._phones.append(digits(phone))
            self._phone_owner.append(n)
        for email in emails:
            self._emails.append(email.lower())
            self._email_owner.append(n)

    def finish(self) -> SearchIndex:
        self.vocab = sorted(self.postings)
        self._blobs = {"phone": _blob(self._phones, self._phone_owner), "email": _blob(self._emails, self._email_owner)}
        return self

    def doc_of(self, kind: str, id_: int) -> Doc | None:
        return self._by_id.get((kind, id_))

    def search(self, query: str, *, limit: int = 10, public_only: bool = False) -> list[Hit]:
        scores = self._contact_scores(query, public_only) or self._word_scores(query)
        ranked = sorted(
            (Hit(self.docs[n], s) for n, s in scores.items() if not (public_only and not self.docs[n].public)),
            key=lambda h: (-h.score, KIND_ORDER[h.doc.kind], h.doc.title),
        )
        return ranked[:limit]

    def _contact_scores(self, query: str, public_only: bool) -> dict[int, float]:
        text = query.strip().lower()
        if public_only:
            return {}
        if PHONE_QUERY.match(text) and len(digits(text)) >= 4:
            return self._fragment("phone", digits(text).lstrip("78") if len(digits(text)) >= 11 else digits(text))
        if EMAIL_QUERY.match(text) and len(text) >= 4:
            return self._fragment("email", text)
        return {}

    def _fragment(self, kind: str, needle: str) -> dict[int, float]:
        blob, starts, owners = self._blobs[kind]
        found: dict[int, float] = {}
        at = blob.find(needle)
        while at != -1:
            found[owners[bisect_right(starts, at) - 1]] = CONTACT_MATCH
            at = blob.find(needle, at + 1)
        return found

    def _word_scores(self, query: str) -> dict[int, float]:
        query_keys = list(dict.fromkeys(keys(query)))
        if not query_keys:
            return {}
        total = len(self.docs) or 1
        scores: dict[int, float] = {}
        matched: dict[int, int] = {}
        for key in query_keys:
            best: dict[int, float] = {}
            for candidate, factor in self._expand(key).items():
                posting = self.postings[candidate]
                idf = math.log(1 + total / len(posting))
                for n, weight in posting.items():
                    value = factor * weight * idf
                    if value > best.get(n, 0.0):
                        best[n] = value
            for n, value in best.items():
                scores[n] = scores.get(n, 0.0) + value
                matched[n] = matched.get(n, 0) + 1
        wanted = len(query_keys)
        for n in scores:
            coverage = matched[n] / wanted
            scores[n] = scores[n] / wanted * coverage * coverage
        for n in self.titles.get(" ".join(query_keys), ()):
            scores[n] = scores.get(n, 0.0) + EXACT_TITLE_BONUS * math.log(1 + total)
        return scores

    def _expand(self, key: str) -> dict[str, float]:
        """Index keys that may stand for a query key, with how much to trust each."""
        found: dict[str, float] = {}
        if key in self.postings:
            found[key] = EXACT
        if len(key) >= 3:
            lo = bisect_left(self.vocab, key)
            hi = bisect_left(self.vocab, key + "\x7f", lo)
            for candidate in self.vocab[lo : min(hi, lo + MAX_PREFIX_KEYS)]:
                found.setdefault(candidate, PREFIX)
        for size in range(4, len(key)):
            if key[:size] in self.postings:
                found.setdefault(key[:size], PREFIX)
        if len(key) >= 4:
            cutoff = 80 if len(key) <= 6 else 75
            for candidate, score, _ in process.extract(
                key, self.vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_FUZZY_KEYS
            ):
                found.setdefault(candidate, FUZZY * score / 100)
        return found


def _blob(values: list[str], owners: list[int]) -> tuple[str, list[int], list[int]]:
    """Values joined by newlines so that one str.find scans them all at C speed."""
    starts, at = [], 0
    for value in values:
        starts.append(at)
        at += len(value) + 1
    return "\n".join(values), starts, owners
