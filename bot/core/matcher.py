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

import heapq
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.core.answer import Answer
from bot.core.factbase import Fact, FactBase, Term
from bot.core.spelling import Speller
from bot.core.stopwords import STOPWORDS
from bot.core.text import (
    WEEKDAYS,
    is_number,
    states_future,
    states_time_of_day,
    states_weekday,
    states_year,
    words_of,
)

# Words that make a question a follow-up of the asker's previous one.
PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers", "they", "them", "their"})
CONTINUATIONS = (("and",), ("what", "about"), ("how", "about"), ("same", "for"))

MAX_REMEMBERED_CORRECTIONS = 8192
# How many links of a chain of synonyms are followed ("wats" -> "whats" -> "what").
MAX_SYNONYM_LINKS = 3
# Stems remembered while the facts are indexed: far more than any base's vocabulary.
MAX_REMEMBERED_STEMS_AT_BUILD = 1 << 22

# Marks the start of a question, for cues that only count as its first word.
ANCHOR = "^"
# Starts the token that stands for an intent; normalised text never contains it.
INTENT_PREFIX = "?"

# Intents that say what kind of answer is wanted, and so rule out a fact that answers another
# kind. "what" says too little for that, and a yes/no question ("status") can be answered by
# many kinds of fact; both still earn the bonus when a phrasing asks the same.
EXCLUSIVE_INTENTS = frozenset({"when", "where", "who", "how-many", "how-long", "said", "why"})
# Intents too general to tell a question beyond a fact from one it answers: "what" and yes/no.
GENERIC_INTENT_TOKENS = frozenset({INTENT_PREFIX + "what", INTENT_PREFIX + "status"})
# What a fact that gives a count asks; a count a question offers is no word such a fact lacks.
COUNT_INTENT = "how-many"
# Intents that ask for what a fact may not state, and how its answer or quote shows that it does:
# a finer time than a day ("what time did Xi land": the article gives only the day), a year, and
# what is to come ("will Turkey join": the article gives Turkey's status now, and Belarus's expected
# accession). Asked of a fact that does not state it, the question is beyond that fact: declined,
# with the fact suggested. A lexicon that does not define them loses nothing.
FUTURE_INTENT = "future"
STATED_DETAILS: Mapping[str, Callable[[str], bool]] = {
    "time-of-day": states_time_of_day,
    "year": states_year,
    FUTURE_INTENT: states_future,
}
_NO_POSTINGS: frozenset[int] = frozenset()
# What "apart from", "other than", "excluding" and the like read as: the name after them is one a
# question leaves out ("which country other than Turkey is a partner").
_SETTING_ASIDE = frozenset({"besides", "except"})
_VERBS_OF_BEING = frozenset({"be", "become", "get"})
# A letter typed three times or more in a row, which no English word has.
_STRETCHED = re.compile(r"([a-z])\1{2,}", re.IGNORECASE)
# A shortlist that is over its size by at most this factor keeps its shortest phrasings.
SHORTEST_FIRST_FACTOR = 4


