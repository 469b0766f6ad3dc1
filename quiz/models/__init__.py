"""All tables. Importing this package registers every model on db.metadata."""

from quiz.models import bank, board, campaign, learning, quiz, recognition, shop  # noqa: F401
from quiz.models.account import (
    ROLES,
    STAFF_ROLES,
    AccountHold,
    LoginFailureCount,
    RecoveryCode,
    Role,
    SsoTokenUse,
    Team,
    User,
)
from quiz.models.audit import AuditEntry
from quiz.models.bank import QUESTION_TYPES, Question, QuestionBank
from quiz.models.campaign import Campaign, CampaignAnswer, CampaignAttempt
from quiz.models.learning import Mistake, PracticeAnswer, PracticeSession, QuestionReport
from quiz.models.ledger import EARNING_KINDS, KINDS, LedgerEntry
from quiz.models.partner import Partner  # noqa: F401  (registers the partner tables)
from quiz.models.players import PasswordResetCode, PlayerSettings  # noqa: F401
from quiz.models.privacy import GuardianConsent, SignInRecord  # noqa: F401
from quiz.models.quiz import Answer, DailySet, QuizDay
from quiz.models.recognition import Certificate, ParticipationTarget
from quiz.models.review import QuestionVersion, ReviewBatch
from quiz.models.rollup import (
    AwarenessDay,
    ParticipationDay,
    PeopleDay,
    PeopleMonth,
    QuestionDay,
    QuestionMedian,
    QuestionPicks,
    QuestionScores,
    RollupState,
)

__all__ = [
    "Role",
    "Campaign",
    "CampaignAnswer",
    "CampaignAttempt",
    "Answer",
    "Certificate",
    "ParticipationTarget",
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
    "AuditEntry",
    "RecoveryCode",
    "Mistake",
    "PracticeAnswer",
    "PracticeSession",
    "QuestionReport",
    "QuestionVersion",
    "ReviewBatch",
    "AwarenessDay",
    "ParticipationDay",
    "PeopleDay",
    "PeopleMonth",
    "QuestionMedian",
    "QuestionPicks",
    "QuestionScores",
    "QuestionDay",
    "RollupState",
]
