"""An in-memory inverted index over the directory, tolerant of word forms, transliteration
and typos. Pure data structure: the database side is in bot.services.search."""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.services.directory.privacy import ANY_MEMBER, Audience, Looker, may_see
from bot.services.text_norm import ANY_SCRIPT, QueryWord, digits, keys, name_key, query_words, script, word_key, words

KIND_ORDER = {"project": 0, "organisation": 1, "person": 2}
PHONE_QUERY = re.compile(r"^[\d\s()+\-.]+$")
EMAIL_QUERY = re.compile(r"^[\w.%+\-]*@[\w.\-]*$|^[\w\-]+(\.[\w\-]+)+$", re.ASCII)
LETTER = re.compile(r"[^\W\d_]")

EXACT, PREFIX, FUZZY = 1.0, 0.8, 0.85
NAME = 3.0  # the weight of a name field (name, English name, alias, person's name, project title)
# Below this field weight lies free text (descriptions, goals, summaries): a prefix or typo match
# there is nearly always chance (кот→который, бла→благодарность), so only exact words count.
APPROXIMATE_FLOOR = 0.5
# The weight of a category a document belongs to (its kind, its country): below the floor, so only
# the word itself counts ("Norway", "норвежские", "компании"), and a query made of such words asks
# for the category, never for one card.
CATEGORY = 0.4
# A query that finds more documents than one answer lists (with all its words) is a general word:
# "транспорт", "проект" show a list even when one title happens to hold the word.
GENERAL = 10
# A word weighs a little more in a shorter name: "Правительство Санкт-Петербурга" is more about
# «правительство» than "Жилищный комитет Правительства Санкт-Петербурга", which would tie otherwise.
# Small enough to order ties and near-ties only.
NAME_FOCUS = 0.1
MAX_PREFIX_KEYS = 40
MAX_FUZZY_KEYS = 6
MAX_EXPANSIONS = 4096  # query words whose expansion is remembered (the fuzzy scan of the vocabulary is costly)
EXACT_TITLE_BONUS = 2.0
# See SearchIndex.related.
COMMON_SHARE = 0.15
CONTACT_MATCH = 10.0


@dataclass(frozen=True, slots=True)
class Doc:
    kind: str
    id: int
    title: str
    subtitle: str = ""
    public: bool = True
    # what English readers see instead, when the data has it (empty: the same as for Russian)
    title_en: str = ""
    subtitle_en: str = ""


@dataclass(frozen=True, slots=True)
class Hit:
    doc: Doc
    score: float
    # found only through typo guesses: no word of the query matches it as typed or as a prefix
    guessed: bool = False


@dataclass(frozen=True, slots=True)
class Found:
    hits: list[Hit]
    total: int  # documents found, of which hits are the best
    # the query names hits[0] and nothing else, so it may be opened without asking
    clear: bool


class _Matches(NamedTuple):
    scores: dict[int, float]
    words: list[QueryWord]  # the words of the query that found anything, when it was read as words
    whole: str = ""  # the keys of the whole query, as a name is looked up in titles
    general: bool = False  # see GENERAL and CATEGORY


