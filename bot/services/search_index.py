"""An in-memory inverted index over the directory, tolerant of word forms, transliteration
and typos. Pure data structure: the database side is in bot.services.search."""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import itemgetter

from rapidfuzz import fuzz, process

from bot.services.text_norm import digits, keys

KIND_ORDER = {"project": 0, "organisation": 1, "person": 2}
PHONE_QUERY = re.compile(r"^[\d\s()+\-.]+$")
EMAIL_QUERY = re.compile(r"^[\w.%+\-]*@[\w.\-]*$|^[\w\-]+(\.[\w\-]+)+$", re.ASCII)

EXACT, PREFIX, FUZZY = 1.0, 0.8, 0.85
MAX_PREFIX_KEYS = 40
MAX_FUZZY_KEYS = 6
MAX_EXPANSIONS = 4096  # query keys whose expansion is remembered (the fuzzy scan of the vocabulary is costly)
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
    # postings regrouped by weight, (weight, doc numbers) per key, so that scoring a key costs a
    # few C-level dict updates instead of a Python loop over every posting (see _best).
    _grouped: dict[str, tuple[tuple[float, tuple[int, ...]], ...]] = field(default_factory=dict)
    _expansions: dict[str, dict[str, float]] = field(default_factory=dict)
    # each document's place in the tie-break order of results: kind, then title, then insertion
    _rank: list[int] = field(default_factory=list)
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
        self._grouped = {key: _by_weight(posting) for key, posting in self.postings.items()}
        self._expansions = {}
        docs = self.docs
        self._rank = [0] * len(docs)
        for place, n in enumerate(sorted(range(len(docs)), key=lambda n: (KIND_ORDER[docs[n].kind], docs[n].title))):
            self._rank[n] = place
        self._blobs = {"phone": _blob(self._phones, self._phone_owner), "email": _blob(self._emails, self._email_owner)}
        # The blobs now hold the contacts; the lists were only their building material.
        self._phones, self._phone_owner, self._emails, self._email_owner = [], [], [], []
        return self

    def doc_of(self, kind: str, id_: int) -> Doc | None:
        return self._by_id.get((kind, id_))

    def search(self, query: str, *, limit: int = 10, public_only: bool = False) -> list[Hit]:
        scores = self._contact_scores(query, public_only) or self._word_scores(query)
        docs = self.docs
        if public_only:
            scores = {n: s for n, s in scores.items() if docs[n].public}
        if 0 < limit < len(scores):
            # Only documents scoring at least the limit-th best score can make the cut; ranking
            # those alone gives the same top `limit` as ranking all (thousands for common words).
            floor = heapq.nlargest(limit, scores.values())[-1]
            scores = {n: s for n, s in scores.items() if s >= floor}
        ranked = sorted(scores, key=self._rank.__getitem__)  # kind, title, insertion order
        ranked.sort(key=scores.__getitem__, reverse=True)  # stable: ties keep that order
        return [Hit(docs[n], scores[n]) for n in ranked[:limit]]

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
        wanted = len(query_keys)
        if wanted == 1:  # sum / 1 * 1.0 * 1.0 is the sum itself
            scores = self._best(query_keys[0], total)
        else:
            sums: dict[int, float] = {}
            matched: dict[int, int] = {}
            for key in query_keys:
                for n, value in self._best(key, total).items():
                    sums[n] = sums.get(n, 0.0) + value
                    matched[n] = matched.get(n, 0) + 1
            scores = {}
            for n, value in sums.items():
                coverage = matched[n] / wanted
                scores[n] = value / wanted * coverage * coverage
        for n in self.titles.get(" ".join(query_keys), ()):
            scores[n] = scores.get(n, 0.0) + EXACT_TITLE_BONUS * math.log(1 + total)
        return scores

    def _best(self, key: str, total: int) -> dict[int, float]:
        """For each document, the best value of any index key the query key may stand for."""
        values: list[tuple[float, tuple[int, ...]]] = []
        for candidate, factor in self._expand(key).items():
            idf = math.log(1 + total / len(self.postings[candidate]))
            for weight, numbers in self._grouped[candidate]:
                value = factor * weight * idf
                if value > 0.0:
                    values.append((value, numbers))
        values.sort(key=itemgetter(0))  # ascending: a larger value overwrites a smaller one
        best: dict[int, float] = {}
        for value, numbers in values:
            best.update(dict.fromkeys(numbers, value))
        return best

    def _expand(self, key: str) -> dict[str, float]:
        """Index keys that may stand for a query key, with how much to trust each (shared: do not modify)."""
        found = self._expansions.get(key)
        if found is None:
            if len(self._expansions) >= MAX_EXPANSIONS:
                del self._expansions[next(iter(self._expansions))]  # the oldest
            found = self._expansions[key] = self._expand_uncached(key)
        return found

    def _expand_uncached(self, key: str) -> dict[str, float]:
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
        # A word the index knows is taken as typed: a rarer near neighbour would otherwise
        # outrank it through idf (Захарова finding Захаnова in a big directory).
        if len(key) >= 4 and key not in self.postings:
            cutoff = 80 if len(key) <= 6 else 75
            for candidate, score, _ in process.extract(
                key, self.vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_FUZZY_KEYS
            ):
                found.setdefault(candidate, FUZZY * score / 100)
        return found


def _by_weight(posting: dict[int, float]) -> tuple[tuple[float, tuple[int, ...]], ...]:
    groups: dict[float, list[int]] = {}
    for n, weight in posting.items():
        groups.setdefault(weight, []).append(n)
    return tuple((weight, tuple(numbers)) for weight, numbers in groups.items())


def _blob(values: list[str], owners: list[int]) -> tuple[str, list[int], list[int]]:
    """Values joined by newlines so that one str.find scans them all at C speed."""
    starts, at = [], 0
    for value in values:
        starts.append(at)
        at += len(value) + 1
    return "\n".join(values), starts, owners
