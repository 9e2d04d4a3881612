"""The cache of parsed fact files: YAML is parsed again only for files whose bytes changed, and
the cache never changes what a load gives or what it reports."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.core import FactBaseError, FactService, diskcache, load_fact_base, parsecache
from bot.core import loader as loader_module
from bot.core.parsecache import ParsedFiles

EDITED_QUESTION = "when did the kremlin chief show up"


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files each load parsed as YAML, by the name it shows them under."""
    parsed: list[str] = []
    real = loader_module._parse_yaml_bytes

    def counting(raw: bytes, shown: str, problems: object):
        parsed.append(shown)
        return real(raw, shown, problems)

    monkeypatch.setattr(loader_module, "_parse_yaml_bytes", counting)
    return parsed


def entries(cache: Path) -> list[Path]:
    return sorted((cache / "parsed").glob("*.pickle"))


def test_a_second_load_parses_no_yaml_and_gives_the_same_base(fact_copy, tmp_path, parses):
    facts, seeds = fact_copy
    first = load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    assert len(parses) == len(first.files) == len(entries(tmp_path))

    parses.clear()
    second = load_fact_base(facts, seeds, ParsedFiles(tmp_path))

    assert parses == []
    assert second == first


def test_only_the_edited_file_is_parsed_again_and_its_old_entry_goes(fact_copy, tmp_path, parses):
    facts, seeds = fact_copy
    load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    before = entries(tmp_path)
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("- when did putin arrive\n", f"- {EDITED_QUESTION}\n"))

    parses.clear()
    base = load_fact_base(facts, seeds, ParsedFiles(tmp_path))

    assert parses == ["facts/timeline.yaml"]
    assert EDITED_QUESTION in base.fact("putin-arrival").questions
    after = entries(tmp_path)
    assert len(after) == len(before) and len(set(after) - set(before)) == 1, "one entry replaced, none left over"


def test_a_removed_file_leaves_no_entry(fact_copy, tmp_path):
    facts, seeds = fact_copy
    cache = ParsedFiles(tmp_path)
    (facts / "extra.yaml").write_text("fillers:\n  - you know what\n")
    load_fact_base(facts, seeds, cache)
    count = len(entries(tmp_path))
    (facts / "extra.yaml").unlink()
    load_fact_base(facts, seeds, cache)
    assert len(entries(tmp_path)) == count - 1


def test_a_broken_edit_is_reported_with_its_line_although_the_file_was_cached(fact_copy, tmp_path):
    facts, seeds = fact_copy
    cache = ParsedFiles(tmp_path)
    load_fact_base(facts, seeds, cache)
    general = facts / "general.yaml"
    general.write_text(general.read_text().replace("    paragraph: 18\n", "    paragraph: [broken\n", 1))

    with pytest.raises(FactBaseError) as raised:
        load_fact_base(facts, seeds, cache)
    [problem] = raised.value.problems
    assert problem.file == "facts/general.yaml" and problem.line is not None
    assert "invalid YAML" in problem.message


def test_an_invalid_record_is_reported_alike_from_the_cache(fact_copy, tmp_path, parses):
    """Validation runs on every load: a cached document is checked as a parsed one is."""
    facts, seeds = fact_copy
    (facts / "extra.yaml").write_text("facts:\n  - id: Bad Id\n    asks: when\n")
    with pytest.raises(FactBaseError) as parsed_once:
        load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    parses.clear()
    with pytest.raises(FactBaseError) as from_cache:
        load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    assert "facts/extra.yaml" not in parses
    assert [str(p) for p in from_cache.value.problems] == [str(p) for p in parsed_once.value.problems]
    assert any(p.file == "facts/extra.yaml" and p.line == 2 for p in from_cache.value.problems)


def test_a_damaged_entry_is_ignored_with_a_warning(fact_copy, tmp_path, parses, caplog):
    facts, seeds = fact_copy
    first = load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    damaged = entries(tmp_path)[0]
    damaged.write_bytes(damaged.read_bytes()[:100])

    parses.clear()
    with caplog.at_level(logging.WARNING, logger="bot.core.parsecache"):
        second = load_fact_base(facts, seeds, ParsedFiles(tmp_path))

    assert "ignoring the unreadable parsed-file cache entry" in caplog.text
    assert len(parses) == 1 and second == first


def test_changed_code_finds_no_entry(fact_copy, tmp_path, parses, monkeypatch):
    facts, seeds = fact_copy
    load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    monkeypatch.setattr(diskcache, "code_digest", lambda *_: "another loader")
    parses.clear()
    base = load_fact_base(facts, seeds, ParsedFiles(tmp_path))
    assert len(parses) == len(base.files)


def test_an_unwritable_cache_still_loads_and_warns_once(fact_copy, tmp_path, caplog):
    facts, seeds = fact_copy
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    with caplog.at_level(logging.WARNING, logger="bot.core.parsecache"):
        base = load_fact_base(facts, seeds, ParsedFiles(blocked))
    assert base.get("putin-arrival") is not None
    assert caplog.text.count("could not cache parsed fact files") == 1


def test_a_reload_after_an_edit_parses_only_that_file(fact_copy, tmp_path, parses):
    facts, seeds = fact_copy
    service = FactService(facts, seeds, tmp_path / "cache")
    service.load()
    timeline = facts / "timeline.yaml"
    timeline.write_text(timeline.read_text().replace("- when did putin arrive\n", f"- {EDITED_QUESTION}\n"))

    parses.clear()
    report = service.load(by="moderator")

    assert parses == ["facts/timeline.yaml"]
    assert report.changed == ("putin-arrival",)
    assert service.ask(EDITED_QUESTION).fact_id == "putin-arrival"


def test_a_long_section_is_stored_in_pieces_and_read_back_whole(tmp_path, monkeypatch):
    """Sections longer than a piece are pickled in pieces (each read back in a short step) and come
    back in order, with every mapping's lines, as the parser gave them."""
    monkeypatch.setattr(parsecache, "PIECE", 7)
    count = 7 * 3 + 2
    text = "facts:\n" + "".join(f"  - id: fact-{n}\n    answer: answer {n}\n" for n in range(count))
    text += "fillers:\n  - um\n"
    problems = loader_module._Collector()
    document = loader_module._parse_yaml_bytes(text.encode(), "facts/long.yaml", problems)
    cache = ParsedFiles(tmp_path)
    key = cache.key(text.encode())

    cache.put(key, document)
    pieces = parsecache._entry_pieces(key, document)
    restored = ParsedFiles(tmp_path).get(key)

    assert len(pieces) == 1 + 4, "the outline, then the 23 facts in pieces of 7"
    assert restored == document
    assert [record.line for record in restored["facts"]] == [record.line for record in document["facts"]]
    assert restored["facts"][-1].key_lines == document["facts"][-1].key_lines
    assert restored.key_lines == document.key_lines
    assert ParsedFiles(tmp_path).get(cache.key(b"other bytes")) is None
