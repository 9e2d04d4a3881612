"""A loopback Discord for end-to-end tests: the real discord.py client talks to it over 127.0.0.1."""
