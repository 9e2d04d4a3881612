"""Accuracy on the question files, held to floors set just under what the matcher reaches.

tests/data/questions.yaml was written beside the facts; tests/data/blind_questions.yaml by writers
who never saw the facts or the matcher, which is what members are like. In each, `tune` is what
the weights were calibrated on; `holdout` was never used for tuning, so its floor is the honest
one. Raise a floor when the matcher gets better; never lower one to pass.

One floor was lowered once, on purpose, and not to pass: the curated `tune` decline floor, from
0.98 to 0.96, when the weights were calibrated on the blind `tune` split as well. Declining one
more of its 54 off-topic questions ("when did xi leave kazakhstan") would have cost 9 of the
blind split's in-scope questions; over the whole curated file the share declined stayed 95.7%.
The curated holdout's in-scope floor, briefly 0.97, is back at 0.95: that figure came with an
answer threshold of 70 picked with the holdout in view; the tuner's pick on the tune splits
alone is 72 (`benchmarks/tune_matcher.py`).

The blind `tune` decline floor went from 0.95 to 0.94 when half of two new writers' sets joined
the split: their off-topic questions are harder (on the topic, asking what the article lacks),
and the split's figure fell with them, from 95.9% to 93.3% before any change to the matcher.
`fresh` is the other half of those sets, measured once after session five's work.

It went from 0.94 to 0.92 in session six, for the same reason: half of two more writers' sets
joined `tune`, and their off-topic half was declined 87.2% of the time before any change (the
split as a whole: 92.5%). `fresh2` is the other half, measured before the session's changes
(75.3% right, 91.3% declined) and once after them. Later in the session half of two more sets
(eight and nine, whose writers were asked for follow-ups that ask a little more than the article
says) joined `tune`, declined 68.2% of the time when they arrived, and the floor went to 0.88;
`fresh3` is their other half (77.9% / 69.4% at the start of the session).

In session seven the `fresh` decline floor went from 0.77 to 0.75 for a while, deliberately: a fact that
mentions what a question names without being about it now pays half the unnamed-subject
penalty. On `tune` that answered five more questions right and declined as many; on the four
held-out blind splits it answered three more right and one more off-topic question, in
`fresh` (40 off-topic questions, so one is 2.5 points). The trade was judged on `tune` alone;
which `fresh` question it was was not looked at. Then "actually", "in the end" and "end up" became
a cue (whether a plan came true) instead of filler, which the `beyond` questions of facts that
report plans carry: on `tune` four more off-topic questions declined and none lost; held out, one
more declined in `fresh` (back to 0.77) and one fewer answered right in `holdout` (back to 0.77;
not looked at either: where the cue is only emphasis it is a word no phrasing has, which costs a
few points of wording).
`fresh4` is the other half of sets ten and eleven (72.2% / 86.1% at the start of session seven).
Half of sets twelve and thirteen (ramblers, very short queries, words of other languages) joined
`tune` later in the session, and its floors went from 0.84 / 0.91 to 0.83 / 0.89 with them: that
half scored 72.8% / 79.5% when it arrived. `fresh5` is their other half (62.9% / 90.2% then).
Last, half of sets fourteen and fifteen (meanings of terms, questions about the article itself,
future plans; fast typists) joined `tune` at 78.8% / 71.1%, and the decline floor went to 0.87;
`fresh6` is their other half (77.2% / 72.7% when they arrived; 75.0% declined once "exactly"
became a cue).
In session eight half of sets sixteen and seventeen (quiz crammers, vague names, confirmations;
autocorrect slips, who is who, questions framed by the text) joined `tune` at 78.8% / 80.6%, and
its decline floor went from 0.90 to 0.89 with them (back to 0.90, then 0.91, with the session's
changes); `fresh7` is their other half (73.8% / 84.8% when they arrived, before any change).
Later half of sets eighteen and nineteen (negatives, thesaurus words, very short queries with
typos) joined at 71.9% / 89.2%, and the in-scope floor went from 0.83 to 0.82 with them (back to
0.83 with the session's changes); `fresh8` is their other half (76.1% / 77.8% when they arrived,
the same as with the matcher the session started from). The session's last changes raised the
floors where the held-out splits rose. Last, half of sets twenty and twenty-one (young students,
list requests, other Englishes; voice-to-text slips, several questions in one) joined `tune` at
76.0% / 87.8%, and its in-scope floor stayed 0.83 (83.4%) until the last changes (0.84); `fresh9`,
their other half, was written after most of the session's changes and scored 78.7% / 85.4% on
arrival (78.7% / 80.5% with the matcher the session started from; 81.3% / 85.4% at the end).
In session nine half of sets twenty-two and twenty-three (first-language word order, invented
initials, bare noun phrases; fact-checkers, numbers, loaded questions) joined `tune` at 80.0% /
84.4%, and half of sets twenty-four and twenty-five (formal courtesy, very short teens, fast
typists; people by role, why and how, what the article says about a topic) at 75.6% / 85.7%; the
floors went from 0.84 / 0.91 to 0.83 / 0.90 with them. `fresh10` and `fresh11` are their other
halves (76.2% / 73.3% and 77.8% / 88.2% with the matcher the session started from). Then half of
sets twenty-six and twenty-seven (order in time, links between countries, chat fillers; wrong words
to be set right, yes/no in every shape, several questions at once) joined at 68.9% / 88.9%, and the
in-scope floor went to 0.82 with them; `fresh12` is their other half (79.7% / 77.8% when they
arrived, as with the starting matcher). Last, half of sets twenty-eight and twenty-nine
(half-remembered headlines, is-it-true, titles; phone typing, lists, chat before the question),
written after most of the session's changes, joined at 76.1% / 79.5% (73.1% / 76.9% with the
starting matcher); `fresh13` is their other half (84.8% / 94.9%, the same with both). The session's last changes
raised the floors where the held-out splits rose.
In session ten the blind `tune` decline floor went from 0.91 to 0.90, on purpose: words for the
article itself ("story", "piece", "mention") no longer count against a fact that lacks them. On
`tune` seven more right and one off-topic question fewer declined (555 of 610, 90.98%); over
the fourteen held-out splits five more right and none fewer declined. Then half of sets thirty
and thirty-one (word-by-word translations from other languages, parents with worksheets, skeptics,
sports and game slang; fact-checkers, quiz players, ramblers, one-to-four-word messages) joined
`tune` at 72.6% / 93.5%, the same with the matcher the session started from; `fresh14` is their
other half (67.0% / 93.2% with both). Later half of sets thirty-two and thirty-three (older
members with half-remembered names, debaters, numbers and positions, wrong premises; voice
dictation, autocorrect, emoji, comparisons) joined at 71.6% / 85.7% (69.6% / 85.7% with the
starting matcher); `fresh15` is their other half (64.4% / 94.1%; 62.4% / 94.1% with the starting
matcher). The session's later changes raised the floors where the splits rose, and the blind
`tune` decline floor went back to 0.91 (91.0%). Last, half of sets thirty-four and thirty-five
(learners of English, children, fill-in-the-blank, attribution; misremembered numbers, who said
it, news-anchor register, a name then a pronoun), written after all but the last of the
session's changes, joined `tune` at 77.6% / 92.1% (75.5% / 92.1% with the starting matcher);
`fresh16` is their other half (76.3% / 97.4% with both; 78.4% after the session's last change, chosen on the
`tune` half).
In session eleven half of sets thirty-six to forty-one (students pasting homework, talk to a voice
assistant; word order carried over from Spanish, Portuguese, Russian, Arabic, Hindi and Turkish;
newsroom shorthand, claims quoted from an argument; gamers, phone typing; mixed-up details,
things described but not named; quiz items, long formal courtesies) joined `tune` at 74.7% /
94.9%, and the blind `tune` floors went to 0.83 / 0.91 (83.8% / 91.6%). `fresh17` to `fresh19`
are their other halves, measured when they arrived (86.3% / 81.6%, 65.3% / 87.9% and 59.6% /
89.5%). The session's changes (a verb's other form read as the word the base has; homework,
formal-letter, newsroom and quiz framings that ask nothing; months the article does not name)
raised the floors where the splits rose. One was lowered on purpose: `fresh11`'s, from 0.81 to
0.80, when times of day the article does not give ("at night", "pm") came to ask the time of day:
on `tune` two more right and none fewer; held out two more right and one fewer, in `fresh11`.
The next change ("spoke" read as "address") won it back, and the floor returned to 0.81; the last
("or am I mixing him up", "currently") raised it to 0.82.
"""

