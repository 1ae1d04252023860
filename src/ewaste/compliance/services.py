"""Dismantling use case: record one unit's dismantling with its output fractions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import custody, identity
from ewaste.compliance import rules
from ewaste.compliance.models import DismantlingOutput, DismantlingRecord
from ewaste.compliance.queries import DismantlingView, dismantling_view
from ewaste.compliance.repository import DismantlingRepository
from ewaste.compliance.rules import AlreadyDismantled
from ewaste.identity import Actor, Permission


def record_dismantling(
    session: Session,
    *,
    actor: Actor,
    unit_code: str,
    line: str,
    fractions: Mapping[str, int],
    now: datetime,
    evidence: str = "",
) -> DismantlingView:
    """Record that the actor's plant dismantled a unit it holds, with the fractions recovered.

    Raises MissingPermission, InvalidUnitCode, UnitNotFound (not held by this
    plant), AlreadyDismantled, InvalidFractions, InvalidLine.
    """
    actor.require(Permission.PLANT_UNIT_DISMANTLE)
    code = custody.parse_unit_code(unit_code)
    units = custody.units_by_codes(session, [code])
    if not units or units[0].holder_id != actor.organisation_id:
        raise custody.UnitNotFound(unit_code=code)
    unit = units[0]
    repo = DismantlingRepository(session)
    if repo.for_unit(unit.id) is not None:
        raise AlreadyDismantled(unit_code=code)
    outputs = rules.check_fractions(fractions, door_grams=unit.door_grams)
    line_name = rules.check_line(line)
    plant = identity.organisation_row(session, actor.organisation_id)
    custody.hand_over(
        session,
        actor=actor,
        unit_codes=[code],
        handover=custody.Handover(
            kind=custody.HandoverKind.DISMANTLE,
            from_id=actor.organisation_id,
            to_id=actor.organisation_id,
            at=now,
            place=plant.location if plant else None,
            ref=f"dismantling:{line_name}",
            evidence=evidence,
        ),
        grams_by_code={code: sum(outputs.values())},
    )
    record = DismantlingRecord(
        unit_id=unit.id,
        unit_code=code,
        plant_id=actor.organisation_id,
        dismantled_at=now,
        line=line_name,
        evidence=evidence[:200],
        recorded_by=actor.user_id,
    )
    repo.add(record, [DismantlingOutput(fraction=f.value, grams=g) for f, g in outputs.items()])
    return dismantling_view(session, record)
