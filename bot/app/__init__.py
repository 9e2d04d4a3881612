"""The Discord layer: a thin shell over bot.core. Every reply is built in embeds.py."""
