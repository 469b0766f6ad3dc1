"""Question-bank files: read, validate and normalise .xlsx/.csv/.json banks; the bundled bank;
the Excel template. Framework-free: nothing here imports Flask or SQLAlchemy.
"""

from .bundled import bundled_exclusions, load_bundled
from .model import QUESTION_TYPES, Bank, InvalidBank, Issue, Limits, Question
from .reader import read_bank
from .template import build_template_xlsx
from .validate import validate_question

__all__ = [
    "QUESTION_TYPES",
    "Bank",
    "InvalidBank",
    "Issue",
    "Limits",
    "Question",
    "build_template_xlsx",
    "bundled_exclusions",
    "load_bundled",
    "read_bank",
    "validate_question",
]
