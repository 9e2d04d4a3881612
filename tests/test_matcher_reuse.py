"""A matcher built from the one it replaces is the matcher a full build gives.

After an edit, the facts that read alike in both bases are copied from the old matcher instead of
being read again; nothing about the result may show which way it was built.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.core import FactService, Matcher, load_fact_base
from bot.core.evaluation import load_questions
from bot.core.factbase import Fact
from tests.conftest import QUESTIONS_FILE

ADDED_FACT = """
  - id: added-by-a-moderator
    asks: when
    about: [putin]
    questions:
      - when did the kremlin leader's jet touch down in astana
    answer: Putin arrived in Astana.
    quote: Russian President Vladimir Putin
    paragraph: 2
"""


def index_of(matcher: Matcher) -> dict[str, object]:
    """Everything a build leaves behind that answering reads."""
    return {
        "phrasings": (matcher._phrasing_facts, matcher._choices, matcher._phrasing_intents, matcher._passages),
        "starts": matcher._phrasing_starts,
        "fact rows": (
            matcher._fact_terms,
            matcher._fact_people,
            matcher._fact_words,
            matcher._fact_core,
            matcher._fact_core_parents,
        ),
        "vocabulary": matcher._vocabulary,
        "word counts": dict(matcher._word_counts),
        "forms by stem": matcher._form_of_stem,
        "postings": {word: sorted(found) for word, found in matcher._postings.items()},
        "beyond phrasings": matcher._beyond_phrasings,
    }


def answers(matcher: Matcher) -> list[tuple[str | None, float, tuple[str, ...]]]:
    return [
        (a.fact_id, round(a.score, 6), a.suggestion_ids)
        for a in (matcher.ask(q.question) for q in load_questions(QUESTIONS_FILE, None))
    ]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the test's edit no longer applies to {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


CHANGED_QUESTION = ("      - when did russia attack ukraine\n", "      - when did moscow strike\n")
ADDED_ALIAS = ("aliases: [", "aliases: [the big boss, ")

EDITS: dict[str, Callable[[Path], None]] = {
    "a question changed": lambda facts: edit(facts / "timeline.yaml", *CHANGED_QUESTION),
    "a fact removed": lambda facts: remove_fact(facts / "timeline.yaml", "ukraine-invasion"),
    "a fact added": lambda facts: edit(facts / "timeline.yaml", "\nfacts:\n", "\nfacts:" + ADDED_FACT + "\n"),
    "a word gone from the vocabulary": lambda facts: edit(
        facts / "timeline.yaml", "how long ago did russia invade", "how long since russia invaded"
    ),
    # The lexicon: facts whose texts may fold differently are read again, the rest copied.
    "an alias added": lambda facts: edit(facts / "people.yaml", *ADDED_ALIAS),
    "an alias made of a common word": lambda facts: edit(
        facts / "people.yaml", "aliases: [", "aliases: [ukraine war, "
    ),
    "an alias removed": lambda facts: edit(facts / "lexicon.yaml", "touched down, touches down, ", ""),
    # "capital of kazakhstan" is also read with KAZAKHSTAN folded: both ways go with it.
    "an alias that names another term removed": lambda facts: edit(
        facts / "entities.yaml", "kazakh capital, capital of kazakhstan]", "kazakh capital]"
    ),
    # "relations" is read as "ties" before aliases are: a new alias "ties" changes its texts too.
    "an alias that a synonym's meaning starts": lambda facts: edit(
        facts / "lexicon.yaml", "aliases: [ally, ", "aliases: [ties, ally, "
    ),
    # Cues are folded through aliases: ("SAY", "about") changes every text that says "said about".
    "a cue that starts with a term": lambda facts: edit(
        facts / "lexicon.yaml", "said: [say, ", "said: [say about, say, "
    ),
    "a question the fact does not answer added": lambda facts: edit(
        facts / "general.yaml", "    beyond:\n", "    beyond:\n      - did the us boycott the summit\n"
    ),
    "a synonym added": lambda facts: edit(
        facts / "lexicon.yaml", "  prez: president\n", "  prez: president\n  inked: signed\n"
    ),
    "a synonym changed": lambda facts: edit(facts / "lexicon.yaml", "  relations: ties\n", "  relations: links\n"),
    "a filler added": lambda facts: edit(
        facts / "lexicon.yaml", "fillers: [tell me, ", "fillers: [tell me, days before, "
    ),
    "an intent cue added": lambda facts: edit(facts / "lexicon.yaml", "who: [who, ", "who: [who, which country, "),
    "a first-word cue added": lambda facts: edit(facts / "lexicon.yaml", "status: [^is, ", "status: [^is, ^should, "),
    "a place moved": lambda facts: edit(
        facts / "countries.yaml",
        "    part_of: central-asia\n",
        "",
    ),
}


def remove_fact(path: Path, fact_id: str) -> None:
    """Drop one record from a facts file: from its `- id:` line to the next record."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index(f"  - id: {fact_id}\n")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("  - id: ")), len(lines))
    path.write_text("".join(lines[:start] + lines[end:]), encoding="utf-8")


