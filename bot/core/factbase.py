"""The loaded fact base: immutable records the matcher and every front end read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.core.article import Article

SCO_STATUSES = ("member", "non-member", "dialogue-partner", "joining", "leading-power")


@dataclass(frozen=True)
class Term:
    """Something a question can name in many ways: a person, country, organisation or concept.

    `background` terms (the SCO, the summit) are named by almost every question, so a fact
    that does not mention them is not counted as ignoring part of the question.
    """

    id: str
    kind: str
    name: str
    aliases: tuple[str, ...]
    background: bool = False
    part_of: str | None = None


@dataclass(frozen=True)
class Fact:
    """One answerable question, with the verbatim quote that proves the answer."""

    id: str
    asks: str
    about: tuple[str, ...]
    questions: tuple[str, ...]
    answer: str
    quote: str
    paragraph: int
    source: str
    file: str
    line: int
    kind: str = "fact"
    when: str | None = None
    order: int | None = None
    # Questions close to this fact that the article does not answer ("did they actually meet?"
    # beside "who will Putin meet?"): a question closest to one of these is declined, with this
    # fact among the suggestions, rather than answered with what the article does say.
    beyond: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The question shown when this fact is suggested: its first phrasing."""
        first = self.questions[0]
        return first[:1].upper() + first[1:] + ("" if first.endswith("?") else "?")


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    role: str
    aliases: tuple[str, ...]
    role_fact: str


@dataclass(frozen=True)
class Country:
    id: str
    name: str
    aliases: tuple[str, ...]
    status: str | None
    status_fact: str | None


@dataclass(frozen=True)
class FactBase:
    """Everything loaded from one facts folder, validated as a whole."""

    articles: tuple[Article, ...]
    facts: tuple[Fact, ...]
    terms: tuple[Term, ...]
    people: tuple[Person, ...]
    countries: tuple[Country, ...]
    intents: Mapping[str, tuple[str, ...]]
    fillers: tuple[str, ...]
    synonyms: Mapping[str, str]
    files: tuple[str, ...]
    # Words that name a title or a job ("foreign minister", "spokeswoman"): asked whether someone
    # holds one, the fact that says who that person is answers, with the title they do hold.
    roles: tuple[str, ...] = ()
    _by_id: Mapping[str, Fact] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({f.id: f for f in self.facts}))

    def __getstate__(self) -> dict[str, object]:
        """For a snapshot: the index by id is rebuilt, not stored (a mapping proxy cannot be pickled)."""
        return {name: value for name, value in self.__dict__.items() if name != "_by_id"}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.__post_init__()

    @property
    def article(self) -> Article:
        """The first article; the whole base when it covers only one."""
        return self.articles[0]

    def article_for(self, source: str | None) -> Article:
        """The article with id `source` (the first one when it is unknown or None)."""
        return next((a for a in self.articles if a.id == source), self.articles[0])

    def fact(self, fact_id: str) -> Fact:
        return self._by_id[fact_id]

    def get(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def facts_about(self, term_id: str) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if term_id in f.about)

    def timeline(self) -> tuple[Fact, ...]:
        """Facts that carry a date, in the order they happened."""
        dated = [f for f in self.facts if f.order is not None]
        return tuple(sorted(dated, key=lambda f: (f.order, f.id)))

    def person(self, person_id: str) -> Person | None:
        return next((p for p in self.people if p.id == person_id), None)

    def country(self, country_id: str) -> Country | None:
        return next((c for c in self.countries if c.id == country_id), None)
