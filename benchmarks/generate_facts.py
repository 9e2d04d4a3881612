"""Write a synthetic but realistic fact base of N facts, and questions to evaluate it with.

The base is in exactly the format the loader reads, so
`load_fact_base(OUT_DIR / "facts", OUT_DIR / "seeds")` loads it:

* `seeds/`: one metadata file and a synthetic article whose paragraphs hold every quote verbatim;
* `facts/lexicon.yaml`: the shipped lexicon's concepts, intents, synonyms, fillers and roles, so the
  matcher reads questions the same way;
* `facts/entities.yaml`: the shipped background terms (the SCO, the summit), generated cities and
  organisations; `facts/countries.yaml`; `facts/people-NNN.yaml`; `facts/facts-NNN.yaml`, split so
  that no file nears the loader's 2 MB limit.

Every person has several facts that differ by what they ask (when did X arrive, who is X, what
did X say about Y, how many Z did X sign, where did X meet W, ...), so answering tests
discrimination between facts about the same entity, not just entity lookup.

`OUT_DIR/questions.yaml` is a question set in the evaluation format (`bot/core/evaluation.py`),
under the split `generated`: paraphrases of the phrasings (reordered words, a lexicon synonym, a
typo in a word of 6+ letters, dropped stopwords), and off-topic questions expecting `decline`,
some naming generated entities with questions no fact answers. Each entry also carries `kind`,
which the evaluation ignores.

Output is deterministic for a given --facts, --questions and --seed.

    python benchmarks/generate_facts.py /tmp/sb-10k --facts 10000 [--seed 1] [--questions 1000]
"""

from __future__ import annotations

import argparse
import random
import shutil
import string
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.loader import MAX_FILE_BYTES, PERSON_QUESTIONS, STATUS_QUESTIONS  # noqa: E402
from bot.core.stopwords import STOPWORDS  # noqa: E402
from bot.core.text import normalize  # noqa: E402

LEXICON_SECTIONS = ("concepts", "intents", "synonyms", "fillers", "roles")
BACKGROUND_IDS = ("sco", "summit")
FACTS_PER_FILE = 2_000
SENTENCES_PER_PARAGRAPH = 5
DECLINE_SHARE = 0.15

FIRST_NAMES = """
ana boris lena mirela tomas ilya sara dmitri nadia karim leila omar yusuf aigerim nurlan farida rustam
dilnoza timur zarina pavel irina viktor olga marek jana elif mehmet selin arash shirin ravi priya anil
meera chen wei ming lin hana kenji yuki sofia mateo lucia diego elena marco giulia stefan petra lukas
anja milos vesna goran dragan ivana nikola katarina andrei oksana taras halyna bogdan svetlana arman
gulnara daniyar madina erlan saule askar bakyt ainura kanat zhanna murat dina samir yasmin tariq noor
imran ayesha bilal fatima hamid rana javad parisa kaveh darya babak mina levan nino giorgi tamar zurab
eka aram ani vahe lilit gor narek emil ingrid jonas freya mikael astrid lars kaisa oskar tuva
""".split()
ONSETS = "b d k l m n p r s t v z dr kr st gr br sh ch zh g h".split()
VOWELS = "a e i o u".split()
CODAS = ["", "", "", "n", "r", "l", "s", "k"]
SURNAME_ENDINGS = "ova ev ski ic enko yan ani ov escu idze aro ulin".split()
COUNTRY_ENDINGS = "ia stan ova land aria eth ir".split()
CITY_ENDINGS = "grad polis abad ovo sk port mir dorf".split()

ROLES = """
president;prime minister;energy minister;finance minister;interior minister;agriculture minister;
health minister;transport minister;education minister;justice minister;labour minister;
environment minister;deputy prime minister;central bank governor;ambassador;chief negotiator;
parliament speaker;tourism minister;industry minister;water minister;mining minister;digital minister;
science minister;sports minister;youth minister;presidential envoy
""".replace("\n", "").split(";")
ROLES = [r.strip() for r in ROLES if r.strip()]

TOPICS = """
grain exports;water rights;the rail corridor;energy prices;border security;fishing quotas;visa rules;
the gas pipeline;the cotton harvest;drought relief;currency swaps;customs checks;student exchanges;
flight routes;the power grid;mining licences;wheat tariffs;refugee flows;cyber attacks;drug trafficking;
river dams;satellite launches;vaccine supplies;railway gauges;port fees;fertiliser prices;nuclear safety;
climate targets;tourism numbers;labour migration;debt relief;food security;arms control;election monitors;
media freedom;internet shutdowns;the border dispute;the water treaty;the new highway;solar farms;wind power;
copper mines;uranium exports;gold reserves;interest rates;inflation;unemployment;pension reform;
language policy;school curricula;public health;hospital funding;locust swarms;earthquake recovery;
flood barriers;glacier melt;air pollution;fuel subsidies;bread prices;the census;road tolls;truck queues;
sanctions;frozen assets;the peace plan;prisoner swaps;military drills;border patrols;airspace closures;
container traffic;the free trade zone;digital payments;crypto mining;rare earths;textile quotas;
migrant remittances;diaspora votes
""".replace("\n", "").split(";")
TOPICS = [t.strip() for t in TOPICS if t.strip()]