@pytest.mark.parametrize("change", EDITS, ids=list(EDITS))
def test_a_matcher_built_from_the_previous_one_equals_a_full_build(fact_copy, change):
    facts, seeds = fact_copy
    previous = Matcher(load_fact_base(facts, seeds))
    EDITS[change](facts)
    edited = load_fact_base(facts, seeds)

    reused = Matcher(edited, previous=previous)
    full = Matcher(edited)

    if change == "a word gone from the vocabulary":
        assert "ago" in previous._vocabulary and "ago" not in reused._vocabulary

    assert index_of(reused) == index_of(full)
    assert answers(reused) == answers(full)


def test_a_matcher_built_from_the_previous_one_reads_only_the_changed_facts(fact_copy, facts_read):
    facts, seeds = fact_copy
    previous = Matcher(load_fact_base(facts, seeds))
    edit(facts / "timeline.yaml", *CHANGED_QUESTION)
    edited = load_fact_base(facts, seeds)
    facts_read.clear()
    Matcher(edited, previous=previous)
    assert facts_read == ["ukraine-invasion"]


def test_a_reload_after_an_edit_reads_only_the_changed_facts(fact_copy, facts_read):
    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    edit(facts / "timeline.yaml", *CHANGED_QUESTION)
    facts_read.clear()
    report = service.load(by="moderator")
    assert facts_read == ["ukraine-invasion"] and report.changed == ("ukraine-invasion",)
    assert service.ask("when did moscow strike").fact_id == "ukraine-invasion"


def test_an_alias_edit_reads_again_only_the_facts_that_use_its_words(fact_copy, facts_read):
    facts, seeds = fact_copy
    previous = Matcher(load_fact_base(facts, seeds))
    edit(facts / "people.yaml", "aliases: [", "aliases: [ukraine war, ")
    edited = load_fact_base(facts, seeds)
    facts_read.clear()

    Matcher(edited, previous=previous)

    mentioning = [f.id for f in edited.facts if any("ukraine" in text.lower() for text in texts_of(f))]
    assert mentioning and set(facts_read) <= set(mentioning) and len(facts_read) < len(edited.facts)


def test_a_change_to_what_a_place_is_part_of_reads_every_fact_again(fact_copy, facts_read):
    facts, seeds = fact_copy
    previous = Matcher(load_fact_base(facts, seeds))
    EDITS["a place moved"](facts)
    edited = load_fact_base(facts, seeds)
    facts_read.clear()
    Matcher(edited, previous=previous)
    assert len(facts_read) == len(edited.facts)


def texts_of(fact: Fact) -> tuple[str, ...]:
    return (fact.answer, fact.quote, *fact.questions)
