"""Several articles at once: each fact cites its own article, and questions can be narrowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import FactBaseError, FactService, load_fact_base

SECOND_ARTICLE = """The city council of Northvale voted on Monday to build a new harbour bridge.

The bridge will cost 40 million dollars and open in 2027, the mayor, Ada Brennan, said.
"""

SECOND_FACTS = """source: northvale-bridge

people:
  - id: ada-brennan
    name: Ada Brennan
    aliases: [ada brennan, brennan, the mayor, mayor of northvale]
    role: Mayor of Northvale
    answer: Ada Brennan is the mayor of Northvale.
    quote: the mayor, Ada Brennan, said
    paragraph: 2

facts:
  - id: bridge-cost
    asks: how-many
    about: [northvale-bridge]
    questions:
      - how much will the harbour bridge cost
      - what is the price of the northvale bridge
    answer: The bridge will cost 40 million dollars.
    quote: The bridge will cost 40 million dollars
    paragraph: 2

entities:
  - id: northvale-bridge
    name: the Northvale harbour bridge
    aliases: [harbour bridge, harbor bridge, northvale bridge, new bridge]
"""


def add_second_article(facts: Path, seeds: Path, facts_text: str = SECOND_FACTS) -> None:
    (seeds / "northvale-bridge.txt").write_text(SECOND_ARTICLE, encoding="utf-8")
    (seeds / "northvale-bridge.yaml").write_text(
        "id: northvale-bridge\nfile: northvale-bridge.txt\ntitle: Northvale votes for a harbour bridge\n",
        encoding="utf-8",
    )
    (facts / "northvale.yaml").write_text(facts_text, encoding="utf-8")


def test_each_fact_cites_its_own_article(fact_copy):
    facts, seeds = fact_copy
    for path in facts.glob("*.yaml"):
        if path.name not in {"lexicon.yaml"}:
            path.write_text("source: sco-summit-astana\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    add_second_article(facts, seeds)
    base = load_fact_base(facts, seeds)
    assert [a.id for a in base.articles] == ["northvale-bridge", "sco-summit-astana"]
    assert base.fact("bridge-cost").source == "northvale-bridge"
    assert base.fact("xi-arrival").source == "sco-summit-astana"
    service = FactService(facts, seeds)
    service.load()
    bridge = service.ask("how much does the new bridge cost?")
    assert bridge.fact_id == "bridge-cost" and bridge.source == "northvale-bridge"
    assert service.base.article_for(bridge.source).title == "Northvale votes for a harbour bridge"
    assert service.ask("who is the mayor").fact_id == "who-ada-brennan"


def test_a_question_can_be_narrowed_to_one_article(fact_copy):
    facts, seeds = fact_copy
    for path in facts.glob("*.yaml"):
        path.write_text("source: sco-summit-astana\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    add_second_article(facts, seeds)
    service = FactService(facts, seeds)
    service.load()
    assert service.ask("when did xi arrive", source="sco-summit-astana").fact_id == "xi-arrival"
    narrowed = service.ask("when did xi arrive", source="northvale-bridge")
    assert not narrowed.answered
    assert all(service.base.fact(i).source == "northvale-bridge" for i in narrowed.suggestion_ids)


def test_with_several_articles_each_file_must_say_which_it_quotes(fact_copy):
    facts, seeds = fact_copy
    add_second_article(facts, seeds)
    with pytest.raises(FactBaseError) as raised:
        load_fact_base(facts, seeds)
    unsourced = {p.file for p in raised.value.problems if p.field == "source"}
    assert "facts/timeline.yaml" in unsourced and "facts/northvale.yaml" not in unsourced


def test_an_unknown_source_is_an_error_with_its_line(fact_copy):
    facts, seeds = fact_copy
    (facts / "extra.yaml").write_text("# extra\nsource: no-such-article\n", encoding="utf-8")
    with pytest.raises(FactBaseError) as raised:
        load_fact_base(facts, seeds)
    problem = next(p for p in raised.value.problems if p.file == "facts/extra.yaml")
    assert problem.field == "source" and problem.line == 2 and "sco-summit-astana" in problem.message
