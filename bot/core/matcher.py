"""Matching a loose, misspelled question to the one fact that answers it, or declining.

The question is read once into a `Reading`: words normalised and spell-corrected against the
fact base's own vocabulary, chatty filler dropped, every alias folded into the term it names
("the russian president" -> PUTIN, "touched down" -> ARRIVE), and the intents it asks for
(when, who, how-many, ...). Each fact is then scored on all of it together:

* how closely the question's words match the fact's phrasings (rapidfuzz token scorers),
* whether the phrasing asks the same thing (a "when" question does not want a "who" fact),
* whether the fact is about the people and places the question names, and mentions no less,
* how many of the question's words the fact base has never heard of (off-topic questions).

The best fact is the answer when its score clears a threshold; otherwise the bot declines and
suggests the closest questions it can answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from bot.core.answer import Answer
from bot.core.factbase import Fact, FactBase, Term
from bot.core.text import normalize

STOPWORDS = frozenset(
    """
    a an the is are was were be been being am do does did doing done of in on at to for from by
    with and or but it its this that these those he she they them his her their hers theirs him
    i me my you your we our us can could would will shall should may might must has have had
    having there here then than as into onto up out over any some such very too also just only
    own same other not no nor if else s t d ll re ve m o y get gets got going gonna wanna whats
    thats u ur r w 2
    """.split()
)

# Intents that say what kind of answer is wanted; "what" alone says too little to hold against a fact.
SPECIFIC_INTENTS = frozenset({"when", "where", "who", "how-many", "how-long", "status", "said", "why"})


@dataclass(frozen=True)
class Tuning:
    """The weights of the score, calibrated on the tuning part of tests/data/questions.yaml."""

    set_weight: float = 0.5
    intent_bonus: float = 8.0
    intent_penalty: float = 18.0
    named_bonus: float = 8.0
    unnamed_penalty: float = 14.0
    foreign_entity_penalty: float = 30.0
    unknown_word_penalty: float = 16.0
    answer_threshold: float = 66.0
    suggestion_floor: float = 35.0
    max_suggestions: int = 3


@dataclass(frozen=True)
class Reading:
    """A question as the matcher understands it."""

    text: str
    tokens: tuple[str, ...]
    content: str
    entities: frozenset[str]
    intents: frozenset[str]
    unknown_words: tuple[str, ...]


@dataclass(frozen=True)
class _Phrasing:
    fact_index: int
    content: str
    intents: frozenset[str]


class Matcher:
    """Answers questions from one FactBase. Built once per load; answering is read-only."""

    def __init__(self, base: FactBase, tuning: Tuning | None = None) -> None:
        self.base = base
        self.tuning = tuning or Tuning()
        self._terms: dict[str, Term] = {}
        self._alias_tokens: dict[tuple[str, ...], str] = {}
        self._alias_choices: dict[str, Term] = {}
        self._background: set[str] = set()
        self._build_lexicon(base.terms)
        self._fillers = {tuple(normalize(f).split()) for f in base.fillers if normalize(f)}
        self._spellings = {
            tuple(normalize(word).split()): normalize(meaning).split() for word, meaning in base.spellings.items()
        }
        self._parents = {t.id: t.part_of for t in base.terms if t.part_of}
        self._kinds = {t.id: t.kind for t in base.terms}
        self._vocabulary = self._build_vocabulary(base)
        self._vocabulary_list = sorted(self._vocabulary)
        self._correct = lru_cache(maxsize=8192)(self._correct_uncached)
        self._max_span = max(len(k) for k in [*self._alias_tokens, *self._fillers, *self._spellings, ("",)])
        self._intent_cues = self._build_intent_cues(base.intents)
        self._max_span = max(self._max_span, *(len(k) for k in self._intent_cues))
        self._phrasings: list[_Phrasing] = []
        self._fact_terms: list[frozenset[str]] = []
        self._fact_core: list[frozenset[str]] = []
        self._fact_core_parents: list[frozenset[str]] = []
        for index, fact in enumerate(base.facts):
            self._index_fact(index, fact)
        self._choices = [p.content for p in self._phrasings]

    # --- building -------------------------------------------------------------------------

    @staticmethod
    def term_token(term_id: str) -> str:
        """Terms become upper-case tokens, which normalised user text can never collide with."""
        return term_id.upper()

    def _build_lexicon(self, terms: Iterable[Term]) -> None:
        for term in terms:
            token = self.term_token(term.id)
            self._terms[token] = term
            if term.background:
                self._background.add(term.id)
            for alias in term.aliases:
                key = tuple(normalize(alias).split())
                if key:
                    self._alias_tokens.setdefault(key, token)
                    self._alias_choices.setdefault(" ".join(key), term)

    def _build_vocabulary(self, base: FactBase) -> frozenset[str]:
        words: set[str] = set(STOPWORDS)
        texts: list[str] = [*base.fillers, *(cue for cues in base.intents.values() for cue in cues)]
        for term in base.terms:
            texts.extend(term.aliases)
        for fact in base.facts:
            texts.extend((*fact.questions, fact.answer, fact.quote))
        for text in texts:
            words.update(normalize(text).split())
        return frozenset(words)

    def _build_intent_cues(self, intents: dict[str, tuple[str, ...]]) -> dict[tuple[str, ...], str]:
        cues: dict[tuple[str, ...], str] = {}
        for intent, phrases in intents.items():
            for phrase in phrases:
                key = tuple(self._fold_terms(normalize(phrase).split()))
                if key:
                    cues.setdefault(key, intent)
        return cues

    def _index_fact(self, index: int, fact: Fact) -> None:
        mentioned: set[str] = set(fact.about)
        for text in (fact.answer, fact.quote):
            mentioned |= self._entities_in(self._fold_terms(self._corrected(normalize(text).split())))
        for question in fact.questions:
            reading = self.read(question)
            mentioned |= reading.entities
            self._phrasings.append(_Phrasing(index, reading.content, reading.intents | {fact.asks}))
        self._fact_terms.append(self._with_relatives(mentioned))
        core = frozenset(a for a in fact.about if a not in self._background)
        self._fact_core.append(core)
        self._fact_core_parents.append(frozenset().union(*(self._ancestors(a) for a in core)) if core else frozenset())

    def _with_relatives(self, term_ids: set[str]) -> frozenset[str]:
        """The terms plus what they are part of, and the places and bodies that are part of them.

        A fact about Putin fits a question about the Kremlin, and one about Kazakhstan fits a
        question about Astana; but a fact about China does not speak for every Chinese person.
        """
        related = set(term_ids)
        for term_id in term_ids:
            related |= self._ancestors(term_id)
        children = {
            child for child, parent in self._parents.items() if parent in related and self._kinds.get(child) != "person"
        }
        return frozenset(related | children)

    def _ancestors(self, term_id: str) -> set[str]:
        found: set[str] = set()
        parent = self._parents.get(term_id)
        while parent and parent not in found:
            found.add(parent)
            parent = self._parents.get(parent)
        return found

    # --- reading a question ---------------------------------------------------------------

    def read(self, question: str) -> Reading:
        words = self._respell(normalize(question).split())
        words = self._corrected(words)
        words = self._drop_fillers(words)
        tokens = self._fold_terms(words)
        intents = self._intents_in(tokens)
        content = [t for t in tokens if t not in STOPWORDS]
        unknown = tuple(t for t in content if t not in self._terms and t not in self._vocabulary and not t.isdigit())
        return Reading(
            text=question,
            tokens=tuple(tokens),
            content=" ".join(content),
            entities=self._entities_in(tokens),
            intents=frozenset(intents),
            unknown_words=unknown,
        )

    def _respell(self, words: list[str]) -> list[str]:
        respelled: list[str] = []
        i = 0
        while i < len(words):
            span = self._longest(words, i, self._spellings)
            if span:
                respelled.extend(self._spellings[tuple(words[i : i + span])])
                i += span
            else:
                respelled.append(words[i])
                i += 1
        return respelled

    def _corrected(self, words: Sequence[str]) -> list[str]:
        return [w if w in self._vocabulary or len(w) < 4 or w.isdigit() else self._correct(w) for w in words]

    def _correct_uncached(self, word: str) -> str:
        """The closest word the fact base knows, when it is close enough to be a typo of it."""
        cutoff = 0.75 if len(word) <= 5 else 0.8
        match = process.extractOne(
            word, self._vocabulary_list, scorer=Levenshtein.normalized_similarity, score_cutoff=cutoff
        )
        return match[0] if match else word

    def _drop_fillers(self, words: list[str]) -> list[str]:
        kept: list[str] = []
        i = 0
        while i < len(words):
            span = self._longest(words, i, self._fillers)
            if span:
                i += span
                continue
            kept.append(words[i])
            i += 1
        return kept

    def _fold_terms(self, words: Sequence[str]) -> list[str]:
        folded: list[str] = []
        i = 0
        while i < len(words):
            span = self._longest(words, i, self._alias_tokens)
            if span:
                folded.append(self._alias_tokens[tuple(words[i : i + span])])
                i += span
            else:
                folded.append(words[i])
                i += 1
        return folded

    def _longest(self, words: Sequence[str], start: int, table: dict | set) -> int:
        for span in range(min(self._max_span, len(words) - start), 0, -1):
            if tuple(words[start : start + span]) in table:
                return span
        return 0

    def _intents_in(self, tokens: Sequence[str]) -> set[str]:
        found: set[str] = set()
        i = 0
        while i < len(tokens):
            span = self._longest(tokens, i, self._intent_cues)
            if span:
                found.add(self._intent_cues[tuple(tokens[i : i + span])])
                i += span
            else:
                i += 1
        return found

    def _entities_in(self, tokens: Iterable[str]) -> frozenset[str]:
        return frozenset(term.id for t in tokens if (term := self._terms.get(t)) is not None and term.kind != "concept")

    # --- answering ------------------------------------------------------------------------

    def ask(self, question: str) -> Answer:
        reading = self.read(question)
        ranked = self.rank(reading)
        tuning = self.tuning
        if ranked and ranked[0][1] >= tuning.answer_threshold:
            fact, score = ranked[0]
            return Answer(
                question=question,
                answered=True,
                answer=fact.answer,
                quote=fact.quote,
                paragraph=fact.paragraph,
                source=fact.source,
                fact_id=fact.id,
                score=score,
            )
        suggestions = tuple(
            fact.title for fact, score in ranked[: tuning.max_suggestions] if score >= tuning.suggestion_floor
        )
        if not suggestions:
            suggestions = self.default_suggestions()
        best = ranked[0][1] if ranked else 0.0
        return Answer(question=question, answered=False, score=best, suggestions=suggestions)

    def suggest(self, partial: str, limit: int = 25) -> list[str]:
        """Questions to offer while someone is still typing, ranked the way `ask` ranks them."""
        ranked = self.rank(self.read(partial)) if partial.strip() else []
        titles = [fact.title for fact, _ in ranked]
        if not titles:
            titles = [fact.title for fact in self.base.facts]
        return titles[:limit]

    def resolve(self, name: str, kinds: frozenset[str]) -> Term | None:
        """The person or country a name refers to, through its aliases, tolerating typos."""
        words = self._corrected(self._respell(normalize(name).split()))
        token = self._alias_tokens.get(tuple(words))
        term = self._terms.get(token) if token else None
        if term is not None and term.kind in kinds:
            return term
        choices = {alias: t for alias, t in self._alias_choices.items() if t.kind in kinds}
        match = process.extractOne(" ".join(words), list(choices), scorer=fuzz.WRatio, score_cutoff=85)
        return choices[match[0]] if match else None

    def default_suggestions(self) -> tuple[str, ...]:
        """Questions offered when nothing is even close: the first few facts of the base."""
        return tuple(f.title for f in self.base.facts if f.kind == "fact")[: self.tuning.max_suggestions]

    def rank(self, reading: Reading) -> list[tuple[Fact, float]]:
        """Every fact with its score for this reading, best first (one entry per fact)."""
        if not reading.content:
            return []
        tuning = self.tuning
        set_scores = process.extract(reading.content, self._choices, scorer=fuzz.token_set_ratio, limit=None)
        sort_scores = dict(
            (index, score)
            for _, score, index in process.extract(
                reading.content, self._choices, scorer=fuzz.token_sort_ratio, limit=None
            )
        )
        best_per_fact: dict[int, float] = {}
        specific = reading.intents & SPECIFIC_INTENTS
        for _, set_score, index in set_scores:
            phrasing = self._phrasings[index]
            text = tuning.set_weight * set_score + (1 - tuning.set_weight) * sort_scores.get(index, 0.0)
            if specific:
                text += tuning.intent_bonus if specific & phrasing.intents else -tuning.intent_penalty
            if text > best_per_fact.get(phrasing.fact_index, -1e9):
                best_per_fact[phrasing.fact_index] = text
        named = reading.entities - self._background
        unknown_penalty = tuning.unknown_word_penalty * len(reading.unknown_words)
        ranked: list[tuple[Fact, float]] = []
        for index, text in best_per_fact.items():
            score = text - unknown_penalty
            score -= tuning.foreign_entity_penalty * len(named - self._fact_terms[index])
            core = self._fact_core[index]
            if core & named:
                score += tuning.named_bonus
            elif self._fact_core_parents[index] & named:
                score += tuning.named_bonus / 2
            elif core:
                score -= tuning.unnamed_penalty
            ranked.append((self.base.facts[index], score))
        ranked.sort(key=lambda item: item[1], reverse=True)
        return ranked
