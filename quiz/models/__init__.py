"""All tables. Importing this package registers every model on db.metadata."""

from quiz.models import bank, board, campaign, quiz, shop  # noqa: F401
from quiz.models.account import (
    ROLES,
    STAFF_ROLES,
    AccountHold,
    LoginFailureCount,
    SsoTokenUse,
    Team,
    User,
)
from quiz.models.bank import QUESTION_TYPES, Question, QuestionBank
from quiz.models.campaign import Campaign, CampaignAnswer, CampaignAttempt
from quiz.models.ledger import EARNING_KINDS, KINDS, LedgerEntry
from quiz.models.quiz import Answer, DailySet, QuizDay

__all__ = [
    "Campaign",
    "CampaignAnswer",
    "CampaignAttempt",
    "Answer",
    "DailySet",
    "QuizDay",
    "EARNING_KINDS",
    "KINDS",
    "QUESTION_TYPES",
    "ROLES",
    "LedgerEntry",
    "Question",
    "QuestionBank",
    "LoginFailureCount",
    "SsoTokenUse",
    "Team",
    "User",
    "STAFF_ROLES",
    "AccountHold",
]
