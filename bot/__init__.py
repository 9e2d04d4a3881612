"""SummitBot: answers questions about the SCO summit article from a curated, verified fact base."""

__version__ = "0.1.0"
