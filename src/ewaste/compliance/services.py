"""Dismantling use case: record one unit's dismantling with its output fractions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import catalog, custody, identity
from ewaste.catalog.datafiles import catalogue
from ewaste.compliance import rules
from ewaste.compliance.checks import check_record
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
    attributes: Mapping[str, object] | None = None,
    brand: str = "",
) -> DismantlingView:
    """Record that the actor's plant dismantled a unit it holds, with the fractions recovered.

    `attributes` is the unit's size and type as the plant finds it (screen_inch,
    volume_l, capacity_kg, type...): the subsidy band conditions read them, and they
    choose the composition the outputs are checked against. `brand` is the nameplate's
    brand (stored as `catalog.brand_key`). The outputs are checked against the
    catalogue's material model; an outlier is stored and flagged, not refused (ADR 0019).

    Raises MissingPermission, InvalidUnitCode, UnitNotFound (not held by this
    plant), AlreadyDismantled, InvalidFractions, InvalidLine, InvalidAttributes,
    InvalidBrand (over 80 characters).
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
    brand_key = catalog.brand_key(catalog.check_brand(brand)) if brand.strip() else ""
    given = dict(attributes or {})
    model = catalogue().models.get(unit.category_code)
    checked = (
        {k: v for k, v in model.check_attributes(given).items() if k in given}
        if model is not None and given
        else {}
    )
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
        attributes_json=json.dumps(checked, sort_keys=True),
        brand=brand_key,
    )
    repo.add(record, [DismantlingOutput(fraction=f.value, grams=g) for f, g in outputs.items()])
    check_record(
        session,
        record=record,
        category=unit.category_code,
        door_grams=unit.door_grams,
        outputs=outputs,
        attributes=checked,
        now=now,
    )
    return dismantling_view(session, record)
