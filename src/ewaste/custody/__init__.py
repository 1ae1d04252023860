"""Chain of custody: tagged units and their append-only handover log."""

from ewaste.custody.access import access_unit_trace
from ewaste.custody.chain import ChainFault, FaultReason
from ewaste.custody.checkpoints import checkpoint_if_due, sign_checkpoint
from ewaste.custody.queries import (
    ChainStatus,
    UnitRow,
    chain_status,
    held_grams_by_holder,
    units_and_grams_by_category,
    units_by_codes,
    units_by_ids,
    units_by_status,
    units_from_source,
    units_held_by,
)
from ewaste.custody.rules import (
    HandoverKind,
    IllegalHandover,
    InvalidUnitCode,
    UnitNotFound,
    UnitStatus,
    WrongHolder,
    parse_unit_code,
)
from ewaste.custody.services import (
    DuplicateUnitCodes,
    EventNotFound,
    Handover,
    correct_event,
    hand_over,
    tag_unit,
    trace_unit,
)
from ewaste.custody.signing import InvalidSigningKey, PublicKey, Signer, load_signer
from ewaste.custody.trace import (
    TraceStep,
    UnitTrace,
    chain_completeness,
    unit_trace,
    units_of_household,
)
from ewaste.custody.verify import ChainReport, verify_chain, verify_custody_log

__all__ = [
    "ChainFault",
    "ChainReport",
    "ChainStatus",
    "DuplicateUnitCodes",
    "EventNotFound",
    "FaultReason",
    "Handover",
    "HandoverKind",
    "IllegalHandover",
    "InvalidSigningKey",
    "InvalidUnitCode",
    "PublicKey",
    "Signer",
    "TraceStep",
    "UnitNotFound",
    "UnitRow",
    "UnitStatus",
    "UnitTrace",
    "WrongHolder",
    "access_unit_trace",
    "chain_completeness",
    "chain_status",
    "checkpoint_if_due",
    "correct_event",
    "hand_over",
    "held_grams_by_holder",
    "load_signer",
    "parse_unit_code",
    "sign_checkpoint",
    "tag_unit",
    "trace_unit",
    "unit_trace",
    "units_and_grams_by_category",
    "units_by_codes",
    "units_by_ids",
    "units_by_status",
    "units_from_source",
    "units_held_by",
    "units_of_household",
    "verify_chain",
    "verify_custody_log",
]