@dataclass
class SearchIndex:
    docs: list[Doc] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    titles: dict[str, list[int]] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)
    # each contact with its document and whom its owner shows it to (see privacy.may_see)
    _phones: list[str] = field(default_factory=list)
    _phone_owner: list[int] = field(default_factory=list)
    _phone_audience: list[str] = field(default_factory=list)
    _emails: list[str] = field(default_factory=list)
    _email_owner: list[int] = field(default_factory=list)
    _email_audience: list[str] = field(default_factory=list)
    _blobs: dict[str, _Blob] = field(default_factory=dict)
    # postings regrouped by weight, (weight, doc numbers) per key, so that scoring a key costs a
    # few C-level dict updates instead of a Python loop over every posting (see _best).
    _grouped: dict[str, tuple[tuple[float, tuple[int, ...]], ...]] = field(default_factory=dict)
    _expansions: dict[QueryWord, dict[str, float]] = field(default_factory=dict)
    # each document's place in the tie-break order of results: kind, then title, then insertion
    _rank: list[int] = field(default_factory=list)
    project_leaders: dict[int, int | None] = field(default_factory=dict)
    _number: dict[tuple[str, int], int] = field(default_factory=dict)
    _category_keys: set[str] = field(default_factory=set)
    # one-word names of a category in every language, each to all of them (Denmark, Дания, датский)
    _synonyms: dict[str, set[str]] = field(default_factory=dict)
    # the alphabets each key was written in (see _expand_uncached)
    _scripts: dict[str, int] = field(default_factory=dict)

    def add(
        self,
        doc: Doc,
        fields: list[tuple[str | None, float]],
        phones: list[str] = (),  # type: ignore[assignment]
        emails: list[str] = (),  # type: ignore[assignment]
        categories: list[str] = (),  # type: ignore[assignment]
        phones_visibility: str = Audience.MEMBERS,
        emails_visibility: str = Audience.MEMBERS,
    ) -> None:
        """Index a document; `fields` are (text, weight), the first ones being its names;
        `categories` name the kinds of things it is one of (its country, its kind), each in
        all its names, comma-separated ("Norway, Norwegian, Норвегия, норвежский"). A person's
        phones and e-mails are found only by those who may see them (`*_visibility`)."""
        for category in categories:
            self._category_keys.update(keys(category))
            self._add_synonyms(category)
        fields = [*fields, *((category, CATEGORY) for category in categories)]
        n = len(self.docs)
        self.docs.append(doc)
        self._number[(doc.kind, doc.id)] = n
        for text, weight in fields:
            if not text:
                continue
            text_words = words(text)
            text_keys = [word_key(word) for word in text_words]
            for word, key in zip(text_words, text_keys, strict=True):
                self._scripts[key] = self._scripts.get(key, 0) | script(word)
            if weight >= NAME and text_keys:
                self.titles.setdefault(name_key(text), []).append(n)
                weight *= 1 + NAME_FOCUS / len(text_keys)
            for key in text_keys:
                slot = self.postings.setdefault(key, {})
                if slot.get(n, 0.0) < weight:
                    slot[n] = weight
        for phone in phones:
            self._phones.append(digits(phone))
            self._phone_owner.append(n)
            self._phone_audience.append(phones_visibility)
        for email in emails:
            self._emails.append(email.lower())
            self._email_owner.append(n)
            self._email_audience.append(emails_visibility)

    def _add_synonyms(self, category: str) -> None:
        """A one-word name of a category finds what any other does: "Denmark" what "Дания" finds
        in texts. Longer names ("Международные проекты") are no synonyms of their words."""
        terms = {found[0] for name in category.split(",") if len(found := keys(name)) == 1}
        for term in terms:
            self._synonyms.setdefault(term, set()).update(terms)

    def finish(self) -> SearchIndex:
        self.vocab = sorted(self.postings)
        self._grouped = {key: _by_weight(posting) for key, posting in self.postings.items()}
        self._expansions = {}
        docs = self.docs
        self._rank = [0] * len(docs)
        for place, n in enumerate(sorted(range(len(docs)), key=lambda n: (KIND_ORDER[docs[n].kind], docs[n].title))):
            self._rank[n] = place
        self._blobs = {
            "phone": _blob(self._phones, self._phone_owner, self._phone_audience),
            "email": _blob(self._emails, self._email_owner, self._email_audience),
        }
        # The blobs now hold the contacts; the lists were only their building material.
        self._phones, self._phone_owner, self._phone_audience = [], [], []
        self._emails, self._email_owner, self._email_audience = [], [], []
        return self

    def doc_of(self, kind: str, id_: int) -> Doc | None:
        n = self._number.get((kind, id_))
        return None if n is None else self.docs[n]

    def search(self, query: str, *, limit: int = 10, public_only: bool = False, looker: Looker = ANY_MEMBER) -> Found:
        """The best documents for the query; contacts match only where the looker may see them."""
        matches = self._scores(query, public_only, looker)
        scores, query_keys = matches.scores, matches.words
        docs = self.docs
        if public_only:
            scores = {n: s for n, s in scores.items() if docs[n].public}
        total = len(scores)
        if 0 < limit < len(scores):
            # Only documents scoring at least the limit-th best score can make the cut; ranking
            # those alone gives the same top `limit` as ranking all (thousands for common words).
            floor = heapq.nlargest(limit, scores.values())[-1]
            scores = {n: s for n, s in scores.items() if s >= floor}
        ranked = sorted(scores, key=self._rank.__getitem__)  # kind, title, insertion order
        ranked.sort(key=scores.__getitem__, reverse=True)  # stable: ties keep that order
        top = ranked[:limit]
        hits = [Hit(docs[n], scores[n], bool(query_keys) and self._guessed(n, query_keys)) for n in top]
        # The only document found is the answer, however it was found; a guess is still offered.
        clear = bool(hits) and not hits[0].guessed and (total == 1 or self._names_one(top, hits, matches))
        return Found(hits, total, clear)

    def related(self, text: str, *, kinds: frozenset[str], limit: int) -> list[Hit]:
        """Documents of these kinds that share the telling words of a free text (a request for
        help), best first: each word adds what it finds, none is required, and a word found in
        more than COMMON_SHARE of all documents ("нужно", "для") tells nothing and is left out."""
        total = len(self.docs) or 1
        scores: dict[int, float] = {}
        for word in _words_only([self._with_synonyms(word) for word in dict.fromkeys(query_words(text))]):
            best = self._best(word, total)
            if len(best) > COMMON_SHARE * total:
                continue
            for n, value in best.items():
                if self.docs[n].kind in kinds:
                    scores[n] = scores.get(n, 0.0) + value
        ranked = sorted(scores, key=self._rank.__getitem__)
        ranked.sort(key=scores.__getitem__, reverse=True)
        return [Hit(self.docs[n], scores[n]) for n in ranked[:limit]]

    def _scores(self, query: str, public_only: bool, looker: Looker) -> _Matches:
        """Documents scored by contacts, by numbers or by words. A contact hidden from the looker
        is as good as absent: the query goes on as for an address or a number nobody has."""
        if contacts := self._contact_scores(query, public_only, looker):
            return _Matches(contacts, [])
        if "@" in query and EMAIL_QUERY.match(query.strip().lower()):
            return _Matches({}, [])  # an address nobody has; its words ("mail", "ru") would find chance cards
        if not LETTER.search(query):
            return _Matches(self._number_scores(query), [])
        if EMAIL_QUERY.match(query.strip()):
            # A domain or an address's local part nobody has: its parts are no words of a name
            # ("mail" is not «малого», "gov" not «Правительство»), so only documents that hold
            # all of them as typed may be meant.
            return _Matches(self._holding_all(_words_only(query_words(query)), 0.0), [])
        all_words = [self._with_synonyms(word) for word in dict.fromkeys(query_words(query))]
        query_keys = _words_only(all_words)
        whole = name_key(query)
        scores, placed, everywhere = self._word_scores(query_keys, whole)
        categorical = all(self._category_keys.intersection(word.readings) for word in placed)
        return _Matches(scores, placed, whole, categorical or everywhere > GENERAL)

    def _with_synonyms(self, word: QueryWord) -> QueryWord:
        """The word's readings and, for a category's name, its other names, all counted as typed."""
        readings = word.readings
        extra = {synonym for reading in readings for synonym in self._synonyms.get(reading, ())}.difference(readings)
        return word._replace(readings=(*readings, *sorted(extra)))

    def _names_one(self, top: list[int], hits: list[Hit], matches: _Matches) -> bool:
        """Whether the query names the first of the top documents better than any other: it is
        that document's whole name, and no other's; or its words are not general, all of them
        are in that document's names, and no other's names hold them as well (the word as typed
        beats a longer word it begins: Энергосервис, not энергосервисная; a typo guess competes
        with nothing). A contact or a number matches contacts or names only, so there it must
        be the only document found (see search)."""
        if not matches.words:
            return False
        if set(self.titles.get(matches.whole, ())) == {top[0]}:
            return True
        if matches.general:
            return False
        first, *others = (
            0.0 if hit.guessed else self._name_strength(n, matches.words) for n, hit in zip(top, hits, strict=False)
        )
        return first > 0.0 and all(other < first for other in others)

    def _contact_scores(self, query: str, public_only: bool, looker: Looker) -> dict[int, float]:
        text = query.strip().lower()
        if public_only:
            return {}
        if PHONE_QUERY.match(text) and len(digits(text)) >= 4:
            needle = digits(text).lstrip("78") if len(digits(text)) >= 11 else digits(text)
            found = self._fragment("phone", needle, looker)
            # A number as dialled at home in Finland or Japan («040 123 4567», «03-1234-5678») has a
            # trunk 0 that its international form (+358 40…, +81 3…) does not.
            if not found and needle.startswith("0") and len(needle.lstrip("0")) >= 6:
                found = self._fragment("phone", needle.lstrip("0"), looker)
            return found
        if EMAIL_QUERY.match(text) and len(text) >= 4:
            return self._fragment("email", text, looker)
        return {}

    def _fragment(self, kind: str, needle: str, looker: Looker) -> dict[int, float]:
        blob = self._blobs[kind]
        found: dict[int, float] = {}
        at = blob.text.find(needle)
        while at != -1:
            i = bisect_right(blob.starts, at) - 1
            n = blob.owners[i]
            if may_see(blob.audiences[i], self.docs[n].id, looker):
                found[n] = CONTACT_MATCH
            at = blob.text.find(needle, at + 1)
        return found

    def _number_scores(self, query: str) -> dict[int, float]:
        """A query without letters that no contact matched: its numbers mean something only as
        words of names ("AREA 21", "137-й серии"); in descriptions they are dates, counts and
        percentages, and a date or a time ("15.12.2026", "12:30") is no name at all. So every
        number must be a word of one document's names, exactly."""
        return self._holding_all([QueryWord((key,), ANY_SCRIPT) for key in dict.fromkeys(keys(query))], NAME)

    def _holding_all(self, words: list[QueryWord], floor: float) -> dict[int, float]:
        """Documents that hold every word exactly (in one of its readings) in fields weighing at
        least `floor`, valued as _best values the words themselves."""
        scores: dict[int, float] = {}
        for i, word in enumerate(words):
            held = self._holding(word, floor)
            scores = held if i == 0 else {n: value + held[n] for n, value in scores.items() if n in held}
            if not scores:
                break
        return scores

    def _holding(self, word: QueryWord, floor: float) -> dict[int, float]:
        held: dict[int, float] = {}
        for reading in word.readings:
            if reading not in self.postings:
                continue
            idf = math.log(1 + len(self.docs) / len(self.postings[reading]))
            for weight, group in self._grouped[reading]:
                if weight >= floor:
                    for n in group:
                        held[n] = max(held.get(n, 0.0), weight * idf)
        return held

    def _word_scores(
        self, query_keys: list[QueryWord], whole_name: str
    ) -> tuple[dict[int, float], list[QueryWord], int]:
        """Scores of documents by the query's words, and a bonus for a name that is the whole
        query (initials included: "Бондаренко Н.Л." among many Бондаренко); the words that found
        anything (a typo nobody can place, "Эффективный свте", does not make the rest unclear);
        and how many documents have all of those."""
        if not whole_name:
            return {}, [], 0
        total = len(self.docs) or 1
        found = [(word, best) for word in query_keys if (best := self._best(word, total))]
        wanted = len(query_keys)
        if wanted == 1:  # sum / 1 * 1.0 * 1.0 is the sum itself
            scores = found[0][1] if found else {}
            everywhere = len(scores)
        else:
            sums: dict[int, float] = {}
            matched: dict[int, int] = {}
            for _, best in found:
                for n, value in best.items():
                    sums[n] = sums.get(n, 0.0) + value
                    matched[n] = matched.get(n, 0) + 1
            scores = {}
            for n, value in sums.items():
                coverage = matched[n] / wanted
                scores[n] = value / wanted * coverage * coverage
            everywhere = list(matched.values()).count(len(found))
        for n in self.titles.get(whole_name, ()):
            scores[n] = scores.get(n, 0.0) + EXACT_TITLE_BONUS * math.log(1 + total)
        return scores, [word for word, _ in found], everywhere

    def _best(self, word: QueryWord, total: int) -> dict[int, float]:
        """For each document, the best value of any index key the query word may stand for.
        The idf is the word's own, as common as the commonest key it may stand for: a rare longer
        word that it begins (кластер → кластерного) must not outrank the word itself."""
        expansion = self._expand(word)
        if not expansion:
            return {}
        idf = math.log(1 + total / max(len(self.postings[candidate]) for candidate in expansion))
        values: list[tuple[float, tuple[int, ...]]] = []
        for candidate, factor in expansion.items():
            floor = _weight_floor(word, candidate)
            values.extend(
                (factor * weight * idf, numbers) for weight, numbers in self._grouped[candidate] if weight >= floor
            )
        values.sort(key=itemgetter(0))  # ascending: a larger value overwrites a smaller one
        best: dict[int, float] = {}
        for value, numbers in values:
            best.update(dict.fromkeys(numbers, value))
        return best

    def _guessed(self, n: int, query_keys: list[QueryWord]) -> bool:
        """Whether no query word reaches the document as typed or as a prefix, counted as _best counts them."""
        return not any(
            _begins(word, candidate) and self.postings[candidate].get(n, 0.0) >= _weight_floor(word, candidate)
            for word in query_keys
            for candidate in self._expand(word)
        )

    def names(self, doc: Doc, query: str) -> bool:
        """Whether the document's names hold most words of a name-like query that the index knows,
        each in a word of its own. A word it cannot place at all says nothing (a name spelt in the
        other alphabet: «Грин Нет Финланд»), but one word alike is not the name («Иван Иванов» is
        not Иван Блинов). A person's name may be mistyped; an organisation's or a project's is
        taken for the person's name it looks like unless its words are there as typed, or begun
        ("Peter Petrov" is not «Первая Санкт-Петербургская…» through a guess at «Первая»)."""
        n = self._number.get((doc.kind, doc.id))
        if n is None:
            return False
        known = [
            word
            for word in _words_only([self._with_synonyms(word) for word in dict.fromkeys(query_words(query))])
            if self._expand(word)
        ]
        held = self._name_keys(n, known)
        if doc.kind != "person":
            held = [
                {key: trust for key, trust in keys.items() if _begins(word, key)}
                for word, keys in zip(known, held, strict=False)
            ]
        return 2 * _matched(held) > len(known)

    def _name_strength(self, n: int, query_keys: list[QueryWord]) -> float:
        """How well the document's names hold the query words: the sum of each word's best trust
        (see _expand) among the keys of its names; nothing unless the names hold every word, each
        in a key of its own: «Иванов» may be a typo of «Иван», but «Иван Иванов» is not Иван Блинов."""
        held = self._name_keys(n, query_keys)
        if not all(held) or _matched(held) < len(held):
            return 0.0
        return sum(max(factors.values()) for factors in held)

    def _name_keys(self, n: int, query_keys: list[QueryWord]) -> list[dict[str, float]]:
        """Per query word, the keys of the document's names it may stand for, with their trust."""
        return [
            {
                candidate: factor
                for candidate, factor in self._expand(word).items()
                if self.postings[candidate].get(n, 0.0) >= NAME
            }
            for word in query_keys
        ]

    def _expand(self, word: QueryWord) -> dict[str, float]:
        """Index keys that may stand for a query word, with how much to trust each (shared: do not modify)."""
        found = self._expansions.get(word)
        if found is None:
            if len(self._expansions) >= MAX_EXPANSIONS:
                del self._expansions[next(iter(self._expansions))]  # the oldest
            found = self._expansions[word] = self._expand_uncached(word)
        return found

    def _expand_uncached(self, word: QueryWord) -> dict[str, float]:
        # Every reading of the word counts as typed; only the first, the word's own key, is
        # widened to prefixes and guesses: the Russian reading of a Latin word is a bare stem
        # whose prefixes reach every word that begins like it ("energy" → энерг → энергосбережение).
        readings = word.readings
        found = dict.fromkeys((reading for reading in readings if reading in self.postings), EXACT)
        key = readings[0]
        # A longer key it begins is a word begun or another form of it, so only in the alphabet it
        # was typed in: the stem of «Петров» (and «Пётр») is «петр», which, spelt "petr", begins
        # "Petroleum" of the English name of the Norwegian ministry, which the name would open.
        # A shorter key that begins it may be the other language's stem of the word it spells
        # («Коммодитиз» begins with "commod", the stem of Commodities), so there any alphabet goes.
        if len(key) >= 3:
            lo = bisect_left(self.vocab, key)
            hi = bisect_left(self.vocab, key + "\x7f", lo)
            for candidate in self.vocab[lo : min(hi, lo + MAX_PREFIX_KEYS)]:
                if self._scripts[candidate] & word.script:
                    found.setdefault(candidate, PREFIX)
        for size in range(4, len(key)):
            if key[:size] in self.postings:
                found.setdefault(key[:size], PREFIX)
        # A word the index knows is taken as typed: a rarer near neighbour would otherwise
        # outrank it (Захарова finding Захаnова in a big directory).
        if len(key) >= 4 and not any(reading in self.postings for reading in readings):
            cutoff = 80 if len(key) <= 6 else 75
            for candidate, score, _ in process.extract(
                key, self.vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=MAX_FUZZY_KEYS
            ):
                found.setdefault(candidate, FUZZY * score / 100)
        return found