from __future__ import annotations

import pytest

from bot.core.evaluation import evaluate, load_questions
from tests.conftest import BLIND_QUESTIONS_FILE, QUESTIONS_FILE

FLOORS = {
    # (file, split): (in-scope answered right, out-of-scope declined)
    (QUESTIONS_FILE, "tune"): (0.99, 0.98),
    (QUESTIONS_FILE, "holdout"): (0.97, 0.94),
    (BLIND_QUESTIONS_FILE, "tune"): (0.84, 0.91),
    (BLIND_QUESTIONS_FILE, "holdout"): (0.82, 0.97),
    (BLIND_QUESTIONS_FILE, "fresh"): (0.79, 0.82),
    (BLIND_QUESTIONS_FILE, "fresh2"): (0.83, 0.95),
    (BLIND_QUESTIONS_FILE, "fresh3"): (0.88, 0.73),
    (BLIND_QUESTIONS_FILE, "fresh4"): (0.81, 0.94),
    (BLIND_QUESTIONS_FILE, "fresh5"): (0.70, 0.95),
    (BLIND_QUESTIONS_FILE, "fresh6"): (0.79, 0.81),
    (BLIND_QUESTIONS_FILE, "fresh7"): (0.75, 0.87),
    (BLIND_QUESTIONS_FILE, "fresh8"): (0.82, 0.86),
    (BLIND_QUESTIONS_FILE, "fresh9"): (0.81, 0.87),
    (BLIND_QUESTIONS_FILE, "fresh10"): (0.82, 0.75),
    (BLIND_QUESTIONS_FILE, "fresh11"): (0.82, 0.88),
    (BLIND_QUESTIONS_FILE, "fresh12"): (0.86, 0.77),
    (BLIND_QUESTIONS_FILE, "fresh13"): (0.86, 0.94),
    (BLIND_QUESTIONS_FILE, "fresh14"): (0.80, 0.93),
    (BLIND_QUESTIONS_FILE, "fresh15"): (0.65, 0.94),
    (BLIND_QUESTIONS_FILE, "fresh16"): (0.79, 0.97),
    (BLIND_QUESTIONS_FILE, "fresh17"): (0.86, 0.81),
    (BLIND_QUESTIONS_FILE, "fresh18"): (0.70, 0.90),
    (BLIND_QUESTIONS_FILE, "fresh19"): (0.63, 0.89),
}


