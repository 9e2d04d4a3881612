"""One extension per feature, loaded by SummitBot.setup_hook."""

EXTENSIONS = (
    "bot.app.cogs.ask",
    "bot.app.cogs.members",
    "bot.app.cogs.leaders",
    "bot.app.cogs.timeline",
    "bot.app.cogs.admin",
)