def _words_only(query_words: list[QueryWord]) -> list[QueryWord]:
    """A one-letter key is no word: the tail of "137-й", an initial, or a word folded down to
    nothing ("ыыы" → "i"); alone it finds such tails by chance. Initials still tell people apart
    as part of a whole name (see _word_scores)."""
    return [word for word in query_words if len(word.readings[0]) > 1 or word.readings[0].isdigit()]


def _begins(word: QueryWord, candidate: str) -> bool:
    """Whether the key is the word as typed, or a word it begins or is begun by (no typo guess)."""
    return any(candidate.startswith(key) or key.startswith(candidate) for key in word.readings)


def _matched(options: list[dict[str, float]]) -> int:
    """How many of the options can have a key of their own at once (a maximum matching, found
    by augmenting paths)."""
    owner: dict[str, int] = {}

    def place(i: int, seen: set[str]) -> bool:
        for key in options[i]:
            if key not in seen:
                seen.add(key)
                if key not in owner or place(owner[key], seen):
                    owner[key] = i
                    return True
        return False

    return sum(place(i, set()) for i in range(len(options)))


def _weight_floor(word: QueryWord, candidate: str) -> float:
    """The least field weight at which an index key counts for a query word: any for the word
    itself (in any of its readings), no free text for a prefix or a typo guess."""
    return 0.0 if candidate in word.readings else APPROXIMATE_FLOOR


def _by_weight(posting: dict[int, float]) -> tuple[tuple[float, tuple[int, ...]], ...]:
    groups: dict[float, list[int]] = {}
    for n, weight in posting.items():
        groups.setdefault(weight, []).append(n)
    return tuple((weight, tuple(numbers)) for weight, numbers in groups.items())


class _Blob(NamedTuple):
    """Contacts of one kind joined by newlines, so that one str.find scans them all at C speed;
    per contact where it starts, its document and whom its owner shows it to."""

    text: str
    starts: list[int]
    owners: list[int]
    audiences: list[str]


def _blob(values: list[str], owners: list[int], audiences: list[str]) -> _Blob:
    starts, at = [], 0
    for value in values:
        starts.append(at)
        at += len(value) + 1
    return _Blob("\n".join(values), starts, owners, audiences)
