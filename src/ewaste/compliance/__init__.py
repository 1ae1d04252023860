"""Compliance: per-unit dismantling records with output fractions, and subsidy claims."""

from ewaste.compliance.check_queries import CheckView, FlagView
from ewaste.compliance.checks import expected_composition, list_checks, review_check
from ewaste.compliance.claim_export import claim_csv, claim_pdf
from ewaste.compliance.claim_queries import (
    ClaimLineView,
    ClaimSummary,
    ClaimView,
    ExclusionView,
)
from ewaste.compliance.claim_rules import (
    ClaimNotFound,
    ClaimStatus,
    Exclusion,
    IllegalClaimTransition,
    InvalidPeriod,
    NothingToClaim,
    UnitAlreadyClaimed,
)
from ewaste.compliance.claims import (
    claim_chains,
    decide_claim,
    get_claim,
    list_claims,
    prepare_claim,
    submit_claim,
)
from ewaste.compliance.output_rules import (
    CheckNotFound,
    CheckReason,
    CheckStatus,
    IllegalCheckTransition,
    InvalidReviewNote,
)
from ewaste.compliance.queries import (
    DismantlingView,
    recent_for_plant,
    recovered_grams_by_fraction,
)
from ewaste.compliance.rules import AlreadyDismantled, Fraction, InvalidFractions, InvalidLine
from ewaste.compliance.services import record_dismantling

__all__ = [
    "AlreadyDismantled",
    "CheckNotFound",
    "CheckReason",
    "CheckStatus",
    "CheckView",
    "ClaimLineView",
    "ClaimNotFound",
    "ClaimStatus",
    "ClaimSummary",
    "ClaimView",
    "DismantlingView",
    "Exclusion",
    "ExclusionView",
    "FlagView",
    "Fraction",
    "IllegalCheckTransition",
    "IllegalClaimTransition",
    "InvalidFractions",
    "InvalidLine",
    "InvalidPeriod",
    "InvalidReviewNote",
    "NothingToClaim",
    "UnitAlreadyClaimed",
    "claim_chains",
    "claim_csv",
    "claim_pdf",
    "decide_claim",
    "expected_composition",
    "get_claim",
    "list_checks",
    "list_claims",
    "prepare_claim",
    "recent_for_plant",
    "record_dismantling",
    "recovered_grams_by_fraction",
    "review_check",
    "submit_claim",
]
