"""The one place where answers and fact-base views become Discord embeds.

Everything a user typed is shown only inside an embed footer or escaped, the bot sets
`AllowedMentions.none()` on every message, and every piece is clipped to Discord's limits.
"""

from __future__ import annotations

import discord

from bot.app import limits
from bot.app.limits import clip
from bot.core import Answer, FactBase, ReloadReport
from bot.core.factbase import Fact
from bot.core.service import LoadedState
from bot.core.store import FactFeedback, Gap

ANSWERED_COLOUR = discord.Colour.from_rgb(46, 139, 87)
DECLINED_COLOUR = discord.Colour.from_rgb(217, 131, 36)
INFO_COLOUR = discord.Colour.from_rgb(52, 101, 164)
ERROR_COLOUR = discord.Colour.from_rgb(192, 57, 43)

STATUS_HEADINGS = {
    "leading-power": "Leading powers",
    "member": "Members",
    "joining": "Joining",
    "dialogue-partner": "Dialogue partners",
    "non-member": "Not members",
}


def safe_text(text: str) -> str:
    """User text made inert: no mentions, no Markdown, no links that render."""
    text = discord.utils.escape_mentions(text)
    text = discord.utils.escape_markdown(text, as_needed=False)
    return text.replace("://", ":\u200b//")


def block_quote(text: str) -> str:
    return "\n".join(f"> {line}" for line in text.splitlines() or [""])


def citation(base: FactBase, source: str | None, paragraph: int | None) -> str:
    return f"*{base.article_for(source).title}*, paragraph {paragraph}"


def answer_embed(answer: Answer, base: FactBase) -> discord.Embed:
    """The reply to a question: answer, verbatim quote, citation; or a decline with suggestions."""
    if answer.answered:
        description = f"{answer.answer}\n\n{block_quote(answer.quote or '')}"
        embed = discord.Embed(colour=ANSWERED_COLOUR, description=clip(description, limits.EMBED_DESCRIPTION))
        embed.add_field(name="Source", value=clip(citation(base, answer.source, answer.paragraph), limits.FIELD_VALUE))
    else:
        embed = discord.Embed(
            colour=DECLINED_COLOUR,
            title="The article doesn't say",
            description="I only answer from the article, and I couldn't find that in it.",
        )
        if answer.suggestions:
            listing = "\n".join(f"• {s}" for s in answer.suggestions)
            embed.add_field(name="You could ask", value=clip(listing, limits.FIELD_VALUE), inline=False)
    asked = discord.utils.escape_mentions(" ".join(answer.question.split())).replace("://", ":\u200b//")
    embed.set_footer(text=clip(f"You asked: {asked}", 200))
    return embed


def members_embed(base: FactBase) -> discord.Embed:
    embed = discord.Embed(colour=INFO_COLOUR, title="Who is in the SCO")
    for status, heading in STATUS_HEADINGS.items():
        names = [c.name for c in base.countries if c.status == status]
        if names:
            embed.add_field(name=heading, value=clip(", ".join(names), limits.FIELD_VALUE), inline=False)
    count = base.get("member-count")
    partners = base.get("dialogue-partner-count")
    notes = [f.answer for f in (count, partners) if f]
    if notes:
        embed.description = clip(" ".join(notes), limits.EMBED_DESCRIPTION)
    embed.set_footer(text=clip(f"Source: {base.article.title}. Ask /member for one country's status.", limits.FOOTER))
    return embed


def fact_embed(fact: Fact, base: FactBase, title: str | None = None) -> discord.Embed:
    embed = discord.Embed(colour=ANSWERED_COLOUR, title=clip(title, limits.EMBED_TITLE) if title else None)
    embed.description = clip(f"{fact.answer}\n\n{block_quote(fact.quote)}", limits.EMBED_DESCRIPTION)
    embed.add_field(name="Source", value=clip(citation(base, fact.source, fact.paragraph), limits.FIELD_VALUE))
    return embed


def leaders_embed(base: FactBase) -> discord.Embed:
    embed = discord.Embed(colour=INFO_COLOUR, title="People in the article")
    for person in base.people[: limits.MAX_FIELDS]:
        embed.add_field(
            name=clip(person.name, limits.FIELD_NAME), value=clip(person.role, limits.FIELD_VALUE), inline=False
        )
    embed.set_footer(text="Ask /leader for what each of them did and said.")
    return embed