@pytest.mark.parametrize("path", [QUESTIONS_FILE, BLIND_QUESTIONS_FILE], ids=lambda path: path.stem)
def test_question_file_has_the_promised_size(path):
    questions = load_questions(path)
    in_scope = [q for q in questions if q.in_scope]
    assert len(in_scope) >= 150 and len(questions) - len(in_scope) >= 40
    assert len({q.question.casefold() for q in questions}) == len(questions), "no question twice"


@pytest.mark.parametrize("path", [QUESTIONS_FILE, BLIND_QUESTIONS_FILE], ids=lambda path: path.stem)
def test_every_expected_fact_exists(shipped_base, path):
    ids = {fact.id for fact in shipped_base.facts}
    for question in load_questions(path):
        if question.in_scope:
            assert question.expected <= ids, question


@pytest.mark.parametrize(("path", "split"), sorted(FLOORS), ids=lambda value: getattr(value, "stem", value))
def test_accuracy_floor(matcher, path, split):
    result = evaluate(matcher, load_questions(path, [split]))
    in_scope_floor, decline_floor = FLOORS[path, split]
    misses = "\n".join(
        f"{m.question.question!r}: expected {sorted(m.question.expected)}, got {m.answer.fact_id or 'decline'}"
        for m in result.misses
    )
    assert result.in_scope_accuracy >= in_scope_floor, f"{result.summary(split)}\n{misses}"
    assert result.decline_accuracy >= decline_floor, f"{result.summary(split)}\n{misses}"
