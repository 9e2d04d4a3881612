"""Every embed the bot sends fits Discord's limits and carries nothing that pings or links."""

from __future__ import annotations

import re

import discord
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import limits
from bot.app.embeds import (
    answer_embed,
    leader_embed,
    leaders_embed,
    members_embed,
    reload_failed_embed,
    safe_text,
    timeline_embed,
)

MENTION = re.compile(r"<@[!&]?\d{15,20}>")


def all_text(embed: discord.Embed) -> str:
    parts = [embed.title or "", embed.description or "", embed.footer.text or ""]
    for field in embed.fields:
        parts += [field.name or "", field.value or ""]
    return "\n".join(parts)


def assert_within_limits(embed: discord.Embed) -> None:
    assert len(embed) <= limits.EMBED_TOTAL
    assert len(embed.title or "") <= limits.EMBED_TITLE
    assert len(embed.description or "") <= limits.EMBED_DESCRIPTION
    assert len(embed.fields) <= limits.MAX_FIELDS
    for field in embed.fields:
        assert 0 < len(field.name) <= limits.FIELD_NAME and 0 < len(field.value) <= limits.FIELD_VALUE
    assert len(embed.footer.text or "") <= limits.FOOTER


hostile = st.one_of(
    st.text(max_size=7000),
    st.sampled_from(
        [
            "@everyone when did xi arrive",
            "@here <@&123456789012345678> <@421234567890123456> who is putin",
            "```py\nprint('x')\n``` **bold** [click](https://evil.example) when did putin land",
            "\u202ewhen did xi arrive\u202c",
            "w\u200bhen d\u200bid x\u0301i arrive",
            "\x00\x00 who is mao ning",
            "🇨🇳🇷🇺 xi?? 🤔",
            "x" * 6000,
        ]
    ),
)


@settings(
    max_examples=300, deadline=None, print_blob=False, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(question=hostile)
def test_any_question_gets_an_answer_embed_within_limits(matcher, shipped_base, question):
    answer = matcher.ask(question)
    embed = answer_embed(answer, shipped_base)
    assert_within_limits(embed)
    text = all_text(embed)
    assert "@everyone" not in text and "@here" not in text
    assert not MENTION.search(text)
    if not answer.answered:
        assert len(answer.suggestions) <= 3


@pytest.mark.parametrize("render", [members_embed, leaders_embed, timeline_embed])
def test_listing_embeds_fit(shipped_base, render):
    assert_within_limits(render(shipped_base))


@pytest.mark.parametrize("person", ["putin", "xi", "ushakov", "mao-ning", "erdogan", "guterres"])
def test_leader_embeds_fit_and_quote(shipped_base, person):
    embed = leader_embed(person, shipped_base)
    assert_within_limits(embed)
    assert "> " in (embed.description or "")


def test_reload_errors_are_listed_and_clipped():
    problems = [f"facts/x.yaml:{n}: id 'a': field 'quote': not found @everyone" for n in range(500)]
    embed = reload_failed_embed(problems)
    assert_within_limits(embed)
    assert "facts/x.yaml:0" in embed.description and "@everyone" not in embed.description


@given(st.text(max_size=500))
def test_safe_text_never_leaves_a_link_or_mention(text):
    made_safe = safe_text(text)
    assert "://" not in made_safe
    assert "@everyone" not in made_safe and "@here" not in made_safe