def leader_embed(person_id: str, base: FactBase) -> discord.Embed:
    person = base.person(person_id)
    if person is None:
        raise KeyError(person_id)
    role = base.fact(person.role_fact)
    embed = discord.Embed(colour=INFO_COLOUR, title=clip(f"{person.name}: {person.role}", limits.EMBED_TITLE))
    embed.description = clip(
        f"{role.answer}\n{block_quote(role.quote)} (paragraph {role.paragraph})", limits.EMBED_DESCRIPTION
    )
    related = [f for f in base.facts_about(person.id) if f.id != person.role_fact]
    for fact in related[: limits.MAX_FIELDS - 1]:
        heading = "What they said" if fact.asks == "said" else "What they did"
        value = f"{fact.answer}\n{block_quote(fact.quote)} (paragraph {fact.paragraph})"
        embed.add_field(name=heading, value=clip(value, limits.FIELD_VALUE), inline=False)
    embed.set_footer(text=clip(f"Source: {base.article.title}", limits.FOOTER))
    return fit(embed)


def timeline_embed(base: FactBase) -> discord.Embed:
    embed = discord.Embed(colour=INFO_COLOUR, title="Timeline")
    for fact in base.timeline()[: limits.MAX_FIELDS]:
        value = f"{fact.answer}\n{block_quote(fact.quote)} (paragraph {fact.paragraph})"
        embed.add_field(
            name=clip(fact.when or "", limits.FIELD_NAME), value=clip(value, limits.FIELD_VALUE), inline=False
        )
    embed.set_footer(text=clip(f"Source: {base.article.title}", limits.FOOTER))
    return fit(embed)


def status_embed(state: LoadedState) -> discord.Embed:
    base = state.base
    embed = discord.Embed(colour=INFO_COLOUR, title="Fact base")
    embed.add_field(name="Facts", value=str(len(base.facts)))
    embed.add_field(
        name="Loaded", value=f"{discord.utils.format_dt(state.loaded_at, 'R')} by {clip(state.loaded_by, 200)}"
    )
    titles = "\n".join(a.title for a in base.articles)
    embed.add_field(name="Articles", value=clip(titles, limits.FIELD_VALUE), inline=False)
    embed.add_field(name="Files", value=clip("\n".join(base.files), limits.FIELD_VALUE), inline=False)
    return embed


def reload_embed(report: ReloadReport) -> discord.Embed:
    embed = discord.Embed(colour=ANSWERED_COLOUR, title=f"Reloaded: {report.fact_count} facts")
    if report.unchanged:
        embed.description = "No fact changed."
    for heading, ids in (("Added", report.added), ("Removed", report.removed), ("Changed", report.changed)):
        if ids:
            embed.add_field(
                name=f"{heading} ({len(ids)})", value=clip(", ".join(ids), limits.FIELD_VALUE), inline=False
            )
    return embed


def reload_failed_embed(problems: list[str]) -> discord.Embed:
    listing = "\n".join(f"• {safe_text(p)}" for p in problems)
    embed = discord.Embed(
        colour=ERROR_COLOUR,
        title="Reload refused: the facts still being served are unchanged",
        description=clip(listing, limits.EMBED_DESCRIPTION - 100),
    )
    embed.set_footer(text="Fix these and run /facts reload again.")
    return embed


def sources_embed(base: FactBase) -> discord.Embed:
    embed = discord.Embed(colour=INFO_COLOUR, title="Articles I answer from")
    for article in base.articles[: limits.MAX_FIELDS]:
        count = sum(1 for f in base.facts if f.source == article.id)
        value = f"`{article.id}`: {count} facts, {len(article.paragraphs)} paragraphs"
        embed.add_field(
            name=clip(article.title, limits.FIELD_NAME), value=clip(value, limits.FIELD_VALUE), inline=False
        )
    embed.set_footer(text="Narrow /ask to one of them with its source option.")
    return fit(embed)


def error_embed(message: str) -> discord.Embed:
    return discord.Embed(colour=ERROR_COLOUR, description=clip(message, limits.EMBED_DESCRIPTION))


def fit(embed: discord.Embed) -> discord.Embed:
    """Drop trailing fields until the whole embed is within Discord's 6000-character total."""
    while len(embed) > limits.EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)
    return embed


def gaps_embed(gaps: list[Gap]) -> discord.Embed:
    """What people ask that the facts do not answer, most asked first, near-duplicates together."""
    embed = discord.Embed(colour=INFO_COLOUR, title="Questions the bot declined most")
    if not gaps:
        embed.description = "No declined questions are stored for this server."
    for gap in gaps[: limits.MAX_FIELDS]:
        examples = "\n".join(f"• {safe_text(e)}" for e in gap.examples)
        name = f"{gap.count}× {safe_text(gap.representative)}"
        embed.add_field(
            name=clip(name, limits.FIELD_NAME), value=clip(examples or "—", limits.FIELD_VALUE), inline=False
        )
    return fit(embed)


def feedback_embed(report: list[FactFeedback]) -> discord.Embed:
    embed = discord.Embed(colour=INFO_COLOUR, title="Answers voted wrong most")
    if not report:
        embed.description = "No votes yet."
    for item in report[: limits.MAX_FIELDS]:
        embed.add_field(name=item.fact_id, value=f"{item.wrong} wrong, {item.helpful} helpful", inline=False)
    return fit(embed)
