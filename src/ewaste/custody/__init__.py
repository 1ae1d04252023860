"""Chain of custody: tagged units and their append-only handover log."""

from ewaste.custody.access import access_unit_trace
from ewaste.custody.queries import (
    UnitRow,
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
from ewaste.custody.services import DuplicateUnitCodes, Handover, hand_over, tag_unit, trace_unit
from ewaste.custody.trace import (
    TraceStep,
    UnitTrace,
    chain_completeness,
    unit_trace,
    units_of_household,
)

__all__ = [
    "DuplicateUnitCodes",
    "Handover",
    "HandoverKind",
    "IllegalHandover",
    "InvalidUnitCode",
    "TraceStep",
    "UnitNotFound",
    "UnitRow",
    "UnitStatus",
    "UnitTrace",
    "WrongHolder",
    "access_unit_trace",
    "chain_completeness",
    "hand_over",
    "held_grams_by_holder",
    "parse_unit_code",
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
]
