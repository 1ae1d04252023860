"""Credit: each collector's and station's score from its history on the platform, with
every factor's contribution, kept week by week, and the settlement tier it earns."""

from ewaste.credit.history import volumes_between
from ewaste.credit.queries import ScoreView
from ewaste.credit.rules import (
    DEFAULT_POLICY,
    FORMULA_VERSION,
    Contribution,
    Factor,
    History,
    Release,
    ScoreNotFound,
    SettlementPolicy,
    SettlementTerms,
    Tier,
    credit_period,
    score_breakdown,
    settlement_tier,
    terms_for,
)
from ewaste.credit.services import (
    credit_history,
    credit_score,
    credit_scores,
    score_due_parties,
    settlement_terms,
    settlement_terms_of,
)

__all__ = [
    "DEFAULT_POLICY",
    "FORMULA_VERSION",
    "Contribution",
    "Factor",
    "History",
    "Release",
    "ScoreNotFound",
    "ScoreView",
    "SettlementPolicy",
    "SettlementTerms",
    "Tier",
    "credit_history",
    "credit_period",
    "credit_score",
    "credit_scores",
    "score_breakdown",
    "score_due_parties",
    "settlement_terms",
    "settlement_terms_of",
    "settlement_tier",
    "terms_for",
    "volumes_between",
]
