"""Units dismantled at a plant on a chosen date, through the custody and compliance services."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.orm import Session

from ewaste import compliance, custody
from ewaste.kernel.quantities import Mass
from tests.factories import World


def received_unit(
    session: Session,
    world: World,
    category: str,
    at: datetime,
    *,
    side: str = "a",
    grams: int = 20_000,
) -> str:
    """Tag a unit of `category` and move it to the side's plant (received there at `at`)."""
    collector = world.by_role("collector", side)
    station = world.by_role("station", side)
    plant = world.by_role("plant", side)
    unit = custody.tag_unit(
        session,
        actor=collector,
        category_code=category,
        household_id=world.by_role("household", side).organisation_id,
        source_ref="test:claims",
        mass=Mass(grams),
        place=None,
        now=at,
    )
    for kind, giver, taker, actor in (
        (custody.HandoverKind.DELIVER, collector, station, station),
        (custody.HandoverKind.SHIP, station, plant, station),
        (custody.HandoverKind.RECEIVE, station, plant, plant),
    ):
        custody.hand_over(
            session,
            actor=actor,
            unit_codes=[unit.code],
            handover=custody.Handover(
                kind=kind,
                from_id=giver.organisation_id,
                to_id=taker.organisation_id,
                at=at,
                place=None,
                ref="test",
            ),
        )
    return unit.code


def dismantled_unit(
    session: Session,
    world: World,
    category: str,
    at: datetime,
    attributes: Mapping[str, object] | None = None,
    *,
    side: str = "a",
    evidence: str = "cam:1 photo:2",
    fractions: Mapping[str, int] | None = None,
    grams: int | None = None,
    brand: str = "",
) -> str:
    """Tag a unit of `category`, move it to the side's plant and dismantle it at `at`.

    By default the unit weighs what the catalogue says for its size (20 kg when the size
    is not given) and yields exactly its expected composition, so its output check passes.
    """
    given = {k: v for k, v in (attributes or {}).items() if isinstance(v, int | str)}
    shares, catalogue_grams = compliance.expected_composition(category, given)
    door = grams or catalogue_grams or 20_000
    code = received_unit(session, world, category, at, side=side, grams=door)
    compliance.record_dismantling(
        session,
        actor=world.by_role("plant", side),
        unit_code=code,
        line="L1",
        fractions=fractions
        if fractions is not None
        else {f.value: door * bp // 10_000 for f, bp in shares.items() if bp},
        now=at,
        evidence=evidence,
        attributes=attributes,
        brand=brand,
    )
    return code
