"""The loader accepts the shipped base and refuses each kind of broken edit, saying where."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import FactBaseError, FactService, load_fact_base
from bot.core.article import split_paragraphs
from tests.conftest import FACTS_DIR, SEEDS_DIR


def test_shipped_base_loads_with_every_paragraph_covered(shipped_base):
    covered = {fact.paragraph for fact in shipped_base.facts}
    assert covered == set(range(1, len(shipped_base.article.paragraphs) + 1))


def test_article_paragraphs_are_numbered_without_the_heading(shipped_base):
    paragraphs = shipped_base.article.paragraphs
    assert len(paragraphs) == 20
    assert paragraphs[4].startswith('"We attach great importance')
    assert paragraphs[8].startswith("Despite inking")
    assert "Rivalry" not in paragraphs


def test_split_paragraphs_folds_line_breaks():
    text = "First line\ncontinues here.\n\nHeading\n\nSecond one.\n Third starts indented."
    assert split_paragraphs(text) == ("First line continues here.", "Second one.", "Third starts indented.")


def test_every_quote_is_verbatim_in_its_paragraph(shipped_base):
    for fact in shipped_base.facts:
        paragraph = shipped_base.article.paragraph(fact.paragraph)
        assert " ".join(fact.quote.split()) in paragraph, fact.id


def test_structured_records_generate_their_questions(shipped_base):
    who = shipped_base.fact("who-mao-ning")
    assert who.asks == "who" and any("Mao Ning" in q for q in who.questions)
    status = shipped_base.fact("status-turkmenistan")
    assert status.asks == "status" and status.answer.startswith("No.")
    assert shipped_base.country("ukraine").status_fact is None


def test_timeline_is_in_order(shipped_base):
    timeline = shipped_base.timeline()
    assert [f.id for f in timeline][:2] == ["no-limits-partnership", "ukraine-invasion"]
    assert timeline[-1].when == "Thursday"


def _edit(facts: Path, name: str, old: str, new: str) -> None:
    path = facts / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(facts: Path, name: str, needle: str) -> int:
    for number, line in enumerate((facts / name).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {name}")


def _only_problem(facts: Path, seeds: Path):
    with pytest.raises(FactBaseError) as raised:
        load_fact_base(facts, seeds)
    problems = raised.value.problems
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_quote_not_in_article_names_file_line_id_and_field(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "timeline.yaml", "who arrived in Kazakhstan on Tuesday", "who arrived in Kazakhstan on Monday")
    problem = _only_problem(facts, seeds)
    assert (problem.file, problem.fact_id, problem.field) == ("facts/timeline.yaml", "xi-arrival", "quote")
    assert problem.line == _line_of(facts, "timeline.yaml", "on Monday")
    assert "not found verbatim" in str(problem)
    assert str(problem).startswith(f"facts/timeline.yaml:{problem.line}: id 'xi-arrival': field 'quote'")


def test_quote_with_different_line_breaks_still_matches(fact_copy):
    facts, seeds = fact_copy
    _edit(
        facts,
        "timeline.yaml",
        "quote: Chinese leader Xi Jinping, who arrived",
        'quote: "Chinese leader\\n  Xi Jinping,   who arrived',
    )
    _edit(facts, "timeline.yaml", "on Tuesday\n    paragraph: 4", 'on Tuesday"\n    paragraph: 4')
    base = load_fact_base(facts, seeds)
    assert "Xi Jinping" in base.fact("xi-arrival").quote


def test_quote_in_the_wrong_paragraph(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "timeline.yaml", "in February 2022\n    paragraph: 3", "in February 2022\n    paragraph: 4")
    problem = _only_problem(facts, seeds)
    assert problem.field == "paragraph" and problem.fact_id == "ukraine-invasion"
    assert "paragraph 3, not 4" in problem.message


def test_invalid_yaml_gives_the_line(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "summit.yaml", "    asks: where\n", "    asks: [where\n")
    problem = _only_problem(facts, seeds)
    assert problem.file == "facts/summit.yaml"
    assert "invalid YAML" in problem.message
    assert problem.line is not None and problem.line >= _line_of(facts, "summit.yaml", "asks: [where")


def test_missing_required_field(fact_copy):
    facts, seeds = fact_copy
    _edit(
        facts,
        "general.yaml",
        "    answer: NATO member Turkey is positioning itself as a possible mediator in the Ukraine war.\n",
        "",
    )
    problem = _only_problem(facts, seeds)
    assert problem.fact_id == "turkey-mediator" and "missing required field 'answer'" in problem.message
    assert problem.line == _line_of(facts, "general.yaml", "id: turkey-mediator")


@pytest.mark.parametrize(
    ("old", "new", "fact_id", "field", "expected"),
    [
        ("    paragraph: 18\n", "    paragraph: eighteen\n", "turkey-mediator", "paragraph", "whole number"),
        (
            "    beyond:\n      - how did the us respond to the summit\n",
            "    beyond: eighteen\n",
            "us-hegemony",
            "beyond",
            "list of strings",
        ),
    ],
    ids=["paragraph", "beyond"],
)
def test_wrong_type_names_the_field_and_its_line(fact_copy, old, new, fact_id, field, expected):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", old, new)
    problem = _only_problem(facts, seeds)
    assert (problem.fact_id, problem.field) == (fact_id, field)
    assert problem.line == _line_of(facts, "general.yaml", f"{field}: eighteen")
    assert expected in problem.message


def test_a_section_of_words_that_is_no_list_names_the_file_line_and_section(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "lexicon.yaml", "roles: [president, ", "roles: [[president], ")
    problem = _only_problem(facts, seeds)
    assert (problem.file, problem.field) == ("facts/lexicon.yaml", "roles")
    assert problem.line == _line_of(facts, "lexicon.yaml", "roles: [[president], ")
    assert "list of words or phrases" in problem.message


def test_a_question_cannot_be_both_answered_and_beyond_the_fact(fact_copy):
    facts, seeds = fact_copy
    _edit(
        facts,
        "general.yaml",
        "      - how did the us respond to the summit\n",
        "      - Is Washington the target of Russian and Chinese criticism?\n",
    )
    problem = _only_problem(facts, seeds)
    assert (problem.fact_id, problem.field) == ("us-hegemony", "beyond")
    assert "also one of the fact's questions" in problem.message


def test_unknown_field_catches_typos(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "    paragraph: 18\n", "    paragraph: 18\n    qoute: oops\n")
    problem = _only_problem(facts, seeds)
    assert problem.field == "qoute" and "unknown field" in problem.message


def test_duplicate_id_across_files(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "  - id: turkey-mediator", "  - id: xi-arrival")
    problem = _only_problem(facts, seeds)
    # Files load in name order, so the copy in timeline.yaml is the duplicate of general.yaml's.
    assert problem.file == "facts/timeline.yaml" and problem.fact_id == "xi-arrival"
    assert "duplicate id" in problem.message and "facts/general.yaml:" in problem.message


def test_duplicate_key_in_one_record(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "    paragraph: 18\n", "    paragraph: 18\n    paragraph: 17\n")
    problem = _only_problem(facts, seeds)
    assert "duplicate key 'paragraph'" in problem.message
    assert problem.line == _line_of(facts, "general.yaml", "paragraph: 17")


def test_a_list_used_as_a_key_is_a_located_problem(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "    paragraph: 18\n", "    paragraph: 18\n    ? [when, where]\n    : both\n")
    problem = _only_problem(facts, seeds)
    assert problem.file == "facts/general.yaml" and "list or mapping used as a key" in problem.message
    assert problem.line == _line_of(facts, "general.yaml", "? [when, where]")


def test_an_alias_that_contains_itself_is_a_located_problem(fact_copy):
    facts, seeds = fact_copy
    (facts / "extra.yaml").write_text("fillers: &loop\n  - *loop\n", encoding="utf-8")
    problem = _only_problem(facts, seeds)
    assert problem.file == "facts/extra.yaml" and problem.line == 1
    assert "alias that contains itself" in problem.message


def test_anchors_and_merge_keys_load_as_yaml_says(fact_copy, shipped_base):
    """The loader builds plain strings, lists and mappings itself; a merge key goes to PyYAML."""
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "    paragraph: 18\n", "    <<: {paragraph: 18}\n")
    _edit(facts, "general.yaml", "    about: [turkey, nato]\n", "    about: &subjects [turkey, nato]\n")
    base = load_fact_base(facts, seeds)
    assert base.fact("turkey-mediator").paragraph == 18
    assert base.fact("turkey-mediator") == shipped_base.fact("turkey-mediator")


def test_dangling_reference(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "about: [turkey, nato]", "about: [turkey, natoo]")
    problem = _only_problem(facts, seeds)
    assert (problem.fact_id, problem.field) == ("turkey-mediator", "about")
    assert "'natoo'" in problem.message


def test_unknown_intent(fact_copy):
    facts, seeds = fact_copy
    _edit(
        facts, "general.yaml", "    asks: what\n    about: [turkey, nato]", "    asks: wat\n    about: [turkey, nato]"
    )
    problem = _only_problem(facts, seeds)
    assert problem.field == "asks" and "unknown intent 'wat'" in problem.message


def test_binary_file_is_refused(fact_copy):
    facts, seeds = fact_copy
    (facts / "zz-binary.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    problem = _only_problem(facts, seeds)
    assert problem.file == "facts/zz-binary.yaml" and "binary" in problem.message


def test_huge_file_is_refused_without_parsing(fact_copy):
    facts, seeds = fact_copy
    (facts / "zz-huge.yaml").write_text("facts:\n" + "# padding\n" * 300_000, encoding="utf-8")
    problem = _only_problem(facts, seeds)
    assert problem.file == "facts/zz-huge.yaml" and "limit" in problem.message


def test_all_problems_are_reported_at_once(fact_copy):
    facts, seeds = fact_copy
    _edit(facts, "general.yaml", "    paragraph: 18\n", "    paragraph: 0\n")
    _edit(facts, "summit.yaml", "    asks: where\n", "    asks: nowhere\n")
    with pytest.raises(FactBaseError) as raised:
        load_fact_base(facts, seeds)
    files = {p.file for p in raised.value.problems}
    assert files == {"facts/general.yaml", "facts/summit.yaml"}


def test_failed_reload_keeps_serving_the_old_base(fact_copy):
    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    before = service.state
    _edit(facts, "timeline.yaml", "on Tuesday\n    paragraph: 4", "on Tuesday\n    paragraph: nine")
    with pytest.raises(FactBaseError):
        service.load(by="moderator")
    assert service.state is before
    assert service.ask("when did xi arrive").fact_id == "xi-arrival"


def test_successful_reload_reports_added_removed_and_changed(fact_copy):
    facts, seeds = fact_copy
    service = FactService(facts, seeds)
    service.load()
    _edit(
        facts, "general.yaml", "a possible mediator in the Ukraine war.\n    quote", "a would-be mediator.\n    quote"
    )
    _edit(facts, "general.yaml", "  - id: war-opening", "  - id: war-creates-opening")
    report = service.load(by="moderator")
    assert report.changed == ("turkey-mediator",)
    assert report.added == ("war-creates-opening",)
    assert report.removed == ("war-opening",)
    assert service.state.loaded_by == "moderator"


def test_missing_facts_folder(tmp_path):
    with pytest.raises(FactBaseError, match="facts folder not found"):
        load_fact_base(tmp_path / "nope", SEEDS_DIR)


def test_shipped_paths_exist():
    assert FACTS_DIR.is_dir() and SEEDS_DIR.is_dir()
