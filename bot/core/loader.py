"""Strict loading of the fact base from YAML, with every error located by file, line and field.

A load either returns a complete, valid FactBase or raises FactBaseError listing all problems;
it never hands back half a base. The caller keeps serving its old base when it fails.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.core.article import Article, read_article
from bot.core.errors import FactBaseError, FactProblem
from bot.core.factbase import SCO_STATUSES, Country, Fact, FactBase, Person, Term
from bot.core.parsecache import ParsedFiles
from bot.core.release import release_gradually
from bot.core.text import normalize

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_FILE_BYTES = 2_000_000
SECTIONS = ("concepts", "intents", "synonyms", "fillers", "roles", "entities", "people", "countries", "facts")

PERSON_QUESTIONS = (
    "who is {name}",
    "what is the role of {name}",
    "what is {name} job",
    "what position does {name} hold",
    "tell me about {name}",
    "what is the full name of {name}",
)
STATUS_QUESTIONS = (
    "is {name} a member of the SCO",
    "is {name} in the SCO",
    "what is the status of {name} in the SCO",
    "does {name} belong to the bloc",
    "is {name} part of the SCO",
)


class LocatedDict(dict):
    """A YAML mapping that remembers the line of itself and of each key, for error messages."""

    line: int = 0
    key_lines: dict[Any, int]


# libyaml's C parser when PyYAML has it (several times faster on a large base); same results.
_SafeLoaderBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_SPECIAL_KEYS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})


class _LocatingLoader(_SafeLoaderBase):  # type: ignore[misc, valid-type]
    """A safe YAML loader whose mappings are LocatedDicts and which refuses duplicate keys.

    Strings, lists and mappings, nearly all of a fact file, are built straight from the nodes;
    anything else (numbers, booleans, merge keys, unknown tags) goes through PyYAML's own safe
    constructors. At 100,000 facts PyYAML's generic path took 3.6 s of a 7.4 s parse.
    """

    def construct_document(self, node: yaml.Node) -> Any:
        try:
            return self._value_of(node, set())
        finally:
            self.constructed_objects = {}
            self.recursive_objects = {}
            self.deep_construct = False

    def _value_of(self, node: yaml.Node, open_nodes: set[int]) -> Any:
        kind, tag = type(node), node.tag
        if kind is yaml.ScalarNode and tag == _STR:
            return node.value
        plain_sequence = kind is yaml.SequenceNode and tag == _SEQ
        if not plain_sequence and not (kind is yaml.MappingNode and tag == _MAP):
            return self.construct_object(node, deep=True)
        if id(node) in open_nodes:
            raise yaml.constructor.ConstructorError(
                None, None, "found an alias that contains itself; fact files do not need anchors", node.start_mark
            )
        open_nodes.add(id(node))
        try:
            if plain_sequence:
                return self._sequence(node, open_nodes)
            built = self._mapping(node, open_nodes)
            return built if built is not None else self.construct_object(node, deep=True)
        finally:
            open_nodes.discard(id(node))

    def _sequence(self, node: yaml.SequenceNode, open_nodes: set[int]) -> list[Any]:
        return [
            child.value if type(child) is yaml.ScalarNode and child.tag == _STR else self._value_of(child, open_nodes)
            for child in node.value
        ]

    def _mapping(self, node: yaml.MappingNode, open_nodes: set[int]) -> LocatedDict | None:
        """The mapping, or None when a key needs PyYAML's own handling (a merge key `<<`, or a
        key that is not a scalar, which it refuses)."""
        data = LocatedDict()
        data.line = node.start_mark.line + 1
        data.key_lines = key_lines = {}
        for key_node, value_node in node.value:
            if type(key_node) is not yaml.ScalarNode or key_node.tag in _SPECIAL_KEYS:
                return None
            key = key_node.value if key_node.tag == _STR else self.construct_object(key_node, deep=True)
            _check_new_key(data, node, key_node, key)
            if type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
                data[key] = value_node.value
            else:
                data[key] = self._value_of(value_node, open_nodes)
            key_lines[key] = key_node.start_mark.line + 1
        return data


def _check_new_key(data: dict, node: yaml.Node, key_node: yaml.Node, key: Any) -> None:
    """Refuse a key seen before in the same mapping, and a list or mapping used as a key."""
    try:
        seen = key in data
    except TypeError:
        seen = None
    if seen is None or seen:
        problem = f"found duplicate key {key!r}" if seen else "found a list or mapping used as a key"
        raise yaml.MarkedYAMLError("while constructing a mapping", node.start_mark, problem, key_node.start_mark)


def _construct_located_mapping(loader: _LocatingLoader, node: yaml.MappingNode):
    data = LocatedDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        _check_new_key(data, node, key_node, key)
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located_mapping)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    check: Callable[[Any], bool]
    expected: str
    required: bool = True


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_text_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(_is_text(v) for v in value)


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _is_positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


TEXT = ("a non-empty string", _is_text)
TEXT_LIST = ("a non-empty list of strings", _is_text_list)
ID_LIST = ("a list of ids", _is_id_list)
POSITIVE_INT = ("a whole number above 0", _is_positive_int)
BOOL = ("true or false", _is_bool)


def _spec(name: str, kind: tuple[str, Callable[[Any], bool]], required: bool = True) -> FieldSpec:
    return FieldSpec(name, kind[1], kind[0], required)


QUOTED = [_spec("answer", TEXT), _spec("quote", TEXT), _spec("paragraph", POSITIVE_INT)]
DATED = [_spec("when", TEXT, False), _spec("order", POSITIVE_INT, False)]
SCHEMAS: dict[str, list[FieldSpec]] = {
    "concepts": [_spec("id", TEXT), _spec("aliases", TEXT_LIST)],
    "entities": [
        _spec("id", TEXT),
        _spec("name", TEXT),
        _spec("aliases", TEXT_LIST),
        _spec("background", BOOL, False),
        _spec("part_of", TEXT, False),
    ],
    "people": [
        _spec("id", TEXT),
        _spec("name", TEXT),
        _spec("aliases", TEXT_LIST),
        _spec("role", TEXT),
        _spec("part_of", TEXT, False),
        _spec("questions", TEXT_LIST, False),
        _spec("beyond", TEXT_LIST, False),
        *QUOTED,
    ],
    "countries": [
        _spec("id", TEXT),
        _spec("name", TEXT),
        _spec("aliases", TEXT_LIST),
        _spec("status", TEXT, False),
        _spec("part_of", TEXT, False),
        _spec("questions", TEXT_LIST, False),
        _spec("beyond", TEXT_LIST, False),
        *[FieldSpec(f.name, f.check, f.expected, required=False) for f in QUOTED],
        *DATED,
    ],
    "facts": [
        _spec("id", TEXT),
        _spec("asks", TEXT),
        _spec("about", ID_LIST, False),
        _spec("questions", TEXT_LIST),
        _spec("beyond", TEXT_LIST, False),
        *QUOTED,
        *DATED,
    ],
}


@dataclass(frozen=True)
class _Record:
    """A validated YAML mapping with where it came from."""

    section: str
    data: LocatedDict
    file: str

    @property
    def id(self) -> str:
        return self.data["id"]

    def line_of(self, field: str | None = None) -> int:
        if field is not None and field in self.data.key_lines:
            return self.data.key_lines[field]
        return self.data.line


class _Collector:
    """Gathers problems so that one load reports all of them, not just the first."""

    def __init__(self) -> None:
        self.problems: list[FactProblem] = []

    def add(
        self, file: str, message: str, line: int | None = None, fact_id: str | None = None, field: str | None = None
    ) -> None:
        self.problems.append(FactProblem(file=file, message=message, line=line, fact_id=fact_id, field=field))

    def at(self, record: _Record, field: str | None, message: str) -> None:
        self.add(record.file, message, record.line_of(field), _record_id(record), field)


def _record_id(record: _Record) -> str | None:
    value = record.data.get("id")
    return value if isinstance(value, str) else None


def load_fact_base(facts_dir: Path, seeds_dir: Path, parsed_files: ParsedFiles | None = None) -> FactBase:
    """Load and validate every `*.yaml` in `facts_dir` against the articles in `seeds_dir`;
    with `parsed_files`, files parsed by an earlier load are read back from it instead."""
    problems = _Collector()
    articles = _load_articles(seeds_dir, problems)
    files = sorted(facts_dir.glob("*.yaml")) if facts_dir.is_dir() else []
    if not facts_dir.is_dir():
        problems.add(str(facts_dir), "facts folder not found")
    elif not files:
        problems.add(str(facts_dir), "no *.yaml fact files in this folder")
    sections, file_sources = _read_files(files, facts_dir, problems, parsed_files)
    if not articles or problems.problems:
        raise FactBaseError(problems.problems)
    shown_files = [_display_path(f, facts_dir) for f in files]
    file_articles = _articles_of_files(shown_files, file_sources, articles, problems)
    base = _build(articles, file_articles, sections, shown_files, problems)
    if problems.problems:
        raise FactBaseError(problems.problems)
    if parsed_files is not None:
        parsed_files.keep_only_used()
    parsed: list[object] = [sections]
    del sections
    release_gradually(parsed)
    return base


def _display_path(path: Path, facts_dir: Path) -> str:
    return f"{facts_dir.name}/{path.relative_to(facts_dir).as_posix()}"


def _load_articles(seeds_dir: Path, problems: _Collector) -> list[Article]:
    """Every article in `seeds_dir`: one metadata file (id, title, file) per article text."""
    metas = sorted(seeds_dir.glob("*.yaml")) if seeds_dir.is_dir() else []
    if not metas:
        problems.add(str(seeds_dir), "no article metadata file (*.yaml) in the seeds folder")
    articles: list[Article] = []
    for meta_path in metas:
        article = _load_article(meta_path, problems)
        if article is None:
            continue
        if any(a.id == article.id for a in articles):
            problems.add(str(meta_path), f"article id {article.id!r} is used twice", field="id")
            continue
        articles.append(article)
    return articles


def _load_article(meta_path: Path, problems: _Collector) -> Article | None:
    try:
        meta = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problems.add(str(meta_path), f"cannot read article metadata: {error}")
        return None
    if not isinstance(meta, dict) or not all(_is_text(meta.get(k)) for k in ("id", "title", "file")):
        problems.add(str(meta_path), "article metadata needs text fields id, title and file")
        return None
    text_path = meta_path.parent / meta["file"]
    if not text_path.is_file():
        problems.add(str(meta_path), f"article file {meta['file']!r} not found", field="file")
        return None
    return read_article(meta["id"], meta["title"], text_path)


def _articles_of_files(
    files: list[str], file_sources: dict[str, tuple[Any, int | None]], articles: list[Article], problems: _Collector
) -> dict[str, Article | None]:
    """Which article each fact file quotes: its top-level `source`, or the only article there is."""
    by_id = {article.id: article for article in articles}
    resolved: dict[str, Article | None] = {}
    for file in files:
        source, line = file_sources.get(file, (None, None))
        if source is None:
            resolved[file] = articles[0] if len(articles) == 1 else None
        elif isinstance(source, str) and source in by_id:
            resolved[file] = by_id[source]
        else:
            known = ", ".join(sorted(by_id))
            problems.add(file, f"'source' must be the id of an article in seeds/ ({known})", line=line, field="source")
            resolved[file] = None
    return resolved


def _read_files(
    files: list[Path], facts_dir: Path, problems: _Collector, parsed_files: ParsedFiles | None
) -> tuple[dict[str, list[tuple[str, Any]]], dict[str, tuple[Any, int | None]]]:
    """Parse each file and group its top-level sections; structural problems are collected."""
    sections: dict[str, list[tuple[str, Any]]] = {name: [] for name in SECTIONS}
    file_sources: dict[str, tuple[Any, int | None]] = {}
    for path in files:
        shown = _display_path(path, facts_dir)
        document = _parse_yaml(path, shown, problems, parsed_files)
        if document is None:
            continue
        if not isinstance(document, dict):
            problems.add(shown, f"the file must be a mapping of sections ({', '.join(SECTIONS)})", line=1)
            continue
        for key, value in document.items():
            if key == "source":
                file_sources[shown] = (value, document.key_lines.get(key))
                continue
            if key not in SECTIONS:
                problems.add(
                    shown,
                    f"unknown section {key!r}; expected one of: {', '.join(SECTIONS)}",
                    line=document.key_lines.get(key),
                )
                continue
            sections[key].append((shown, (value, document.key_lines.get(key))))
    return sections, file_sources


def _parse_yaml(path: Path, shown: str, problems: _Collector, parsed_files: ParsedFiles | None) -> Any:
    try:
        raw = path.read_bytes()
    except OSError as error:
        problems.add(shown, f"cannot read the file: {error.strerror or error}")
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.add(shown, f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")
        return None
    if parsed_files is None:
        return _parse_yaml_bytes(raw, shown, problems)
    key = parsed_files.key(raw)
    document = parsed_files.get(key)
    if document is None:
        document = _parse_yaml_bytes(raw, shown, problems)
        if document is not None:
            parsed_files.put(key, document)
    return document


def _parse_yaml_bytes(raw: bytes, shown: str, problems: _Collector) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add(shown, f"not UTF-8 text (byte {error.start}); is this a binary file?")
        return None
    if "\x00" in text:
        problems.add(shown, "contains NUL bytes; is this a binary file?")
        return None
    try:
        document = yaml.load(text, Loader=_LocatingLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problems.add(shown, f"invalid YAML: {error.problem or error}", line=line)
        return None
    except yaml.YAMLError as error:
        problems.add(shown, f"invalid YAML: {error}")
        return None
    if document is None:
        problems.add(shown, "the file is empty", line=1)
    return document


def _records(section: str, entries: list[tuple[str, Any]], problems: _Collector) -> list[_Record]:
    records: list[_Record] = []
    for file, (value, line) in entries:
        if not isinstance(value, list):
            problems.add(file, f"section '{section}' must be a list of records", line=line, field=section)
            continue
        for item in value:
            if not isinstance(item, LocatedDict):
                problems.add(file, f"each entry of '{section}' must be a mapping with an id", line=line, field=section)
                continue
            record = _Record(section, item, file)
            if _validate_fields(record, problems):
                records.append(record)
    return records


def _validate_fields(record: _Record, problems: _Collector) -> bool:
    specs = {spec.name: spec for spec in SCHEMAS[record.section]}
    ok = True
    for key in record.data:
        if key not in specs:
            problems.at(record, key, f"unknown field; expected one of: {', '.join(specs)}")
            ok = False
    for spec in specs.values():
        if spec.name not in record.data:
            if spec.required:
                problems.at(record, None, f"missing required field '{spec.name}'")
                ok = False
            continue
        if not spec.check(record.data[spec.name]):
            problems.at(record, spec.name, f"must be {spec.expected}, got {_describe(record.data[spec.name])}")
            ok = False
    if ok and not ID_PATTERN.match(record.id):
        problems.at(record, "id", "ids use lowercase letters, digits and hyphens")
        ok = False
    return ok


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    text = repr(value)
    return f"{type(value).__name__} {text[:40]}{'…' if len(text) > 40 else ''}"


def _build(
    articles: list[Article],
    file_articles: dict[str, Article | None],
    sections: dict[str, list[tuple[str, Any]]],
    files: list[str],
    problems: _Collector,
) -> FactBase:
    intents = _build_intents(sections["intents"], problems)
    fillers = _build_phrase_list("fillers", sections["fillers"], problems)
    roles = _build_phrase_list("roles", sections["roles"], problems)
    synonyms = _build_synonyms(sections["synonyms"], problems)
    records = {
        name: _records(name, sections[name], problems)
        for name in ("concepts", "entities", "people", "countries", "facts")
    }
    terms: list[Term] = []
    facts: list[Fact] = []
    sources: list[_Record] = []
    unsourced: set[str] = set()

    def article_of(record: _Record) -> Article | None:
        article = file_articles.get(record.file)
        if article is None and len(articles) > 1 and record.file not in unsourced:
            unsourced.add(record.file)
            problems.add(
                record.file,
                "several articles are loaded: say which one this file quotes with a top-level 'source: <article id>'",
                line=1,
                field="source",
            )
        return article

    people: list[Person] = []
    countries: list[Country] = []

    for record in records["concepts"]:
        terms.append(Term(record.id, "concept", record.id, _aliases(record)))
    for record in records["entities"]:
        terms.append(
            Term(
                record.id,
                "entity",
                record.data["name"],
                _aliases(record),
                record.data.get("background", False),
                record.data.get("part_of"),
            )
        )
    for record in records["people"]:
        terms.append(
            Term(record.id, "person", record.data["name"], _aliases(record), part_of=record.data.get("part_of"))
        )
        article = article_of(record)
        if article is None:
            continue
        fact = _person_fact(record, article)
        people.append(Person(record.id, record.data["name"], record.data["role"], _aliases(record), fact.id))
        facts.append(fact)
        sources.append(record)
    for record in records["countries"]:
        terms.append(
            Term(record.id, "country", record.data["name"], _aliases(record), part_of=record.data.get("part_of"))
        )
        article = article_of(record) if "status" in record.data else None
        fact = _status_fact(record, article, problems) if article is not None else None
        countries.append(
            Country(
                record.id, record.data["name"], _aliases(record), record.data.get("status"), fact.id if fact else None
            )
        )
        if fact:
            facts.append(fact)
            sources.append(record)
    for record in records["facts"]:
        article = article_of(record)
        if article is not None:
            facts.append(_plain_fact(record, article))
            sources.append(record)

    _check_unique(records, [r for rs in records.values() for r in rs], problems)
    term_ids = {t.id for t in terms}
    for record in (r for name in ("entities", "people", "countries") for r in records[name]):
        parent = record.data.get("part_of")
        if parent is not None and parent not in term_ids:
            problems.at(record, "part_of", f"refers to {parent!r}, which no entity, person or country defines")
    by_id = {article.id: article for article in articles}
    for fact, record in zip(facts, sources, strict=True):
        _check_fact(fact, record, by_id[fact.source], term_ids, intents, problems)
    return FactBase(
        articles=tuple(articles),
        facts=tuple(facts),
        terms=tuple(terms),
        people=tuple(people),
        countries=tuple(countries),
        intents=intents,
        fillers=fillers,
        synonyms=synonyms,
        roles=roles,
        files=tuple(files),
    )


def _aliases(record: _Record) -> tuple[str, ...]:
    names = [record.data.get("name", ""), *record.data["aliases"]]
    return tuple(dict.fromkeys(a for a in names if a))


def _build_intents(entries: list[tuple[str, Any]], problems: _Collector) -> dict[str, tuple[str, ...]]:
    intents: dict[str, tuple[str, ...]] = {}
    for file, (value, line) in entries:
        if not isinstance(value, dict):
            problems.add(
                file, "section 'intents' must map each intent to a list of cue words", line=line, field="intents"
            )
            continue
        for name, cues in value.items():
            cue_line = value.key_lines.get(name, line) if isinstance(value, LocatedDict) else line
            if not isinstance(name, str) or not _is_text_list(cues):
                problems.add(
                    file, f"intent {name!r} must have a non-empty list of cue words", line=cue_line, field="intents"
                )
                continue
            if name in intents:
                problems.add(file, f"intent {name!r} is defined twice", line=cue_line, field="intents")
            intents[name] = tuple(cues)
    if not intents:
        problems.add("facts", "no 'intents' section: the matcher needs to know what questions ask", field="intents")
    return intents


def _build_phrase_list(section: str, entries: list[tuple[str, Any]], problems: _Collector) -> tuple[str, ...]:
    phrases: list[str] = []
    for file, (value, line) in entries:
        if not _is_text_list(value):
            problems.add(file, f"section {section!r} must be a list of words or phrases", line=line, field=section)
            continue
        phrases.extend(value)
    return tuple(phrases)


def _build_synonyms(entries: list[tuple[str, Any]], problems: _Collector) -> dict[str, str]:
    synonyms: dict[str, str] = {}
    for file, (value, line) in entries:
        if not isinstance(value, dict):
            problems.add(
                file,
                "section 'synonyms' must map each word or phrase to the words it stands for",
                line=line,
                field="synonyms",
            )
            continue
        for word, meaning in value.items():
            word_line = value.key_lines.get(word, line) if isinstance(value, LocatedDict) else line
            if not _is_text(str(word)) or not _is_text(meaning):
                problems.add(file, f"synonym {word!r} must map to a non-empty word", line=word_line, field="synonyms")
                continue
            synonyms[str(word)] = meaning
    return synonyms


def _common(record: _Record, article: Article, **overrides: Any) -> dict[str, Any]:
    data = record.data
    return {
        "answer": data.get("answer", ""),
        "quote": data.get("quote", ""),
        "paragraph": data.get("paragraph", 0),
        "source": article.id,
        "file": record.file,
        "line": record.line_of(),
        "when": data.get("when"),
        "order": data.get("order"),
        "beyond": tuple(data.get("beyond", ())),
    } | overrides


def _person_fact(record: _Record, article: Article) -> Fact:
    name = record.data["name"]
    questions = [q.format(name=name) for q in PERSON_QUESTIONS] + list(record.data.get("questions", []))
    return Fact(
        id=f"who-{record.id}",
        asks="who",
        about=(record.id,),
        questions=tuple(questions),
        kind="role",
        **_common(record, article),
    )


def _status_fact(record: _Record, article: Article, problems: _Collector) -> Fact | None:
    status = record.data.get("status")
    if status is None:
        for field in ("answer", "quote", "paragraph", "questions", "when", "order"):
            if field in record.data:
                problems.at(
                    record, field, "only a country with a 'status' has an answer; add a status or remove this field"
                )
        return None
    if status not in SCO_STATUSES:
        problems.at(record, "status", f"unknown status {status!r}; expected one of: {', '.join(SCO_STATUSES)}")
        return None
    for field in ("answer", "quote", "paragraph"):
        if field not in record.data:
            problems.at(record, None, f"a country with a status needs '{field}'")
    name = record.data["name"]
    questions = [q.format(name=name) for q in STATUS_QUESTIONS] + list(record.data.get("questions", []))
    return Fact(
        id=f"status-{record.id}",
        asks="status",
        about=(record.id, "sco"),
        questions=tuple(questions),
        kind="status",
        **_common(record, article),
    )


def _plain_fact(record: _Record, article: Article) -> Fact:
    data = record.data
    return Fact(
        id=record.id,
        asks=data["asks"],
        about=tuple(data.get("about", ())),
        questions=tuple(data["questions"]),
        **_common(record, article),
    )


def _check_unique(records: dict[str, list[_Record]], all_records: Iterable[_Record], problems: _Collector) -> None:
    """Ids are one namespace across files, so a reference can never be ambiguous."""
    seen: dict[str, _Record] = {}
    generated: dict[int, list[str]] = {}
    for prefix, section in (("who", "people"), ("status", "countries")):
        for record in records[section]:
            generated.setdefault(id(record), []).append(f"{prefix}-{record.id}")
    for record in all_records:
        for key in (record.id, *generated.get(id(record), ())):
            if key in seen:
                first = seen[key]
                problems.at(record, "id", f"duplicate id {key!r}; first defined at {first.file}:{first.line_of('id')}")
            else:
                seen[key] = record


def _check_fact(
    fact: Fact,
    record: _Record,
    article: Article,
    term_ids: set[str],
    intents: dict[str, tuple[str, ...]],
    problems: _Collector,
) -> None:
    def report(field: str, message: str) -> None:
        problems.at(record, field, message)

    if intents and fact.asks not in intents:
        report("asks", f"unknown intent {fact.asks!r}; expected one of: {', '.join(intents)}")
    for ref in fact.about:
        if ref not in term_ids:
            report("about", f"refers to {ref!r}, which no entity, person or country defines")
    if fact.beyond:
        asked = {normalize(q) for q in fact.questions}
        for question in fact.beyond:
            if normalize(question) in asked:
                report(
                    "beyond", f"{question!r} is also one of the fact's questions: it cannot be both answered and not"
                )
    if (fact.when is None) != (fact.order is None):
        report("when" if fact.when is None else "order", "'when' and 'order' go together: a dated fact needs both")
    if not fact.quote:
        return
    if fact.paragraph > len(article.paragraphs):
        report("paragraph", f"the article has {len(article.paragraphs)} paragraphs, not {fact.paragraph}")
        return
    if article.has_quote(fact.quote, fact.paragraph):
        return
    found = article.find_quote(fact.quote)
    if not found:
        report("quote", f"not found verbatim in the article {article.path.name!r}: {fact.quote[:60]!r}")
    elif fact.paragraph not in found:
        where = ", ".join(str(n) for n in found)
        report("paragraph", f"the quote is in paragraph {where}, not {fact.paragraph}")