CLAIMS = [
    "must be settled before winter",
    "would be discussed again next month",
    "were a matter for the courts",
    "had improved since last year",
    "needed outside investment",
    "should be left to the experts",
    "were not on the agenda this time",
    "threatened the stability of the region",
    "would be reviewed by parliament",
    "had been exaggerated by the press",
    "required a joint commission",
    "were the top priority of the government",
]
COUNTED = [
    ("agreements", "signed"),
    ("contracts", "signed"),
    ("memorandums", "signed"),
    ("delegates", "brought"),
    ("journalists", "brought"),
    ("loan deals", "announced"),
    ("joint projects", "announced"),
]
NUMBERS = ["two", "three", "four", "five", "six", "seven", "eight", "nine", "eleven", "twelve", "fifteen", "twenty"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
TIMES_OF_DAY = ["morning", "afternoon", "evening", "night"]
REASONS = [
    "to sign a water sharing deal",
    "to open a new consulate",
    "to negotiate gas transit fees",
    "to attend a trade fair",
    "to discuss a railway link",
    "to settle a border dispute",
    "to meet investors",
    "to launch a joint university",
]
FIELDS = """grain rail water energy mining textile fisheries aviation pharmaceutical steel cotton timber
telecom tourism railway banking insurance postal customs nuclear space weather health""".split()
BODIES = "council union agency board authority commission institute bank fund chamber".split()
ORG_ACTIVITIES = [
    "sets common standards for its members",
    "funds cross border projects",
    "settles disputes between member firms",
    "collects statistics for the governments of the region",
    "trains engineers and inspectors",
    "lobbies governments on regulation",
]
STATUSES = ["member"] * 3 + ["dialogue-partner"] * 4 + ["non-member"] * 2 + ["joining"]
STATUS_SENTENCES = {
    "member": "{name} is a full member of the SCO",
    "dialogue-partner": "{name} is one of the SCO's dialogue partners",
    "non-member": "{name} is not a member of the SCO",
    "joining": "{name} is expected to join the SCO at the meeting",
}
STATUS_ANSWERS = {
    "member": "Yes. {name} is a full member of the SCO.",
    "dialogue-partner": "{name} is not a full member but one of the SCO's dialogue partners.",
    "non-member": "No. {name} is not a member of the SCO.",
    "joining": "Not yet: {name} is expected to join the SCO at this meeting.",
}

GENERIC_OFF_TOPIC = [
    "what is the capital of france",
    "who won the world cup in 2018",
    "how do i reset my password",
    "what's the best pizza topping",
    "can you recommend a good movie",
    "what time is it in tokyo",
    "how tall is mount everest",
    "who wrote hamlet",
    "what is the boiling point of water",
    "how do you make sourdough bread",
    "is it going to rain tomorrow",
    "what's the score of the football match",
    "who is the richest person in the world",
    "how many legs does a spider have",
    "what is bitcoin worth today",
    "when does the next iphone come out",
    "how do i learn python",
    "what's a good name for a cat",
    "who painted the mona lisa",
    "how far away is the moon",
    "what is the speed of light",
    "where can i buy cheap flights",
    "how do i fix a flat tyre",
    "what is the meaning of life",
    "who invented the telephone",
    "what's the tallest building in the world",
    "how many calories are in a banana",
    "what is photosynthesis",
    "tell me a joke",
    "what's your favourite colour",
    "who directed jurassic park",
    "when was the eiffel tower built",
    "how do airplanes fly",
    "what's the population of brazil",
    "who is the best basketball player ever",
    "how long should i boil an egg",
    "what language do they speak in quebec",
    "can dogs eat chocolate",
    "what's the difference between a frog and a toad",
    "how do i get a visa for japan",
    "what are the rules of chess",
    "who sang bohemian rhapsody",
    "when is the next solar eclipse",
    "how much does a tesla cost",
    "what is the largest ocean",
    "what does dna stand for",
    "how do vaccines work",
    "who discovered penicillin",
    "what's trending on twitter",
    "how old is the universe",
    "what is the stock price of apple",
    "where is the nearest pharmacy",
    "how do i cancel my subscription",
    "what's for dinner tonight",
    "is coffee bad for you",
    "when did the titanic sink",
    "who won the oscar for best picture",
    "how many players are on a rugby team",
    "what is the fastest animal on earth",
    "how do i make a website",
]
ENTITY_OFF_TOPIC = [
    "how old is {full}",
    "is {surname} married",
    "where was {full} born",
    "what is {surname}'s favourite football team",
    "how tall is the {country} {role}",
    "what is the population of {country}",
    "what currency does {country} use",
    "what is the national dish of {country}",
    "how many employees does the {org} have",
    "when did {surname} leave {city}",
    "what is the weather like in {city}",
    "who designed the flag of {country}",
    "does {surname} have children",
    "what university did {full} go to",
    "what did {surname} say about {other_topic}",
    "what did the {country} {role} say about {other_topic}",
]


# --- names --------------------------------------------------------------------------------


class NameMaker:
    """Unique made-up words (surnames, countries, cities) that collide with nothing the lexicon
    or the stopwords know, nor with each other."""

    def __init__(self, rng: random.Random, reserved: set[str]) -> None:
        self.rng = rng
        self.used = set(reserved)

    def syllable(self, coda: bool) -> str:
        return self.rng.choice(ONSETS) + self.rng.choice(VOWELS) + (self.rng.choice(CODAS) if coda else "")

    def make(self, endings: list[str], syllables: tuple[int, int] = (1, 2)) -> str:
        for _ in range(10_000):
            count = self.rng.randint(*syllables)
            stem = "".join(self.syllable(coda=i == count - 1) for i in range(count))
            word = stem + self.rng.choice(endings)
            if 5 <= len(word) <= 12 and word not in self.used:
                self.used.add(word)
                return word
        raise RuntimeError("ran out of names; widen the syllables")


def adjective_of(name: str) -> str:
    if name.endswith("ia"):
        return name + "n"
    if name.endswith("a"):
        return name + "n"
    if name.endswith("stan"):
        return name[:-4] + "stani"
    if name.endswith("land"):
        return name + "ic"
    return name + "ese"


def title(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:] for w in text.split())