# Consonants verbs double before "ing" and "ed" ("running", "planned").
DOUBLED_BEFORE_SUFFIX = frozenset("bgmnpt")


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """A light suffix stripper, applied alike to questions and phrasings ("leads", "leading" -> "lead").

    A consonant doubled before "ing" or "ed" is undoubled ("running", "planned" -> "run", "plan"):
    only those that verbs double (b, g, m, n, p, t), not those a word ends in itself ("called",
    "passed", "added", "stuffed").
    """
    for suffix, keep in (("ing", 4), ("ies", 3), ("es", 4), ("ed", 3), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            stemmed = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if suffix in ("ing", "ed") and stemmed[-1] == stemmed[-2] and stemmed[-1] in DOUBLED_BEFORE_SUFFIX:
                return stemmed[:-1]
            return stemmed
    return word


# Words for the article itself. A question that names it ("which five states does the article
# mention", "what is the belt and road thing in the story") asks about what it says, so no fact
# lacks them; they still count in the wording, and in how many words the question has.
ARTICLE_WORDS = ("article", "story", "piece", "report", "text", "headline", "coverage", "mention")
_ARTICLE_WORD_STEMS = frozenset(map(stem, ARTICLE_WORDS))


@dataclass(frozen=True)
class Tuning:
    """The weights of the score, calibrated on the tuning part of tests/data/questions.yaml and on
    two sets of questions written blind to the facts (see docs/accuracy.md)."""

    set_weight: float = 0.5
    intent_bonus: float = 8.0
    intent_penalty: float = 30.0
    named_bonus: float = 8.0
    unnamed_penalty: float = 25.0
    foreign_entity_penalty: float = 30.0
    # Per word the base has never seen, divided by the square root of the question's telling words.
    unknown_word_penalty: float = 30.0
    # Times the share of the question's telling words that the fact never uses.
    uncovered_word_penalty: float = 65.0
    passage_weight: float = 0.85
    text_floor: float = 45.0
    shortlist_size: int = 400
    answer_threshold: float = 72.0
    # The answer's best phrasing must itself be worded this close to the question: bonuses for
    # naming the right people and asking the right kind of thing cannot carry a loose match alone.
    answer_text_floor: float = 70.0
    suggestion_floor: float = 35.0
    max_suggestions: int = 3


class PhraseTable(dict[tuple[str, ...], tuple[str, ...]]):
    """Phrases (tuples of words) and what each stands for, with the lengths of the phrases that
    start with each word, longest first, so that a scan skips at once the many words that start
    no phrase and tries only lengths that exist."""

    def __init__(self, phrases: Mapping[tuple[str, ...], tuple[str, ...]]) -> None:
        super().__init__(phrases)
        lengths: dict[str, set[int]] = {}
        for phrase in self:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        self.spans: dict[str, tuple[int, ...]] = {
            word: tuple(sorted(found, reverse=True)) for word, found in lengths.items()
        }


@dataclass(frozen=True)
class Reading:
    """A question as the matcher understands it."""

    text: str
    tokens: tuple[str, ...]
    content: str
    entities: frozenset[str]
    intents: frozenset[str]
    unknown_words: tuple[str, ...]
    informative: frozenset[str] = frozenset()


class _Named(NamedTuple):
    """The people, places and bodies a question names (background terms aside)."""

    ids: frozenset[str]
    ancestors: frozenset[str]
    weight: int
    asks_for_another_person: bool


class _FactText(NamedTuple):
    content: str
    entities: frozenset[str]
    intents: frozenset[str]
    informative: frozenset[str]


class Matcher:
    """Answers questions from one FactBase. Built once per load; answering is read-only."""

    def __init__(self, base: FactBase, tuning: Tuning | None = None, previous: Matcher | None = None) -> None:
        """Index `base`. With `previous`, the matcher of the base this one replaces, facts that
        are indexed alike in both (same texts, same subjects, same aliases and cues) are copied
        from it instead of read again: after a moderator edits one file of a large base, most of
        a reload's work."""
        self.base = base
        self.tuning = tuning or Tuning()
        self._terms: dict[str, Term] = {}
        self._alias_tokens: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._alias_choices: dict[str, Term] = {}
        self._background: set[str] = set()
        self._build_lexicon(base.terms)
        self._alias_tokens = PhraseTable(self._alias_tokens)
        self._fillers = PhraseTable({tuple(words_of(f)): () for f in base.fillers if words_of(f)})
        self._synonyms = PhraseTable(self._chained_synonyms(base.synonyms))
        self._parents = {t.id: t.part_of for t in base.terms if t.part_of}
        self._kinds = {t.id: t.kind for t in base.terms}
        self._nested_aliases = PhraseTable(self._build_nested_aliases())
        self._all_descendants: dict[str, set[str]] = {}
        for child in self._parents:
            for ancestor in self._ancestors(child):
                self._all_descendants.setdefault(ancestor, set()).add(child)
        self._background_tokens = frozenset(self.term_token(t) for t in self._background)
        self._intent_cues = PhraseTable(self._build_intent_cues(base.intents))
        self._intent_names = {token: token[1:] for tokens in self._intent_cues.values() for token in tokens}
        self._entity_ids = {token: term.id for token, term in self._terms.items() if term.kind != "concept"}
        # Term and intent tokens are kept whole; every other word is stemmed once and remembered.
        self._stems: dict[str, str] = {token: token for token in [*self._terms, *self._intent_names]}
        # "Will" asks of the future, which is checked against a fact's texts; in the wording it
        # stays what it was as a stopword, nothing, or it would count against every fact whose
        # phrasings are in the present ("what will happen on Thursday").
        self._unscored = STOPWORDS | {INTENT_PREFIX + FUTURE_INTENT}
        self._stems_bound = MAX_REMEMBERED_STEMS_AT_BUILD
        # The phrasings (the ways each fact is asked, folded), as columns rather than millions of
        # small objects: the fact each one asks, its words, its intents (one set object for each
        # distinct set), and whether it is the answer's or quote's own text.
        self._phrasing_facts: list[int] = []
        self._choices: list[str] = []
        self._phrasing_intents: list[frozenset[str]] = []
        self._passages: list[bool] = []
        self._distinct_intents: dict[frozenset[str], frozenset[str]] = {}
        self._relatives_seen: dict[frozenset[str], tuple[frozenset[str], frozenset[str], frozenset[str]]] = {}
        self._cores_seen: dict[tuple[str, ...], tuple[frozenset[str], frozenset[str]]] = {}
        self._fact_terms: list[frozenset[str]] = []
        self._fact_core: list[frozenset[str]] = []
        self._fact_core_parents: list[frozenset[str]] = []
        self._fact_words: list[frozenset[str]] = []
        self._fact_people: list[frozenset[str]] = []
        # The start of each fact's phrasings, and how many times each word occurs in the facts'
        # own texts: what a later build needs to copy a fact and to take one away.
        self._phrasing_starts: list[int] = []
        self._word_counts: Counter[str] = Counter()
        self._index_facts(base, previous)
        self._beyond_phrasings = self._find_beyond_phrasings()
        self._vocabulary = self._build_vocabulary(base, self._word_counts.keys())
        self._speller = Speller(self._vocabulary)
        self._form_of_stem = _forms_by_stem(self._vocabulary)
        self._stems_bound = len(self._stems) + MAX_REMEMBERED_CORRECTIONS
        self._corrections: dict[str, str] = {}
        self._role_words = self._words_of_roles(base.roles)
        person_facts = {person.role_fact for person in base.people}
        self._person_facts = frozenset(index for index, fact in enumerate(base.facts) if fact.id in person_facts)
        self._stated_details = {name: states for name, states in STATED_DETAILS.items() if name in base.intents}
        self._unmatched_intents = frozenset({"what", *self._stated_details})
        # Which of them each fact states, worked out when first asked: few questions ask.
        self._details_given: dict[int, frozenset[str]] = {}
        self._weekday_given: dict[int, bool] = {}
        del self._distinct_intents, self._relatives_seen, self._cores_seen
        self._default_suggestions: dict[str | None, list[Fact]] = {}
        postings: dict[str, set[int]] = {}
        for index, content in enumerate(self._choices):
            for word in content.split():
                if word[0] != INTENT_PREFIX:
                    postings.setdefault(word, set()).add(index)
        # Kept as built: turning 20,000 sets into frozensets doubled the memory for a moment, and
        # freeing the sets at the end was one long step that held the GIL.
        self._postings: Mapping[str, set[int]] = postings

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
                key = tuple(words_of(alias))
                while key[:1] == ("the",):
                    key = key[1:]
                if key:
                    self._alias_tokens.setdefault(key, (token,))
                    self._alias_choices.setdefault(" ".join(key), term)

    def _chained_synonyms(self, synonyms: Mapping[str, str]) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Each synonym's meaning is itself read through the synonyms, so that a chain ("wats" ->
        "whats" -> "what") lands where its last link does, as a question's words are read only once.
        A chain is followed a few links at most, which also ends any loop."""
        table = PhraseTable({tuple(words_of(word)): tuple(words_of(meaning)) for word, meaning in synonyms.items()})
        chained: dict[tuple[str, ...], tuple[str, ...]] = {}
        for phrase, meaning in table.items():
            for _ in range(MAX_SYNONYM_LINKS):
                followed = tuple(self._replace_phrases(meaning, table))
                if followed == meaning:
                    break
                meaning = followed
            chained[phrase] = meaning
        return chained

    def _build_nested_aliases(self) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Aliases that name their term through another one's name ("president of russia",
        "capital of kazakhstan"), with that inner name folded into its token, so that they are
        recognised however the inner one is written: "president of the russian federation",
        "capital of kazakstan". Only names of people, places and bodies count as inner names
        (not concepts: "state" in "state media" is no country), and a folded alias that two
        terms would share is left out. Nor do the background terms (the summit, the SCO), whose names
        are everyday words: "meeting with" is no summit."""
        entity_tokens = {self.term_token(t.id) for t in self.base.terms if t.kind != "concept" and not t.background}
        nested: dict[tuple[str, ...], tuple[str, ...]] = {}
        ambiguous: set[tuple[str, ...]] = set()
        for alias, folded_to in self._alias_tokens.items():
            if len(alias) < 2:
                continue
            # Its other aliases folded, as a question's are: any phrase shorter than itself.
            inner = tuple(self._replace_phrases(alias, self._alias_tokens, longest=len(alias) - 1))
            if inner == alias or len(inner) < 2 or not entity_tokens.intersection(inner) or folded_to[0] in inner:
                continue
            if nested.get(inner, folded_to) != folded_to:
                ambiguous.add(inner)
            nested[inner] = folded_to
        return {key: value for key, value in nested.items() if key not in ambiguous and key not in self._alias_tokens}

    def _build_vocabulary(self, base: FactBase, fact_words: Iterable[str]) -> frozenset[str]:
        """Every word the base knows; `fact_words`, those of the facts' own texts, were gathered
        while they were indexed, so that each text is normalised only once."""
        words: set[str] = set(STOPWORDS)
        words.update(fact_words)
        texts: list[str] = [
            *base.fillers,
            *base.roles,
            *(cue for cues in base.intents.values() for cue in cues),
            *base.synonyms,
            *base.synonyms.values(),
        ]
        for term in base.terms:
            texts.extend(term.aliases)
        for text in texts:
            words.update(words_of(text))
        return frozenset(words)

    def _words_of_roles(self, roles: Iterable[str]) -> frozenset[str]:
        """The words of the titles and jobs, read as a question's words are."""
        words: set[str] = set()
        for role in roles:
            words.update(t for t in self._read_fact_text(role, []).informative if t not in self._terms)
        return frozenset(words)

    def _build_intent_cues(self, intents: Mapping[str, tuple[str, ...]]) -> dict[tuple[str, ...], tuple[str, ...]]:
        """Cue phrases folded like questions are, each standing for its intent's token ("which",
        "what" -> "?what"), or for each of several when listed under several ("what time" asks
        when, and for a time of day). A cue written "^is" only counts as the first word, which is
        how a yes/no question ("is Turkey a member?") shows itself."""
        cues: dict[tuple[str, ...], tuple[str, ...]] = {}
        for intent, phrases in intents.items():
            token = INTENT_PREFIX + intent
            for phrase in phrases:
                anchored = phrase.lstrip().startswith("^")
                key = tuple(self._fold_terms(words_of(phrase)))
                if key:
                    key = (ANCHOR, *key) if anchored else key
                    if token not in cues.get(key, ()):
                        cues[key] = (*cues.get(key, ()), token)
        return cues

    def _words_folded_differently(self, previous: Matcher) -> frozenset[str] | None:
        """The words of a fact's text that may make it fold differently here than in `previous`;
        a text with none of them folds alike, so its fact can be copied. None when everything
        must be read again: the terms' relations changed, or a cue that only counts as a
        question's first word did (every text has a first word).

        A phrase table's scan only ever changes at a word that starts a changed phrase, so the
        changed phrases' first words are what matters, traced back to the words of the text
        that can produce them: a synonym produces its meaning, an alias its term's token.
        """
        if not (
            _same_mapping(self._parents, previous._parents)
            and _same_mapping(self._kinds, previous._kinds)
            and self._background == previous._background
        ):
            return None
        starts: set[str] = set()
        tables = (
            (self._synonyms, previous._synonyms),
            (self._fillers, previous._fillers),
            (self._alias_tokens, previous._alias_tokens),
            (self._nested_aliases, previous._nested_aliases),
            (self._intent_cues, previous._intent_cues),
        )
        # Loops rather than set operations on the key views: on 86,000 aliases those are single
        # steps of 60 ms that hold the GIL beside the event loop.
        for new, old in tables:
            starts.update([phrase[0] for phrase, meaning in new.items() if old.get(phrase) != meaning])
            starts.update([phrase[0] for phrase in old if phrase not in new])
        if ANCHOR in starts:
            return None
        words: set[str] = set()
        for matcher in (self, previous):
            words |= matcher._words_producing(starts)
        return frozenset(words)

    def _words_producing(self, tokens: set[str]) -> set[str]:
        """The words of a text that can turn into any of `tokens` as it is folded: the token
        itself, the first word of a synonym whose meaning holds it, and for a term's token the
        first words of its aliases (and of the synonyms that produce those)."""
        wanted = set(tokens)
        wanted.update(alias[0] for alias, folded in self._alias_tokens.items() if folded[0] in tokens)
        wanted.update(phrase[0] for phrase, meaning in self._synonyms.items() if not wanted.isdisjoint(meaning))
        return wanted

    def _index_facts(self, base: FactBase, previous: Matcher | None) -> None:
        changed_words = self._words_folded_differently(previous) if previous is not None else None
        if previous is None or changed_words is None:
            for index, fact in enumerate(base.facts):
                self._index_fact(index, fact)
            return
        earlier = {fact.id: index for index, fact in enumerate(previous.base.facts)}
        rereads = not changed_words.isdisjoint(previous._word_counts)
        copied: set[int] = set()
        for index, fact in enumerate(base.facts):
            old_index = earlier.get(fact.id)
            if (
                old_index is not None
                and _indexed_alike(previous.base.facts[old_index], fact)
                and not (rereads and _mentions_any(fact, changed_words))
            ):
                self._copy_fact(previous, old_index, index)
                copied.add(old_index)
            else:
                self._index_fact(index, fact)
        self._word_counts.update(previous._word_counts)
        for old_index, old_fact in enumerate(previous.base.facts):
            if old_index not in copied:
                self._word_counts.subtract(word for text in _texts_of(old_fact) for word in words_of(text))
        for word in [word for word, count in self._word_counts.items() if count <= 0]:
            del self._word_counts[word]

    def _phrasings_of(self, index: int) -> range:
        """Where a fact's phrasings are in the columns, once every fact is indexed."""
        starts = self._phrasing_starts
        return range(starts[index], starts[index + 1] if index + 1 < len(starts) else len(self._choices))

    def _copy_fact(self, previous: Matcher, old_index: int, index: int) -> None:
        old = previous._phrasings_of(old_index)
        start, end = old.start, old.stop
        self._phrasing_starts.append(len(self._choices))
        contents = previous._choices[start:end]
        self._phrasing_facts += [index] * len(contents)
        self._choices += contents
        distinct = self._distinct_intents
        self._phrasing_intents += [distinct.setdefault(i, i) for i in previous._phrasing_intents[start:end]]
        self._passages += previous._passages[start:end]
        self._fact_terms.append(previous._fact_terms[old_index])
        self._fact_people.append(previous._fact_people[old_index])
        self._fact_words.append(previous._fact_words[old_index])
        self._fact_core.append(previous._fact_core[old_index])
        self._fact_core_parents.append(previous._fact_core_parents[old_index])

    def _index_fact(self, index: int, fact: Fact) -> None:
        self._phrasing_starts.append(len(self._choices))
        words_seen: list[str] = []
        mentioned: set[str] = set(fact.about)
        words: set[str] = set()
        asks = frozenset({fact.asks})
        for text in (fact.answer, fact.quote):
            folded = self._read_fact_text(text, words_seen)
            mentioned |= folded.entities
            words |= folded.informative
            # The answer and quote count as phrasings too, at a discount: a question may use the
            # article's own words ("China's flagship infrastructure project").
            self._add_phrasing(index, folded.content, asks, passage=True)
        for question in fact.questions:
            folded = self._read_fact_text(question, words_seen)
            mentioned |= folded.entities
            words |= folded.informative
            self._add_phrasing(index, folded.content, folded.intents | asks, passage=False)
        # What the fact does not answer is matched like its questions, last, but adds nothing to
        # what the fact is about or which words the base knows: a word only they use is still
        # one the article never says.
        for question in fact.beyond:
            folded = self._read_fact_text(question, [])
            self._add_phrasing(index, folded.content, folded.intents | asks, passage=False)
        self._word_counts.update(words_seen)
        related, people, related_tokens = self._relatives_of(frozenset(mentioned))
        self._fact_terms.append(related)
        self._fact_people.append(people)
        self._fact_words.append(frozenset(words | related_tokens))
        core, core_parents = self._core_of(fact.about)
        self._fact_core.append(core)
        self._fact_core_parents.append(core_parents)

    def _relatives_of(self, mentioned: frozenset[str]) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """The terms a fact is about with their relatives, the people among those relatives'
        parts, and their tokens: worked out once for each set of terms, which the facts about
        one person or place mostly share."""
        found = self._relatives_seen.get(mentioned)
        if found is None:
            related = self._with_relatives(set(mentioned))
            people = frozenset(self._descendants(related, people=True) - related)
            found = self._relatives_seen[mentioned] = (related, people, frozenset(map(self.term_token, related)))
        return found

    def _core_of(self, about: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
        """What a fact is about, background aside, and what those are part of; once for each `about`."""
        found = self._cores_seen.get(about)
        if found is None:
            core = frozenset(a for a in about if a not in self._background)
            parents = frozenset().union(*(self._ancestors(a) for a in core)) if core else frozenset()
            found = self._cores_seen[about] = (core, parents)
        return found

    def _find_beyond_phrasings(self) -> frozenset[int]:
        """The phrasings that are questions their fact does not answer: each fact's last ones,
        as many as its `beyond` list. A set, so that answering tests each hit in one step."""
        found: list[int] = []
        for index, fact in enumerate(self.base.facts):
            if fact.beyond:
                end = self._phrasings_of(index).stop
                found.extend(range(end - len(fact.beyond), end))
        return frozenset(found)

    def _add_phrasing(self, fact_index: int, content: str, intents: frozenset[str], passage: bool) -> None:
        self._phrasing_facts.append(fact_index)
        self._choices.append(content)
        self._phrasing_intents.append(self._distinct_intents.setdefault(intents, intents))
        self._passages.append(passage)

    def _with_relatives(self, term_ids: set[str]) -> frozenset[str]:
        """The terms plus what they are part of, and the places and bodies that are part of them.

        A fact about Putin fits a question about the Kremlin, and one about Kazakhstan fits a
        question about Astana.
        """
        related = set(term_ids)
        for term_id in term_ids:
            related |= self._ancestors(term_id)
        return frozenset(related | self._descendants(related, people=False))

    def _descendants(self, term_ids: set[str] | frozenset[str], people: bool) -> set[str]:
        found: set[str] = set()
        for term_id in term_ids:
            found |= self._all_descendants.get(term_id, set())
        return found if people else {t for t in found if self._kinds.get(t) != "person"}

    def _ancestors(self, term_id: str) -> set[str]:
        found: set[str] = set()
        parent = self._parents.get(term_id)
        while parent and parent not in found:
            found.add(parent)
            parent = self._parents.get(parent)
        return found

    def _read_fact_text(self, text: str, words_seen: list[str]) -> _FactText:
        """A fact's own text, folded as a question is (see `read`) but with no spelling to
        correct, since the vocabulary is made of these very words; its words go to `words_seen`."""
        words = words_of(text)
        words_seen += words
        tokens = self._fold(self._apply_synonyms(words))
        _, stems = self._content_and_stems(tokens)
        return _FactText(
            content=" ".join(stems),
            entities=self._entities_in(tokens),
            intents=self._intents_in(tokens),
            informative=frozenset(t for t in stems if t[0] != INTENT_PREFIX),
        )

    # --- reading a question ---------------------------------------------------------------

    def read(self, question: str) -> Reading:
        words = self._spelled_out_joined(words_of(question))
        if _STRETCHED.search(question):
            words = [self._unstretched(word) for word in words]
        words = self._apply_synonyms(words)
        return self._reading(question, self._fold(self._corrected(words)))

    def _unstretched(self, word: str) -> str:
        """A word with a letter held down for effect ("whooo", "sooooo", "heyyy"): each run of
        three or more cut to two, or to one where only that makes a word the base knows."""
        if not _STRETCHED.search(word):
            return word
        doubled = _STRETCHED.sub(r"\1\1", word)
        single = _STRETCHED.sub(r"\1", word)
        return single if doubled not in self._vocabulary and single in self._vocabulary else doubled

    def _fold(self, words: Sequence[str]) -> list[str]:
        """Filler dropped, aliases folded into term tokens, cues into intent tokens: the steps a
        question and a fact's own text share, so that both are compared in the same terms."""
        return self._mark_intents(self._fold_terms(self._drop_fillers(words)))

    def _content_and_stems(self, tokens: Sequence[str]) -> tuple[list[str], list[str]]:
        """The tokens that are scored, and their stems (term and intent tokens kept whole)."""
        unscored = self._unscored
        content = [t for t in tokens if t not in unscored]
        known = self._stems
        return content, [known.get(t) or self._new_stem(t) for t in content]

    def _new_stem(self, word: str) -> str:
        """Remembered up to a bound: every word of the facts is, most words of questions are."""
        stemmed = stem(word)
        if len(self._stems) < self._stems_bound:
            self._stems[word] = stemmed
        return stemmed

    def _intents_in(self, tokens: Iterable[str]) -> frozenset[str]:
        intent_names = self._intent_names
        return frozenset([intent_names[t] for t in intent_names.keys() & tokens])

    def _reading(self, question: str, tokens: Sequence[str]) -> Reading:
        content, stems = self._content_and_stems(tokens)
        unknown = tuple(
            t
            for t, t_stem in zip(content, stems, strict=True)
            if t not in self._terms and t[0] != INTENT_PREFIX and t_stem not in self._form_of_stem and not is_number(t)
        )
        return Reading(
            text=question,
            tokens=tuple(tokens),
            content=" ".join(stems),
            entities=self._entities_in(tokens) - self._set_aside(tokens),
            intents=self._intents_in(tokens),
            unknown_words=unknown,
            informative=frozenset(t for t in stems if t[0] != INTENT_PREFIX),
        )

    def _apply_synonyms(self, words: Sequence[str]) -> list[str]:
        words = self._replace_phrases(words, self._synonyms)
        return self._going_to_as_will(words) if "going" in words else words

    def _going_to_as_will(self, words: list[str]) -> list[str]:
        """ "Going to" before a verb is the future ("is Turkey going to leave NATO": will leave);
        before a place or "the", a journey ("going to Astana", "going to the summit")."""
        read: list[str] = []
        position = 0
        while position < len(words):
            if words[position : position + 2] == ["going", "to"] and position + 2 < len(words):
                following = words[position + 2]
                journey = following not in _VERBS_OF_BEING and (
                    following in STOPWORDS or following in self._alias_tokens.spans
                )
                if not journey:
                    read.append("will")
                    position += 2
                    continue
            read.append(words[position])
            position += 1
        return read

    def _corrected(self, words: Sequence[str]) -> list[str]:
        corrected: list[str] = []
        position = 0
        while position < len(words):
            word = words[position]
            position += 1
            joined = self._joined(word, words[position]) if position < len(words) else None
            if joined is not None:
                corrected.append(joined)
                position += 1
            elif self._is_known(word) or len(word) < 4:
                corrected.append(word)
            else:
                corrected += self._correct(word).split()
        return corrected

    def _spelled_out_joined(self, words: Sequence[str]) -> Sequence[str]:
        """Letters dictated one by one ("the u n", "n a t o") joined into the word they spell,
        when the base knows it and it is no function word ("u r" stays two words)."""
        if sum(len(word) == 1 for word in words) < 2:
            return words
        joined: list[str] = []
        position = 0
        while position < len(words):
            end = position
            while end < len(words) and len(words[end]) == 1 and words[end].isalpha():
                end += 1
            spelled = "".join(words[position:end])
            if end - position >= 2 and spelled in self._vocabulary and spelled not in STOPWORDS:
                joined.append(spelled)
                position = end
            else:
                joined.append(words[position])
                position += 1
        return joined

    def _is_known(self, word: str) -> bool:
        return word in self._vocabulary or is_number(word)

    def _joined(self, first: str, second: str) -> str | None:
        """A word typed with a space inside: two words, one of them at least unknown to the base,
        that make one it knows ("a stana", "kazak stan"); when neither half is known, one it
        knows once spelling is corrected ("bella russ", "guter res"). Never a function word: "the
        re election" is no "there"."""
        first_known, second_known = self._is_known(first), self._is_known(second)
        if first_known and second_known:
            return None
        word = first + second
        if word not in self._vocabulary and not (first_known or second_known):
            word = self._correct(word)
        return word if word in self._vocabulary and word not in STOPWORDS else None

    def _correct(self, word: str) -> str:
        """Memoised in a plain dict (an lru_cache on a bound method would make the matcher a
        reference cycle, which only the cyclic collector could free after a reload)."""
        corrected = self._corrections.get(word)
        if corrected is None:
            if len(self._corrections) >= MAX_REMEMBERED_CORRECTIONS:
                self._corrections.clear()
            corrected = self._corrections[word] = self._correct_uncached(word)
        return corrected

    def _correct_uncached(self, word: str) -> str:
        """The closest word the fact base knows, when it is close enough to be a typo of it, or two
        known words run together.

        Short words need to be closer. From six letters on, one changed letter is taken for a typo
        ("arrzve", "meaber"); in five it is as often another word ("paris" is not "parts"), so
        there only a dropped or doubled letter is.
        """
        same_stem = self._form_of_stem.get(stem(word)) if word.endswith(("ing", "ed")) else None
        if same_stem is not None:
            # A verb's form of a word the base has: "talking" is no typo of "taking" when the base
            # says "talks", nor "planning" of "playing" when it says "planned". (Plurals are
            # left to the speller: "times" is not the "time" that asks when.)
            return same_stem
        corrected = self._speller.correct(word, cutoff=86.0 if len(word) <= 5 else 80.0)
        if corrected is None and len(word) <= 5:
            corrected = self._transposed(word)
        if corrected in STOPWORDS and OSA.distance(corrected, word) > 1:
            # A word the base lacks is not read as a function word two slips away: "weather" is
            # not "whether", and dropping it would leave "the weather in Astana" about Astana.
            corrected = None
        return corrected or self._split(word) or word

    def _transposed(self, word: str) -> str | None:
        """A known word with two neighbouring letters swapped ("inida", "raod"): the commonest
        slip of a fast typist, and one that rarely makes another word, so it is read as a typo
        even in a short word, where one changed letter is not."""
        for position in range(len(word) - 1):
            swapped = word[:position] + word[position + 1] + word[position] + word[position + 2 :]
            if swapped != word and swapped in self._vocabulary:
                return swapped
        return None

    def _split(self, word: str) -> str | None:
        """Two known words typed without the space between them ("howlong", "whatday"), each of
        three letters at least, so that a stray "no" or "a" does not split words the base lacks."""
        known = self._vocabulary
        for cut in range(3, len(word) - 2):
            if word[:cut] in known and word[cut:] in known:
                return f"{word[:cut]} {word[cut:]}"
        return None

    def _drop_fillers(self, words: Sequence[str]) -> list[str]:
        return self._replace_phrases(words, self._fillers)

    def _fold_terms(self, words: Sequence[str]) -> list[str]:
        folded = self._replace_phrases(words, self._alias_tokens)
        if self._nested_aliases.spans.keys().isdisjoint(folded):
            return folded
        return self._replace_phrases(folded, self._nested_aliases)

    @staticmethod
    def _replace_phrases(words: Sequence[str], table: PhraseTable, longest: int = sys.maxsize) -> list[str]:
        """Scan left to right; where a phrase of `table` starts (the longest one, of at most
        `longest` words), put its replacement instead (a synonym, a term token, an intent token,
        or nothing for filler). Only the words that start some phrase are looked at one by one."""
        spans = table.spans
        if spans.keys().isdisjoint(words):
            return list(words)
        result: list[str] = []
        done, count = 0, len(words)
        for start in [i for i, word in enumerate(words) if word in spans]:
            if start < done:
                continue
            for span in spans[words[start]]:
                phrase = tuple(words[start : start + span]) if start + span <= count and span <= longest else None
                if phrase in table:
                    result += words[done:start]
                    result += table[phrase]
                    done = start + span
                    break
        result += words[done:]
        return result

    def _mark_intents(self, tokens: Sequence[str]) -> list[str]:
        """Replace each intent cue by its intent token, so that phrasings compare on what they
        ask, however it is worded; the start-of-question mark is only there for anchored cues,
        and stays first unless one of them took it."""
        marked = self._replace_phrases([ANCHOR, *tokens], self._intent_cues)
        return marked[1:] if marked[:1] == [ANCHOR] else marked

    def _set_aside(self, tokens: Sequence[str]) -> frozenset[str]:
        """What a question names only to leave it out ("which country other than Turkey is a
        partner"): the first name after "besides" or "except"."""
        set_aside: set[str] = set()
        for position, token in enumerate(tokens):
            if token in _SETTING_ASIDE:
                following = next((t for t in tokens[position + 1 :] if t not in STOPWORDS), None)
                if following in self._entity_ids:
                    set_aside.add(self._entity_ids[following])
        return frozenset(set_aside)

    def _entities_in(self, tokens: Iterable[str]) -> frozenset[str]:
        entity_ids = self._entity_ids
        return frozenset([entity_ids[t] for t in entity_ids.keys() & tokens])

    # --- answering ------------------------------------------------------------------------

    def ask(self, question: str, previous: Reading | None = None, source: str | None = None) -> Answer:
        """Answer a question; with `previous`, the same asker's last question, a follow-up
        such as "what did she say?" or "and Xi?" is read in its light; with `source`, only
        that article's facts can answer."""
        reading = self.read(question)
        if previous is not None:
            reading = self.follow_up(reading, previous)
        return self.answer(reading, source)

    def follow_up(self, reading: Reading, previous: Reading) -> Reading:
        """The question as it is meant after `previous`.

        "and Xi?" / "what about Xi?" repeats the previous question about someone else; a
        question that names nobody but says "he", "she" or "they" is about whom the previous
        one named. Anything else stands on its own.
        """
        words = words_of(reading.text)
        if any(words[: len(cue)] == list(cue) for cue in CONTINUATIONS):
            subject, named = self._subject(previous.tokens), self._subject(reading.tokens)
        else:
            subject = [t for t in previous.tokens if self._is_foreground_entity(t)]
            named = [t for t in reading.tokens if self._is_foreground_entity(t)]
        if not subject:
            return reading
        if named and any(words[: len(cue)] == list(cue) for cue in CONTINUATIONS):
            replacement = iter(named)
            tokens = [next(replacement, t) if t in subject else t for t in previous.tokens]
            tokens += [t for t in named if t not in tokens]
            return self._reading(reading.text, tokens)
        if not named and PRONOUNS.intersection(words):
            return self._reading(reading.text, [*reading.tokens, *dict.fromkeys(subject)])
        return reading

    def _subject(self, tokens: Sequence[str]) -> list[str]:
        """What a question is about: the people and places it names, else the ideas it names."""
        entities = [t for t in tokens if self._is_foreground_entity(t)]
        return entities or [t for t in tokens if (term := self._terms.get(t)) is not None and term.kind == "concept"]

    def _is_foreground_entity(self, token: str) -> bool:
        term = self._terms.get(token)
        return term is not None and term.kind != "concept" and term.id not in self._background

    def answer(self, reading: Reading, source: str | None = None) -> Answer:
        question = reading.text
        tuning = self.tuning
        facts = self.base.facts
        if source is None:
            ranked = self.candidates(reading, limit=tuning.max_suggestions)
        else:
            ranked = [c for c in self.candidates(reading) if facts[c.fact_index].source == source]
        if (
            ranked
            and ranked[0].total >= tuning.answer_threshold
            and ranked[0].text >= tuning.answer_text_floor
            and not ranked[0].beyond
        ):
            return answer_with(facts[ranked[0].fact_index], question, ranked[0].total)
        suggested = [
            facts[c.fact_index] for c in ranked[: tuning.max_suggestions] if c.total >= tuning.suggestion_floor
        ]
        if not suggested:
            suggested = self.default_suggestions(source)
        return Answer(
            question=question,
            answered=False,
            score=ranked[0].total if ranked else 0.0,
            suggestions=tuple(f.title for f in suggested),
            suggestion_ids=tuple(f.id for f in suggested),
        )

    def suggest(self, partial: str, limit: int = 25) -> list[str]:
        """Questions to offer while someone is still typing, ranked the way `ask` ranks them."""
        ranked = self.rank(self.read(partial), limit=limit) if partial.strip() else []
        titles = [fact.title for fact, _ in ranked]
        if not titles:
            titles = [fact.title for fact in self.base.facts]
        return titles[:limit]

    def resolve(self, name: str, kinds: frozenset[str]) -> Term | None:
        """The person or country a name refers to, through its aliases, tolerating typos."""
        words = self._corrected(self._apply_synonyms(self._spelled_out_joined(words_of(name))))
        folded = self._alias_tokens.get(tuple(words), ())
        term = self._terms.get(folded[0]) if folded else None
        if term is not None and term.kind in kinds:
            return term
        choices = {alias: t for alias, t in self._alias_choices.items() if t.kind in kinds}
        match = process.extractOne(" ".join(words), list(choices), scorer=fuzz.WRatio, score_cutoff=85)
        return choices[match[0]] if match else None

    def default_suggestions(self, source: str | None = None) -> list[Fact]:
        """Facts offered when nothing is even close: the first few of the base (or article)."""
        if source not in self._default_suggestions:
            offered = [f for f in self.base.facts if source in (None, f.source)]
            plain = [f for f in offered if f.kind == "fact"] or offered
            self._default_suggestions[source] = plain[: self.tuning.max_suggestions]
        return self._default_suggestions[source]

    def rank(self, reading: Reading, limit: int | None = None) -> list[tuple[Fact, float]]:
        """Facts with their scores for this reading, best first (one entry per fact)."""
        return [(self.base.facts[c.fact_index], c.total) for c in self.candidates(reading, limit)]

    def candidates(self, reading: Reading, limit: int | None = None) -> list[Candidate]:
        """The facts' scores with their parts, best first (only the best `limit` when given);
        empty when the question says nothing."""
        if not reading.content:
            return []
        tuning = self.tuning
        content = reading.content
        shortlist = self._shortlist(reading.informative)
        choices = self._choices
        hits = process.extract(
            content,
            [choices[index] for index in shortlist],
            scorer=fuzz.token_set_ratio,
            limit=None,
            score_cutoff=tuning.text_floor,
        )
        # One call scores every hit's word order too: rapidfuzz's loop is in C, a Python one is
        # a third of the time a question takes on a small base.
        sort_scores = [0.0] * len(shortlist)
        for _, sort_score, position in process.extract(
            content, [choice for choice, _, _ in hits], scorer=fuzz.token_sort_ratio, limit=None
        ):
            sort_scores[hits[position][2]] = sort_score
        intent_scores: dict[frozenset[str], float] = {}
        # Each fact's best phrasing: its wording and intent scores, and its position when it is a
        # question beyond the fact.
        best: dict[int, tuple[float, float, int | None]] = {}
        beyond_phrasings = self._beyond_phrasings
        said = reading.informative | {INTENT_PREFIX + intent for intent in reading.intents}
        for choice, set_score, position in hits:
            index = shortlist[position]
            fact_index = self._phrasing_facts[index]
            beyond = index in beyond_phrasings
            if beyond and not said.issuperset(set(choice.split()) - self._background_tokens - GENERIC_INTENT_TOKENS):
                # "what are the leaders trying to do" is not "what did the leaders decide": a
                # question must say all that a question beyond the fact says to be one, and ask
                # all it asks ("what is the exact date" is not "what are the dates"), the summit
                # and the bloc aside, which every question is about.
                continue
            text = tuning.set_weight * set_score + (1 - tuning.set_weight) * sort_scores[position]
            if self._passages[index]:
                text *= tuning.passage_weight
            asked = self._phrasing_intents[index]
            intent = intent_scores.get(asked)
            if intent is None:
                intent = intent_scores[asked] = self._intent_fit(reading.intents, asked)
            previous = best.get(fact_index)
            if previous is None or text + intent > previous[0] + previous[1]:
                best[fact_index] = (text, intent, index if beyond else None)
        named = self._named_in(reading)
        details_asked = reading.intents & self._stated_details.keys()
        telling = reading.informative - self._background_tokens
        # Words for the article itself count in how much the question says, never as one a fact lacks.
        lackable = telling - _ARTICLE_WORD_STEMS
        counts = frozenset(word for word in telling if is_number(word) and not _is_year(word))
        # A day offered to be confirmed or set right; "what happens on Thursday" asks about the day.
        weekdays = telling & WEEKDAYS if "what" not in reading.intents else frozenset()
        # Both penalties grow with the share of the question they concern, so one stray word in a
        # long, chatty question costs less than in a short one.
        unknown = -tuning.unknown_word_penalty * len(reading.unknown_words) / max(len(reading.informative), 1) ** 0.5
        candidates: list[Candidate] = []
        top_totals: list[float] = []  # a min-heap of the best `limit` totals so far
        # Entity fit adds at most the named bonus and coverage only takes away, so text + intent +
        # bonus bounds a fact's total: once it falls below the `limit`-th best total so far, no
        # fact further down the list can enter the top `limit`.
        for index, (text, intent, beyond_at) in sorted(
            best.items(), key=lambda item: (-item[1][0] - item[1][1], item[0])
        ):
            bound = text + intent + tuning.named_bonus + unknown
            if limit is not None and len(top_totals) >= limit and bound < top_totals[0]:
                break
            beyond = beyond_at is not None
            missing = lackable - self._fact_words[index]
            also_named: frozenset[str] = frozenset()
            if beyond_at is not None:
                # Closest to a question the fact does not answer ("did Putin and Xi meet one on
                # one?"), the question is judged with that one's words and names as the fact's
                # own, or the names and words that make it a different question would bury it.
                beyond_tokens = self._choices[beyond_at].split()
                missing = missing.difference(beyond_tokens)
                also_named = frozenset(self._entity_ids[t] for t in beyond_tokens if t in self._entity_ids)
            if missing and index in self._person_facts:
                # "Is Ushakov the foreign minister?" is answered by who he is: a Kremlin aide.
                missing -= self._role_words
            if weekdays and not missing.isdisjoint(weekdays) and self._names_a_weekday(index):
                # "Guterres spoke on Wednesday, right?" misremembers the day that the fact gives
                # (Thursday): the fact sets it right, as one that gives a count does a wrong count.
                missing -= weekdays
            if counts and self.base.facts[index].asks == COUNT_INTENT and not missing.isdisjoint(counts):
                # "so 10 members now?" offers a count for the fact that gives one to confirm or
                # correct. A year names an event ("the 2025 summit"), and a fact that gives no
                # count answers nothing about one ("the Shanghai Five").
                missing -= counts
            uncovered = len(missing) / max(len(telling), 1)
            if details_asked and not details_asked <= self._details_stated_by(index):
                beyond = True
            candidate = Candidate(
                fact_index=index,
                text=text,
                intent=intent,
                entity=self._entity_fit(index, named, also_named),
                coverage=-tuning.uncovered_word_penalty * uncovered,
                unknown=unknown,
                beyond=beyond,
            )
            candidates.append(candidate)
            if limit is not None:
                if len(top_totals) < limit:
                    heapq.heappush(top_totals, candidate.total)
                else:
                    heapq.heappushpop(top_totals, candidate.total)
        # Ties go to the fact that comes first in the base, so an answer never depends on hashing.
        candidates.sort(key=lambda c: (-c.total, c.fact_index))
        return candidates if limit is None else candidates[:limit]

    def _names_a_weekday(self, index: int) -> bool:
        """Whether a fact's answer or quote gives a day of the week; worked out when first asked."""
        names = self._weekday_given.get(index)
        if names is None:
            fact = self.base.facts[index]
            names = self._weekday_given[index] = states_weekday(fact.answer) or states_weekday(fact.quote)
        return names

    def _details_stated_by(self, index: int) -> frozenset[str]:
        """What a fact's answer or quote states, or one of its own questions asks: "how long will
        the leaders be meeting" is a question of the summit's length, which the article gives as
        two days without a word of the future."""
        given = self._details_given.get(index)
        if given is None:
            fact = self.base.facts[index]
            stated = {
                name for name, states in self._stated_details.items() if states(fact.answer) or states(fact.quote)
            }
            phrasings = self._phrasings_of(index)
            for phrasing in range(phrasings.start, phrasings.stop - len(fact.beyond)):
                stated |= self._phrasing_intents[phrasing] & self._stated_details.keys()
            given = self._details_given[index] = frozenset(stated)
        return given

    def _shortlist(self, words: frozenset[str]) -> list[int]:
        """The phrasings that share a word with the question: only these can score.

        Rarest words first, and a common word only while the list is still short, so a large
        base does not hand rapidfuzz half its phrasings because the question says "arrive".
        """
        limit = self.tuning.shortlist_size
        lists = sorted((self._postings.get(word, _NO_POSTINGS) for word in sorted(words)), key=len)
        found: set[int] = set()
        for postings in lists:
            if found and len(found) + len(postings) > limit:
                break
            if not found and len(postings) > limit:
                if not lists[0]:
                    # Words no phrasing has beside words that are everywhere: "what is the stock
                    # price of apple". Nothing is scored; at 100,000 facts scoring the phrasings
                    # that share "price" was the slowest 1% of answers, and declined anyway.
                    return []
                return self._common_words_shortlist(lists, limit)
            found |= postings
        return sorted(found)

    def _common_words_shortlist(self, lists: list[frozenset[int]], limit: int) -> list[int]:
        """When even the rarest word of a question is everywhere, the phrasings that have several
        of its words are the telling ones; at most `limit` of them, in a fixed order.

        When a few times too many remain, the shortest are kept: "what is the SCO" is closest
        to "what is the SCO", not to a long phrasing that also names the SCO. Past that, the
        first ones, so a huge base never sorts thousands of phrasings for one question."""
        common = set(lists[0])
        for postings in lists[1:]:
            narrowed = common & postings
            if narrowed:
                common = narrowed
        if len(common) <= SHORTEST_FIRST_FACTOR * limit:
            choices = self._choices
            return sorted(sorted(common, key=lambda index: (len(choices[index]), index))[:limit])
        return sorted(common)[:limit]

    def _intent_fit(self, asked: frozenset[str], offered: frozenset[str]) -> float:
        """A bonus for a phrasing that asks what the question asks, a penalty for one that does
        not when the question wants one kind of answer. "What" fits anything, and what a fact
        must state (the future, a time of day) is checked against its texts instead: "how many
        members will the bloc have" asks a count, whatever else asks of the future."""
        if asked & offered - self._unmatched_intents:
            return self.tuning.intent_bonus
        if asked & EXCLUSIVE_INTENTS:
            return -self.tuning.intent_penalty
        return 0.0

    def _weight_of(self, term_ids: frozenset[str]) -> int:
        """People count double: in "when did Xi get to Astana", Xi is what is asked about and
        Astana only where."""
        return sum(2 if self._kinds.get(t) == "person" else 1 for t in term_ids)

    def _named_in(self, reading: Reading) -> _Named:
        """What the question names, worked out once for all the facts it is scored against."""
        ids = reading.entities - self._background
        return _Named(
            ids=ids,
            ancestors=frozenset().union(*(self._ancestors(n) for n in ids)) if ids else frozenset(),
            weight=self._weight_of(ids),
            asks_for_another_person="who" in reading.intents and all(self._kinds.get(n) == "person" for n in ids),
        )

    def _entity_fit(self, index: int, named: _Named, also_named: frozenset[str] = frozenset()) -> float:
        """Reward a fact about what the question names; punish one that ignores part of it.

        A fact about someone else counts against it only when the question names somebody: a
        question that names nobody ("who leads the bloc?") may be asking for the fact's subject.
        Nor when the question asks who and names only people, and the fact is about a person:
        "who got there the day before Putin" names Putin and asks for Xi. ("Who is Kazakhstan's
        leader" still asks about Kazakhstan.) What `also_named` holds counts as the fact's own.
        """
        tuning = self.tuning
        foreign = named.ids - self._fact_terms[index] - also_named
        # A person the fact does not name, but whose country or body it is about, counts half:
        # "why are Putin and Xi here" fits a fact about Russia and China, less than one naming them.
        partly = len(foreign & self._fact_people[index])
        fit = -tuning.foreign_entity_penalty * (len(foreign) - partly / 2)
        core = self._fact_core[index]
        if core & named.ids:
            fit += tuning.named_bonus * self._weight_of(core & named.ids) / named.weight
        elif self._fact_core_parents[index] & named.ids or named.ancestors & core:
            fit += tuning.named_bonus / 2
        elif (
            core
            and named.ids
            and not (named.asks_for_another_person and any(self._kinds.get(t) == "person" for t in core))
        ):
            # Half when the fact at least mentions all the question names: the no-limits
            # partnership is about Russia and China, and its quote dates it by Ukraine's invasion.
            fit -= tuning.unnamed_penalty / 2 if not foreign else tuning.unnamed_penalty
        return fit


def _forms_by_stem(vocabulary: Iterable[str]) -> dict[str, str]:
    """Each stem of the vocabulary, with its shortest word (the first in order among as short):
    what a question's word of the same stem is read as, "confirmed" as "confirm"."""
    forms: dict[str, str] = {}
    for word in vocabulary:
        stemmed = stem(word)
        known = forms.get(stemmed)
        if known is None or (len(word), word) < (len(known), known):
            forms[stemmed] = word
    return forms


def _same_mapping(new: Mapping[str, str], old: Mapping[str, str]) -> bool:
    """`new == old`, compared in a loop: comparing the kinds of 100,000 terms with `==` is one
    20 ms step, which holds the GIL beside the event loop during a reload."""
    return len(new) == len(old) and all(old.get(key) == value for key, value in new.items())


def _is_year(number: str) -> bool:
    return len(number) == 4 and number.isdigit()


def _texts_of(fact: Fact) -> tuple[str, ...]:
    """A fact's own texts, in the order its phrasings are indexed."""
    return (fact.answer, fact.quote, *fact.questions)


def _mentions_any(fact: Fact, words: frozenset[str]) -> bool:
    return any(not words.isdisjoint(words_of(text)) for text in (*_texts_of(fact), *fact.beyond))


def _indexed_alike(old: Fact, new: Fact) -> bool:
    """Whether two facts give the same index rows: everything `_index_fact` reads is equal."""
    return (
        old.asks == new.asks
        and old.about == new.about
        and old.answer == new.answer
        and old.quote == new.quote
        and old.questions == new.questions
        and old.beyond == new.beyond
    )


def answer_with(fact: Fact, question: str, score: float = 100.0) -> Answer:
    """The answer `fact` gives to `question`, e.g. when a member picks a suggested question."""
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


@dataclass(frozen=True)
class Candidate:
    """One fact's score for one question, in parts, so that a ranking can be explained."""

    fact_index: int
    text: float
    intent: float
    entity: float
    coverage: float
    unknown: float
    # Its best phrasing is a question the fact does not answer (see `Fact.beyond`).
    beyond: bool = False

    @property
    def total(self) -> float:
        return self.text + self.intent + self.entity + self.coverage + self.unknown
