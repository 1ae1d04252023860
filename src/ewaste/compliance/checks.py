"""Dismantling output checks: each record is checked against the catalogue's material
model when it is stored; outliers are flagged with their reasons, listed for auditors and
the plant, kept out of subsidy claims until a regulator reviews them (docs/adr/0019)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste.catalog.datafiles import catalogue
from ewaste.catalog.specs import AttributeValue
from ewaste.compliance import output_rules
from ewaste.compliance.check_queries import CheckView, check_view, check_views
from ewaste.compliance.models import (
    DismantlingCheck,
    DismantlingCheckFlag,
    DismantlingCheckStatusChange,
    DismantlingRecord,
)
from ewaste.compliance.output_rules import CheckEvent, CheckNotFound, CheckStatus, Flag
from ewaste.compliance.repository import CheckRepository
from ewaste.compliance.rules import Fraction
from ewaste.identity import Actor, Permission


def expected_composition(
    category: str, attributes: Mapping[str, AttributeValue]
) -> tuple[dict[Fraction, int], int]:
    """(expected shares of each output fraction in basis points, catalogue unit grams) for a
    unit of `category` with the attributes the plant recorded.

    The unit grams are 0 (not checked) when the category's mass depends on a size the
    plant did not record: a default size would flag every small fridge as a shell.
    Unknown categories give ({}, 0): only the total is checked.
    """
    model = catalogue().models.get(category)
    if model is None or "" not in model.compositions:
        return {}, 0
    profile = model.profile(attributes)
    mass_model = model.mass_models[model.variant_for(profile.attributes, model.mass_models)]
    sized = not mass_model.size_attribute or mass_model.size_attribute in attributes
    shares = output_rules.expected_shares(profile.material_grams)
    return shares, profile.mass_g if sized else 0


def check_record(
    session: Session,
    *,
    record: DismantlingRecord,
    category: str,
    door_grams: int,
    outputs: Mapping[Fraction, int],
    attributes: Mapping[str, AttributeValue],
    now: datetime,
) -> tuple[Flag, ...]:
    """Check a just-stored record and store the check, its flags and its first history row."""
    shares, catalogue_grams = expected_composition(category, attributes)
    flags = output_rules.check_outputs(
        outputs, door_grams=door_grams, shares_bp=shares, catalogue_grams=catalogue_grams
    )
    status = output_rules.status_for(flags)
    CheckRepository(session).add(
        DismantlingCheck(
            record_id=record.id,
            unit_id=record.unit_id,
            plant_id=record.plant_id,
            category=category,
            door_grams=door_grams,
            status=status.value,
            checked_at=now,
            catalogue_grams=catalogue_grams,
        ),
        [
            DismantlingCheckFlag(
                reason=f.reason.value,
                fraction=f.fraction,
                expected_grams=f.expected_grams,
                actual_grams=f.actual_grams,
            )
            for f in flags
        ],
        DismantlingCheckStatusChange(
            from_status=None, to_status=status.value, at=now, by_user=record.recorded_by
        ),
    )
    return flags


def list_checks(
    session: Session, *, actor: Actor, statuses: Sequence[CheckStatus] = ()
) -> Sequence[CheckView]:
    """Checks in `statuses` (default: flagged, cleared, upheld), newest first: every
    plant's for auditors (operators, regulators), the plant's own for a plant.
    Raises MissingPermission for anyone else."""
    wanted = [s.value for s in statuses] or [
        CheckStatus.FLAGGED.value,
        CheckStatus.CLEARED.value,
        CheckStatus.UPHELD.value,
    ]
    if actor.can(Permission.AUDIT_REPORT_READ):
        return check_views(session, plant_id=None, statuses=wanted)
    actor.require(Permission.PLANT_UNIT_DISMANTLE)
    return check_views(session, plant_id=actor.organisation_id, statuses=wanted)


def review_check(
    session: Session, *, actor: Actor, unit_code: str, clear: bool, note: str, now: datetime
) -> CheckView:
    """A regulator clears a flagged record (its unit becomes claimable) or upholds the
    flag (the unit is never claimed), saying why.

    Raises MissingPermission, InvalidReviewNote, CheckNotFound, IllegalCheckTransition
    (the record passed, or was reviewed already).
    """
    actor.require(Permission.AUDIT_CLAIM_DECIDE)
    reason = output_rules.check_review_note(note)
    repo = CheckRepository(session)
    check = repo.for_unit_code(unit_code.strip().upper(), for_update=True)
    if check is None:
        raise CheckNotFound(unit_code=unit_code)
    before = check.status
    check.apply(CheckEvent.CLEAR if clear else CheckEvent.UPHOLD)
    repo.record_change(
        DismantlingCheckStatusChange(
            check_id=check.id,
            from_status=before,
            to_status=check.status,
            at=now,
            by_user=actor.user_id,
            note=reason,
        )
    )
    return check_view(session, check)