def slug(text: str) -> str:
    return "-".join(normalize(text).split())


# --- records --------------------------------------------------------------------------------


@dataclass
class Country:
    id: str
    name: str
    adjective: str
    cities: list[str] = field(default_factory=list)
    president: str | None = None


@dataclass
class PersonInfo:
    id: str
    full: str
    surname: str
    role: str
    country: Country


@dataclass
class Org:
    id: str
    name: str
    country: Country


@dataclass
class Generated:
    """What the generator wrote, kept for writing the questions."""

    facts: list[dict[str, Any]] = field(default_factory=list)  # {"id", "questions"} of every fact
    people: list[PersonInfo] = field(default_factory=list)
    countries: list[Country] = field(default_factory=list)
    orgs: list[Org] = field(default_factory=list)
    cities: list[str] = field(default_factory=list)
    topics_of: dict[str, set[str]] = field(default_factory=dict)


class Article:
    """Sentences packed into numbered paragraphs; a fact's quote is always inside its sentence."""

    def __init__(self) -> None:
        self.paragraphs: list[list[str]] = [[]]

    def add(self, sentence: str) -> int:
        if len(self.paragraphs[-1]) >= SENTENCES_PER_PARAGRAPH:
            self.paragraphs.append([])
        self.paragraphs[-1].append(sentence if sentence.endswith((".", '"')) else sentence + ".")
        return len(self.paragraphs)

    def text(self) -> str:
        return "\n\n".join(" ".join(p) for p in self.paragraphs if p) + "\n"


