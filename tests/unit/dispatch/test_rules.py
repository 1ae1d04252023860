"""Dispatch rules: vehicle capacity and volume, shifts, skills."""

from __future__ import annotations

import pytest

from ewaste.dispatch import rules
from ewaste.dispatch.rules import (
    MAX_CAPACITY_GRAMS,
    InvalidCapacity,
    check_capacity,
)


@pytest.mark.parametrize("grams", [1000, 2_000_000, MAX_CAPACITY_GRAMS])
def test_a_capacity_from_one_kilogram_to_twenty_tonnes_passes(grams: int) -> None:
    check_capacity(grams)


@pytest.mark.parametrize("grams", [0, 999, MAX_CAPACITY_GRAMS + 1])
def test_a_capacity_outside_the_range_is_refused(grams: int) -> None:
    with pytest.raises(InvalidCapacity) as caught:
        check_capacity(grams)
    assert caught.value.context == {"grams": grams}


@pytest.mark.parametrize(("start", "end"), [(0, 1), (480, 1200), (0, 1440)])
def test_a_shift_inside_the_day_passes(start: int, end: int) -> None:
    rules.check_shift(start, end)


@pytest.mark.parametrize(("start", "end"), [(600, 600), (700, 600), (-1, 600), (480, 1441)])
def test_a_shift_that_is_empty_reversed_or_beyond_the_day_is_refused(start: int, end: int) -> None:
    with pytest.raises(rules.InvalidShift) as caught:
        rules.check_shift(start, end)
    assert caught.value.code == "dispatch.invalid_shift"


def test_skills_are_stored_sorted_and_joined() -> None:
    assert rules.check_skills(frozenset({"refrigerant", "heavy"})) == "heavy|refrigerant"
    assert rules.check_skills(frozenset()) == ""


def test_an_unknown_skill_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(rules.UnknownSkill) as caught:
        rules.check_skills(frozenset({"heavy", "crane"}))
    assert "crane" in caught.value.detail
    assert "air_conditioner_removal" in caught.value.detail


@pytest.mark.parametrize(("litres", "ok"), [(1, True), (60_000, True), (0, False), (60_001, False)])
def test_a_vehicle_volume_from_one_litre_to_sixty_cubic_metres_passes(
    litres: int, ok: bool
) -> None:
    if ok:
        rules.check_volume(litres)
    else:
        with pytest.raises(rules.InvalidVolume):
            rules.check_volume(litres)


def test_the_skills_are_the_routing_skills() -> None:
    from ewaste import routing

    assert {s.value for s in routing.Skill} == rules.SKILLS


@pytest.mark.parametrize(("metres", "ok"), [(100, True), (100_000, True), (99, False), (0, False)])
def test_a_service_area_radius_from_100_m_to_100_km_passes(metres: int, ok: bool) -> None:
    if ok:
        rules.check_area_radius(metres)
    else:
        with pytest.raises(rules.InvalidArea):
            rules.check_area_radius(metres)


# --- offers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("event", "after"),
    [
        (rules.OfferEvent.ACCEPT, rules.OfferStatus.ACCEPTED),
        (rules.OfferEvent.DECLINE, rules.OfferStatus.DECLINED),
        (rules.OfferEvent.EXPIRE, rules.OfferStatus.EXPIRED),
        (rules.OfferEvent.WITHDRAW, rules.OfferStatus.WITHDRAWN),
    ],
)
def test_an_open_offer_moves_on_every_event(
    event: rules.OfferEvent, after: rules.OfferStatus
) -> None:
    assert rules.next_offer_status(7, rules.OfferStatus.OPEN, event) is after


@pytest.mark.parametrize(
    "status", [s for s in rules.OfferStatus if s is not rules.OfferStatus.OPEN]
)
@pytest.mark.parametrize("event", list(rules.OfferEvent))
def test_a_closed_offer_moves_no_more(status: rules.OfferStatus, event: rules.OfferEvent) -> None:
    with pytest.raises(rules.OfferClosed) as closed:
        rules.next_offer_status(7, status, event)
    assert closed.value.context == {"offer_id": 7, "status": status.value}


@pytest.mark.parametrize(
    ("collectors", "minutes", "ok"),
    [
        (1, 1, True),
        (10, 120, True),
        (0, 10, False),
        (11, 10, False),
        (3, 0, False),
        (3, 121, False),
    ],
)
def test_an_offer_goes_to_one_to_ten_collectors_for_up_to_two_hours(
    collectors: int, minutes: int, ok: bool
) -> None:
    if ok:
        rules.check_offer(collectors, minutes)
    else:
        with pytest.raises(rules.InvalidOffer):
            rules.check_offer(collectors, minutes)
