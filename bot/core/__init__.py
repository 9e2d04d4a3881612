"""The question engine: loading and validating facts, matching questions, the answer object.

Nothing here imports discord: the command line, the tests and the Discord layer all call it.
"""

from bot.core.answer import Answer
from bot.core.errors import FactBaseError, FactProblem
from bot.core.factbase import FactBase
from bot.core.loader import load_fact_base
from bot.core.matcher import Matcher
from bot.core.service import FactService, ReloadReport

__all__ = [
    "Answer",
    "FactBase",
    "FactBaseError",
    "FactProblem",
    "FactService",
    "Matcher",
    "ReloadReport",
    "load_fact_base",
]