class Builder:
    def __init__(self, n_facts: int, seed: int, lexicon: dict[str, Any]) -> None:
        self.n = n_facts
        self.rng = random.Random(seed)
        self.lexicon = lexicon
        self.synonym_keys = {tuple(normalize(str(k)).split()) for k in lexicon["synonyms"]}
        reserved = set(STOPWORDS)
        for text in self._lexicon_texts():
            reserved.update(normalize(text).split())
        self.names = NameMaker(self.rng, reserved)
        self.reserved = reserved
        self.article = Article()
        self.out = Generated()
        self.entities: list[dict[str, Any]] = []
        self.country_records: list[dict[str, Any]] = []
        self.people_records: list[dict[str, Any]] = []
        self.fact_records: list[dict[str, Any]] = []
        self.order = 0
        self.alias_owner: dict[str, str] = {}
        self.org_ids: set[str] = set()
        self._orgs_done = 0

    def _lexicon_texts(self) -> Iterable[str]:
        for concept in self.lexicon["concepts"]:
            yield from concept["aliases"]
        for cues in self.lexicon["intents"].values():
            yield from (c.lstrip("^") for c in cues)
        for key, value in self.lexicon["synonyms"].items():
            yield str(key)
            yield str(value)
        yield from self.lexicon["fillers"]

    # A generated alias is only reachable when the synonyms leave it as written (they are applied
    # to a question before aliases are folded), and when no other term has it already.
    def _aliases(self, owner: str, candidates: Iterable[str]) -> list[str]:
        kept: list[str] = []
        for alias in candidates:
            words = tuple(normalize(alias).split())
            if self._rewritten_by_synonyms(words):
                continue
            while words[:1] == ("the",):
                words = words[1:]
            key = " ".join(words)
            if self.alias_owner.setdefault(key, owner) == owner and alias not in kept:
                kept.append(alias)
        return kept

    def _rewritten_by_synonyms(self, words: tuple[str, ...]) -> bool:
        return any(words[i : i + n] in self.synonym_keys for n in (1, 2, 3) for i in range(len(words)))

    def _fact(self, record: dict[str, Any], questions: list[str], section: list[dict[str, Any]]) -> None:
        section.append(record)
        self.out.facts.append({"id": record["id"], "questions": questions})

    def _phrasings(self, templates: list[str], **values: str) -> list[str]:
        count = self.rng.randint(4, min(6, len(templates)))
        chosen = sorted(self.rng.sample(range(len(templates)), count))
        return [templates[i].format(**values) for i in chosen]

    def remaining(self) -> int:
        return self.n - len(self.out.facts)

    # --- plan ---------------------------------------------------------------------------------

    def build(self) -> None:
        self.entities.extend(self._background())
        n_countries = max(8, self.n // 100)
        n_orgs = max(4, self.n // 60)
        for _ in range(n_countries):
            self._country()
        for country in self.out.countries:
            for _ in range(2):
                self._city(country)
        for _ in range(n_orgs):
            self._org_entity()
        # Country and organisation facts first (a few per cent of the base), people fill the rest.
        for country in self.out.countries:
            self._country_record(country)
        index = 0
        while self.remaining() > 0:
            self._person(index)
            index += 1
            if index % 10 == 0:
                self._org_facts_step()
        self._check_count()

    def _check_count(self) -> None:
        if len(self.out.facts) != self.n:
            raise AssertionError(f"generated {len(self.out.facts)} facts, wanted {self.n}")

    def _background(self) -> list[dict[str, Any]]:
        shipped = yaml.safe_load((ROOT / "facts" / "entities.yaml").read_text(encoding="utf-8"))
        records = [dict(e) for e in shipped["entities"] if e["id"] in BACKGROUND_IDS]
        for record in records:
            for alias in record["aliases"]:
                self.alias_owner.setdefault(" ".join(normalize(alias).split()), record["id"])
        return records

    def _country(self) -> None:
        name = self.names.make(COUNTRY_ENDINGS)
        adjective = adjective_of(name)
        while adjective in self.names.used:
            adjective += "n"
        self.names.used.add(adjective)
        country = Country(id=name, name=title(name), adjective=adjective)
        self.out.countries.append(country)

    def _city(self, country: Country) -> None:
        name = self.names.make(CITY_ENDINGS)
        country.cities.append(title(name))
        self.out.cities.append(title(name))
        aliases = self._aliases(name, [name, f"{name} city"])
        self.entities.append({"id": name, "name": title(name), "aliases": aliases, "part_of": country.id})

    def _org_entity(self) -> None:
        for _ in range(1000):
            country = self.rng.choice(self.out.countries)
            name = f"{title(country.adjective)} {title(self.rng.choice(FIELDS))} {title(self.rng.choice(BODIES))}"
            org_id = slug(name)
            # A name the synonyms rewrite ("energy") would leave the body without its main alias.
            if org_id not in self.org_ids and not self._rewritten_by_synonyms(tuple(normalize(name).split())):
                break
        else:
            raise RuntimeError("ran out of organisation names")
        acronym = "".join(w[0] for w in normalize(name).split())
        aliases = self._aliases(org_id, [name.lower(), acronym])
        self.org_ids.add(org_id)
        self.entities.append({"id": org_id, "name": name, "aliases": aliases, "part_of": country.id})
        self.out.orgs.append(Org(org_id, name, country))

    def _country_record(self, country: Country) -> None:
        name = country.name
        status = self.rng.choice(STATUSES)
        sentence = STATUS_SENTENCES[status].format(name=name)
        paragraph = self.article.add(sentence + ", officials in the capital confirmed")
        aliases = self._aliases(
            country.id, [country.id, country.adjective, f"republic of {country.id}", f"{country.adjective} government"]
        )
        extra = [f"is {country.id} in the shanghai cooperation organization"]
        self.country_records.append(
            {
                "id": country.id,
                "name": name,
                "aliases": aliases,
                "status": status,
                "questions": extra,
                "answer": STATUS_ANSWERS[status].format(name=name),
                "quote": sentence,
                "paragraph": paragraph,
            }
        )
        self.out.facts.append(
            {"id": f"status-{country.id}", "questions": [q.format(name=name) for q in STATUS_QUESTIONS] + extra}
        )
        # How big a delegation the country sent: a how-many fact about the country.
        number = self.rng.choice(NUMBERS)
        quote = f"{name} sent a delegation of {number} officials to the summit"
        questions = self._phrasings(
            [
                "how many officials did {c} send to the summit",
                "how big is the {a} delegation",
                "how many people are in the {c} delegation",
                "size of the {a} delegation",
                "number of {a} officials at the summit",
                "how many delegates came from {c}",
            ],
            c=country.id,
            a=country.adjective,
        )
        record = {
            "id": f"{country.id}-delegation-size",
            "asks": "how-many",
            "about": [country.id],
            "questions": questions,
            "answer": f"{name} sent {number} officials.",
            "quote": quote,
            "paragraph": self.article.add(quote),
        }
        self._fact(record, questions, self.fact_records)

    def _org_facts_step(self) -> None:
        """One organisation's facts, interleaved with the people so any size gets some."""
        done = self._orgs_done
        if done >= len(self.out.orgs) or self.remaining() <= 0:
            return
        self._orgs_done = done + 1
        org = self.out.orgs[done]
        lower = org.name.lower()
        head = f"{title(self.rng.choice(FIRST_NAMES))} {title(self.names.make(SURNAME_ENDINGS))}"
        city = self.rng.choice(org.country.cities)
        year = str(self.rng.randint(1961, 2019))
        activity = self.rng.choice(ORG_ACTIVITIES)
        specs = [
            (
                "head",
                "who",
                [
                    "who heads the {o}",
                    "who leads the {o}",
                    "who is in charge of the {o}",
                    "head of the {o}",
                    "who runs the {o}",
                    "who is the chair of the {o}",
                ],
                f"The {org.name} is headed by {head}.",
                f"{head}, who chairs the {org.name}",
            ),
            (
                "base",
                "where",
                [
                    "where is the {o} based",
                    "where is the {o} headquartered",
                    "which city is the {o} in",
                    "location of the {o}",
                    "where are the offices of the {o}",
                    "where does the {o} sit",
                ],
                f"The {org.name} is based in {city}.",
                f"the {org.name}, based in {city}",
            ),
            (
                "founded",
                "when",
                [
                    "when was the {o} founded",
                    "what year was the {o} set up",
                    "when was the {o} created",
                    "founding date of the {o}",
                    "how old is the {o}",
                    "when did the {o} start",
                ],
                f"The {org.name} was founded in {year}.",
                f"the {org.name} was founded in {year}",
            ),
            (
                "purpose",
                "what",
                [
                    "what does the {o} do",
                    "what is the {o}",
                    "explain the {o}",
                    "what is the job of the {o}",
                    "what is the {o} for",
                    "describe the {o}",
                ],
                f"The {org.name} {activity}.",
                f"The {org.name} {activity}",
            ),
        ]
        for suffix, asks, templates, answer, quote in specs:
            if self.remaining() <= 0:
                return
            questions = self._phrasings(templates, o=lower)
            self._fact(
                {
                    "id": f"{org.id}-{suffix}",
                    "asks": asks,
                    "about": [org.id],
                    "questions": questions,
                    "answer": answer,
                    "quote": quote,
                    "paragraph": self.article.add(quote),
                },
                questions,
                self.fact_records,
            )

    def _person(self, index: int) -> None:
        countries = self.out.countries
        country = countries[index % len(countries)]
        role = ROLES[(index // len(countries)) % len(ROLES)]
        if index >= len(countries) * len(ROLES):
            role = "deputy " + role
        first = self.rng.choice(FIRST_NAMES)
        surname = self.names.make(SURNAME_ENDINGS)
        full = f"{title(first)} {title(surname)}"
        pid = slug(full)
        person = PersonInfo(pid, full, surname, role, country)
        self.out.people.append(person)
        if role == "president":
            country.president = full
        c, a = country.id, country.adjective
        aliases = self._aliases(
            pid, [full.lower(), surname, f"{role} {surname}", f"the {c} {role}", f"the {a} {role}", f"{c}'s {role}"]
        )
        role_title = f"{country.name}'s {title(role)}"
        quote = f"{role_title} {full}"
        paragraph = self.article.add(f"{quote} was among the guests at the opening session")
        extra = [f"who is the {a} {role}", f"what does {surname} do"]
        self.people_records.append(
            {
                "id": pid,
                "name": full,
                "part_of": country.id,
                "aliases": aliases,
                "role": role_title,
                "questions": extra,
                "answer": f"{full} is {role_title}.",
                "quote": quote,
                "paragraph": paragraph,
            }
        )
        self.out.facts.append(
            {"id": f"who-{pid}", "questions": [q.format(name=full) for q in PERSON_QUESTIONS] + extra}
        )
        kinds = ["arrival", "said", "said"]
        kinds += self.rng.sample(["count", "meeting", "why", "stay"], 2)
        topics = self.rng.sample(TOPICS, 2)
        self.out.topics_of[pid] = set(topics)
        for kind in kinds:
            if self.remaining() <= 0:
                return
            if kind == "said":
                self._said(person, topics.pop())
            else:
                getattr(self, f"_{kind}")(person)

    def _values(self, person: PersonInfo) -> dict[str, str]:
        return {
            "s": person.surname,
            "f": person.full.lower(),
            "r": f"{person.country.id} {person.role}",
            "ra": f"{person.country.adjective} {person.role}",
        }

    def _arrival(self, person: PersonInfo) -> None:
        city = self.rng.choice(self.rng.choice(self.out.countries).cities)
        day, time_of_day = self.rng.choice(DAYS), self.rng.choice(TIMES_OF_DAY)
        quote = f"{person.full} arrived in {city} on {day} {time_of_day}"
        self.order += 1
        questions = self._phrasings(
            [
                "when did {s} arrive in {c}",
                "when did {f} arrive",
                "what day did {s} land in {c}",
                "{s} arrival time",
                "when did the {r} get to {c}",
                "what time did {f} touch down in {c}",
            ],
            c=city.lower(),
            **self._values(person),
        )
        self._fact(
            {
                "id": f"{person.id}-arrival",
                "asks": "when",
                "about": [person.id, slug(city)],
                "questions": questions,
                "answer": f"{person.full} arrived in {city} on {day} {time_of_day}.",
                "quote": quote,
                "paragraph": self.article.add(quote + ", according to the foreign ministry"),
                "when": f"{day} {time_of_day}",
                "order": self.order,
            },
            questions,
            self.fact_records,
        )

    def _said(self, person: PersonInfo, topic: str) -> None:
        claim = self.rng.choice(CLAIMS)
        quote = f'"{topic[:1].upper()}{topic[1:]} {claim}," {person.full} told reporters'
        questions = self._phrasings(
            [
                "what did {s} say about {t}",
                "{f} on {t}",
                "what is {s}'s view on {t}",
                "what did the {r} say about {t}",
                "{s} comments on {t}",
                "what does {f} think about {t}",
            ],
            t=topic,
            **self._values(person),
        )
        self._fact(
            {
                "id": f"{person.id}-on-{slug(topic)}",
                "asks": "said",
                "about": [person.id],
                "questions": questions,
                "answer": f"{person.full} said {topic} {claim}.",
                "quote": quote,
                "paragraph": self.article.add(quote),
            },
            questions,
            self.fact_records,
        )

    def _count(self, person: PersonInfo) -> None:
        thing, verb = self.rng.choice(COUNTED)
        number = self.rng.choice(NUMBERS)
        quote = f"{person.full} {verb} {number} {thing} during the visit"
        base_verb = {"signed": "sign", "brought": "bring", "announced": "announce"}[verb]
        questions = self._phrasings(
            [
                "how many {th} did {s} {v}",
                "how many {th} did {f} {v} at the summit",
                "number of {th} {vd} by {s}",
                "how many {th} did the {r} {v}",
                "{s} {th} count",
                "what number of {th} did {s} {v}",
            ],
            th=thing,
            v=base_verb,
            vd=verb,
            **self._values(person),
        )
        self._fact(
            {
                "id": f"{person.id}-{slug(thing)}-count",
                "asks": "how-many",
                "about": [person.id],
                "questions": questions,
                "answer": f"{person.full} {verb} {number} {thing}.",
                "quote": quote,
                "paragraph": self.article.add(quote),
            },
            questions,
            self.fact_records,
        )

    def _meeting(self, person: PersonInfo) -> None:
        others = [p for p in self.out.people[-200:] if p.id != person.id]
        other = self.rng.choice(others) if others else None
        if other is None:
            self._why(person)
            return
        city = self.rng.choice(person.country.cities)
        quote = f"{person.full} met {other.full} in {city}"
        questions = self._phrasings(
            [
                "where did {s} meet {s2}",
                "where did {f} hold talks with {f2}",
                "location of the {s} {s2} meeting",
                "where were {s} and {s2} meeting",
                "in which city did {s} sit down with {s2}",
                "where did the {r} meet {s2}",
            ],
            s2=other.surname,
            f2=other.full.lower(),
            **self._values(person),
        )
        self._fact(
            {
                "id": f"{person.id}-meets-{other.id}",
                "asks": "where",
                "about": [person.id, other.id],
                "questions": questions,
                "answer": f"{person.full} met {other.full} in {city}.",
                "quote": quote,
                "paragraph": self.article.add(quote + " on the sidelines"),
            },
            questions,
            self.fact_records,
        )

    def _why(self, person: PersonInfo) -> None:
        target = self.rng.choice([c for c in self.out.countries if c is not person.country])
        reason = self.rng.choice(REASONS)
        quote = f"{person.full} travelled to {target.name} {reason}"
        questions = self._phrasings(
            [
                "why did {s} visit {c}",
                "what was the purpose of {f}'s trip to {c}",
                "reason for {s}'s visit to {c}",
                "why did the {r} go to {c}",
                "why was {s} in {c}",
                "what was {s} doing in {c}",
            ],
            c=target.id,
            **self._values(person),
        )
        self._fact(
            {
                "id": f"{person.id}-visit-{target.id}",
                "asks": "why",
                "about": [person.id, target.id],
                "questions": questions,
                "answer": f"{person.full} went to {target.name} {reason}.",
                "quote": quote,
                "paragraph": self.article.add(quote),
            },
            questions,
            self.fact_records,
        )

    def _stay(self, person: PersonInfo) -> None:
        nights = self.rng.choice(NUMBERS[:6])
        quote = f"{person.full} is staying for {nights} days"
        questions = self._phrasings(
            [
                "how long is {s} staying",
                "how many days will {f} stay",
                "length of {s}'s stay",
                "how long will the {r} be here",
                "duration of {s}'s visit",
                "how long does {f} stay for",
            ],
            **self._values(person),
        )
        self._fact(
            {
                "id": f"{person.id}-stay",
                "asks": "how-long",
                "about": [person.id],
                "questions": questions,
                "answer": f"{person.full} is staying for {nights} days.",
                "quote": quote,
                "paragraph": self.article.add(quote),
            },
            questions,
            self.fact_records,
        )


# --- writing --------------------------------------------------------------------------------


def add_an_alias(facts_dir: Path) -> None:
    """A moderator's vocabulary edit to a generated base: one more alias for its first person."""
    path = min(facts_dir.glob("people-*.yaml"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  aliases:\n", "  aliases:\n  - the big boss\n", 1), encoding="utf-8")


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=4096)


def _write_split(directory: Path, stem: str, section: str, records: list[dict[str, Any]], per_file: int) -> list[Path]:
    """Write `records` over as many files as keep each under the loader's size limit."""
    written: list[Path] = []
    chunks = [records[i : i + per_file] for i in range(0, len(records), per_file)] or [[]]
    for chunk in chunks:
        if not chunk:
            continue
        text = _dump({section: chunk})
        if len(text.encode("utf-8")) > MAX_FILE_BYTES * 0.9 and len(chunk) > 1:
            half = len(chunk) // 2
            for part in (chunk[:half], chunk[half:]):
                written += _write_split(directory, stem, section, part, len(part))
            continue
        path = directory / f"{stem}-{len(list(directory.glob(stem + '-*.yaml'))) + 1:03d}.yaml"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def write_base(out_dir: Path, builder: Builder, lexicon: dict[str, Any]) -> None:
    facts_dir, seeds_dir = out_dir / "facts", out_dir / "seeds"
    for directory in (facts_dir, seeds_dir):
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
    (facts_dir / "lexicon.yaml").write_text(
        "# Copied from the shipped facts/lexicon.yaml.\n" + _dump({k: lexicon[k] for k in LEXICON_SECTIONS}),
        encoding="utf-8",
    )
    (facts_dir / "entities.yaml").write_text(_dump({"entities": builder.entities}), encoding="utf-8")
    _write_split(facts_dir, "countries", "countries", builder.country_records, FACTS_PER_FILE)
    _write_split(facts_dir, "people", "people", builder.people_records, FACTS_PER_FILE)
    _write_split(facts_dir, "facts", "facts", builder.fact_records, FACTS_PER_FILE)
    for path in facts_dir.glob("*.yaml"):
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AssertionError(f"{path} is {size:,} bytes, over the loader's limit")
    (seeds_dir / "synthetic-summit.txt").write_text(builder.article.text(), encoding="utf-8")
    meta = {
        "id": "synthetic-summit",
        "file": "synthetic-summit.txt",
        "title": f"A synthetic summit article ({builder.n:,} facts)",
    }
    (seeds_dir / "synthetic-summit.yaml").write_text(_dump(meta), encoding="utf-8")


# --- questions ------------------------------------------------------------------------------


class Paraphraser:
    """Changes a phrasing the ways people do: reorder, synonym, typo, dropped stopwords."""

    def __init__(self, rng: random.Random, lexicon: dict[str, Any], phrases: Iterable[str]) -> None:
        self.rng = rng
        # Names, topics and multi-word cues move as one piece when words are reordered: people
        # say "kranir energy minister, why did they go", not "minister go ... kranir energy".
        self.phrases = {tuple(normalize(p).split()) for p in phrases}
        self.phrases |= {tuple(normalize(c.lstrip("^")).split()) for cs in lexicon["intents"].values() for c in cs}
        self.phrases = {p for p in self.phrases if len(p) > 1}
        self.max_span = max((len(p) for p in self.phrases), default=1)
        self.alternatives: dict[str, list[str]] = {}
        for concept in lexicon["concepts"]:
            aliases = [normalize(a) for a in concept["aliases"]]
            for alias in aliases:
                self.alternatives.setdefault(alias, []).extend(a for a in aliases if a != alias)
        for word, meaning in lexicon["synonyms"].items():
            word, meaning = normalize(str(word)), normalize(str(meaning))
            if word and meaning and len(word) > 2:
                self.alternatives.setdefault(meaning, []).append(word)

    def _units(self, words: list[str]) -> list[list[str]]:
        units: list[list[str]] = []
        i = 0
        while i < len(words):
            span = next(
                (
                    n
                    for n in range(min(self.max_span, len(words) - i), 1, -1)
                    if tuple(words[i : i + n]) in self.phrases
                ),
                1,
            )
            units.append(words[i : i + span])
            i += span
        return units

    def reorder(self, words: list[str]) -> list[str] | None:
        units = self._units(words)
        if len(units) < 3:
            return None
        if self.rng.random() < 0.5:
            cut = self.rng.randint(1, len(units) - 1)
            units = units[cut:] + units[:cut]
        else:
            i = self.rng.randrange(len(units) - 1)
            units = [*units[:i], units[i + 1], units[i], *units[i + 2 :]]
        return [w for unit in units for w in unit]

    def synonym(self, words: list[str]) -> list[str] | None:
        options = []
        for span in (2, 1):
            for i in range(len(words) - span + 1):
                phrase = " ".join(words[i : i + span])
                if phrase in self.alternatives:
                    options.append((i, span, phrase))
        if not options:
            return None
        i, span, phrase = self.rng.choice(options)
        replacement = self.rng.choice(self.alternatives[phrase])
        return [*words[:i], *replacement.split(), *words[i + span :]]

    def typo(self, words: list[str]) -> list[str] | None:
        long = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
        if not long:
            return None
        i = self.rng.choice(long)
        word = words[i]
        at = self.rng.randrange(1, len(word) - 1)
        operation = self.rng.choice(("delete", "swap", "replace", "insert"))
        if operation == "delete":
            word = word[:at] + word[at + 1 :]
        elif operation == "swap":
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif operation == "replace":
            word = word[:at] + self.rng.choice(string.ascii_lowercase.replace(word[at], "")) + word[at + 1 :]
        else:
            word = word[:at] + self.rng.choice(string.ascii_lowercase) + word[at:]
        return [*words[:i], word, *words[i + 1 :]]

    def drop(self, words: list[str]) -> list[str] | None:
        kept = [w for w in words if w not in STOPWORDS]
        return kept if kept and len(kept) < len(words) else None

    def __call__(self, phrasing: str) -> tuple[str, str] | None:
        words = phrasing.lower().replace("?", "").split()
        kinds = ["reorder", "synonym", "typo", "drop"]
        self.rng.shuffle(kinds)
        wanted = 2 if self.rng.random() < 0.35 else 1
        done: list[str] = []
        for kind in kinds:
            changed = getattr(self, kind)(words)
            if changed is not None and changed != words:
                words = changed
                done.append(kind)
                if len(done) == wanted:
                    break
        if not done:
            return None
        return " ".join(words), "+".join(sorted(done))


def write_questions(
    out_dir: Path, built: Generated, lexicon: dict[str, Any], phrases: list[str], total: int, seed: int
) -> int:
    rng = random.Random(seed * 7919 + 1)
    paraphrase = Paraphraser(rng, lexicon, phrases)
    n_decline = round(total * DECLINE_SHARE)
    n_in_scope = total - n_decline
    seen: set[str] = set()
    entries: list[dict[str, Any]] = []

    def add(question: str, expect: str, kind: str) -> bool:
        key = question.casefold()
        if key in seen:
            return False
        seen.add(key)
        entries.append({"q": question, "expect": expect, "kind": kind})
        return True

    facts = built.facts
    order = rng.sample(range(len(facts)), len(facts)) if len(facts) <= 50_000 else None
    attempts = 0
    while sum(e["expect"] != "decline" for e in entries) < n_in_scope and attempts < n_in_scope * 20:
        attempts += 1
        index = order[attempts % len(order)] if order else rng.randrange(len(facts))
        fact = facts[index]
        changed = paraphrase(rng.choice(fact["questions"]))
        if changed:
            add(changed[0], fact["id"], changed[1])

    generic = list(GENERIC_OFF_TOPIC)
    rng.shuffle(generic)
    n_generic = min(len(generic), n_decline * 2 // 5)
    for question in generic[:n_generic]:
        add(question, "decline", "off-topic")
    attempts = 0
    while sum(e["expect"] == "decline" for e in entries) < n_decline and attempts < n_decline * 50:
        attempts += 1
        person = rng.choice(built.people)
        template = rng.choice(ENTITY_OFF_TOPIC)
        other_topics = [t for t in TOPICS if t not in built.topics_of.get(person.id, set())]
        question = template.format(
            full=person.full.lower(),
            surname=person.surname,
            country=person.country.id,
            role=person.role,
            org=rng.choice(built.orgs).name.lower(),
            city=rng.choice(built.cities).lower(),
            other_topic=rng.choice(other_topics),
        )
        add(question, "decline", "entity-unanswerable")
    rng.shuffle(entries)
    text = (
        "# Generated by benchmarks/generate_facts.py; `kind` says how the question was made.\n"
        "# expect: a fact id, or decline.\n" + _dump({"generated": entries})
    )
    (out_dir / "questions.yaml").write_text(text, encoding="utf-8")
    return len(entries)


def generate(out_dir: Path, n_facts: int, seed: int = 1, questions: int = 1000) -> dict[str, Any]:
    """Write the fact base and questions under `out_dir`; returns a summary."""
    lexicon = yaml.safe_load((ROOT / "facts" / "lexicon.yaml").read_text(encoding="utf-8"))
    missing = [k for k in LEXICON_SECTIONS if k not in lexicon]
    if missing:
        raise SystemExit(f"facts/lexicon.yaml lacks {', '.join(missing)}")
    builder = Builder(n_facts, seed, lexicon)
    builder.build()
    out_dir.mkdir(parents=True, exist_ok=True)
    write_base(out_dir, builder, lexicon)
    phrases = [*TOPICS, *(f"{c.id} {r}" for c in builder.out.countries for r in ROLES)]
    phrases += [*(f"{c.adjective} {r}" for c in builder.out.countries for r in ROLES)]
    for record in (*builder.entities, *builder.country_records, *builder.people_records):
        phrases.extend(record["aliases"])
    asked = write_questions(out_dir, builder.out, lexicon, phrases, questions, seed)
    return {
        "facts": len(builder.out.facts),
        "people": len(builder.out.people),
        "countries": len(builder.out.countries),
        "organisations": len(builder.out.orgs),
        "cities": len(builder.out.cities),
        "paragraphs": len(builder.article.paragraphs),
        "questions": asked,
        "files": len(list((out_dir / "facts").glob("*.yaml"))),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--facts", type=int, required=True, help="how many facts in all (who-, status- and plain)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--questions", type=int, default=1000, help="size of questions.yaml (15%% off-topic)")
    args = parser.parse_args()
    if args.facts < 100:
        parser.error("--facts must be at least 100")
    out_dir = args.out_dir.resolve()
    if out_dir == ROOT or ROOT in out_dir.parents:
        parser.error("write generated data outside the repository (e.g. under /tmp)")
    started = time.perf_counter()
    summary = generate(out_dir, args.facts, args.seed, args.questions)
    elapsed = time.perf_counter() - started
    print(", ".join(f"{v:,} {k}" for k, v in summary.items()) + f"; written to {out_dir} in {elapsed:.1f} s")


if __name__ == "__main__":
    main()
