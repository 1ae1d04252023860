"""Custody rules: the unit state table, unit codes and chain checking."""

from __future__ import annotations

import itertools

import pytest

from ewaste.custody.rules import (
    UNIT_CODE_PREFIX,
    UNIT_CODE_RANDOM_LENGTH,
    UNIT_TRANSITIONS,
    ChainLink,
    HandoverKind,
    IllegalHandover,
    InvalidUnitCode,
    UnitStatus,
    chain_is_complete,
    chain_problems,
    holder_after,
    new_unit_code,
    next_unit_status,
    parse_unit_code,
)

HOUSEHOLD, COLLECTOR, STATION, PLANT, OTHER = 1, 2, 3, 4, 9

COLLECT = ChainLink(HandoverKind.COLLECT, HOUSEHOLD, COLLECTOR, 10_200)
DELIVER = ChainLink(HandoverKind.DELIVER, COLLECTOR, STATION, 0)
SHIP = ChainLink(HandoverKind.SHIP, STATION, PLANT, 0)
RECEIVE = ChainLink(HandoverKind.RECEIVE, STATION, PLANT, 0)
DISMANTLE = ChainLink(HandoverKind.DISMANTLE, PLANT, PLANT, 9_000)
FULL_CHAIN = [COLLECT, DELIVER, SHIP, RECEIVE, DISMANTLE]


@pytest.mark.parametrize(
    ("status", "kind"), list(itertools.product([None, *UnitStatus], HandoverKind))
)
def test_unit_transitions_match_the_table(status: UnitStatus | None, kind: HandoverKind) -> None:
    expected = UNIT_TRANSITIONS.get((status, kind))
    if expected is None:
        with pytest.raises(IllegalHandover) as caught:
            next_unit_status(status, kind)
        assert caught.value.context["current"] == (status.value if status else "untagged")
        assert caught.value.code == "custody.illegal_handover"
    else:
        assert next_unit_status(status, kind) is expected


def test_every_status_is_reachable_from_an_untagged_unit() -> None:
    assert set(UNIT_TRANSITIONS.values()) == set(UnitStatus)


@pytest.mark.parametrize("kind", HandoverKind)
def test_the_giver_keeps_a_unit_only_while_it_is_shipped(kind: HandoverKind) -> None:
    # ...or reported missing from the load at reception: the station stays answerable.
    expected = STATION if kind in (HandoverKind.SHIP, HandoverKind.MISSING) else PLANT
    assert holder_after(kind, from_id=STATION, to_id=PLANT) == expected


class TestUnitCodes:
    def test_a_new_code_parses_as_itself(self) -> None:
        code = new_unit_code()
        assert code.startswith(UNIT_CODE_PREFIX)
        assert len(code) == len(UNIT_CODE_PREFIX) + UNIT_CODE_RANDOM_LENGTH
        assert parse_unit_code(code) == code

    @pytest.mark.parametrize(
        ("typed", "code"),
        [
            ("ew7k3m9q2x4p1a", "EW7K3M9Q2X4P1A"),
            (" EW-7K3M-9Q2X-4P1A ", "EW7K3M9Q2X4P1A"),
            ("EW7K3M9Q2X4PIA", "EW7K3M9Q2X4P1A"),
            ("EW7K3M9Q2X4PLA", "EW7K3M9Q2X4P1A"),
            ("EWOOOOOOOOOOOO", "EW000000000000"),
        ],
    )
    def test_typed_codes_are_normalised(self, typed: str, code: str) -> None:
        assert parse_unit_code(typed) == code

    @pytest.mark.parametrize(
        "typed",
        [
            "",
            "EW",
            "XW7K3M9Q2X4P1A",
            "7K3M9Q2X4P1AEW",
            "EW7K3M9Q2X4P1",
            "EW7K3M9Q2X4P1AB",
            "EW7K3M9Q2X4P1!",
            "EW7K3M9Q2X4P1_",
        ],
    )
    def test_codes_with_a_wrong_prefix_length_or_characters_are_refused(self, typed: str) -> None:
        with pytest.raises(InvalidUnitCode) as caught:
            parse_unit_code(typed)
        assert caught.value.context["unit_code"] == typed

    @pytest.mark.parametrize(
        "typed", ["EWUUUUUUUUUUUU", "EW一二三四五六七八九十百千", "EW１２３４５６７８９０１２"]
    )
    def test_codes_outside_the_crockford_alphabet_are_refused(self, typed: str) -> None:
        with pytest.raises(InvalidUnitCode):
            parse_unit_code(typed)


class TestChain:
    def test_the_full_chain_has_no_problems_and_is_complete(self) -> None:
        assert chain_problems(FULL_CHAIN) == []
        assert chain_is_complete(FULL_CHAIN)

    def test_an_empty_chain_has_no_problems_but_is_not_complete(self) -> None:
        assert chain_problems([]) == []
        assert not chain_is_complete([])

    @pytest.mark.parametrize("length", range(1, len(FULL_CHAIN)))
    def test_a_consistent_chain_that_stops_early_is_not_complete(self, length: int) -> None:
        assert chain_problems(FULL_CHAIN[:length]) == []
        assert not chain_is_complete(FULL_CHAIN[:length])

    def test_an_event_out_of_order_is_reported_and_skipped(self) -> None:
        links = [COLLECT, SHIP, DELIVER]
        assert chain_problems(links) == ["event 2: unit:ship:dispatch out of order"]

    def test_a_chain_not_starting_at_the_door_is_out_of_order(self) -> None:
        assert chain_problems([DELIVER]) == ["event 1: unit:deliver:station out of order"]

    def test_a_giver_who_did_not_receive_the_unit_is_reported(self) -> None:
        stolen = ChainLink(HandoverKind.DELIVER, OTHER, STATION, 0)
        assert chain_problems([COLLECT, stolen]) == ["event 2: giver is not the previous holder"]

    @pytest.mark.parametrize(
        "reception",
        [
            ChainLink(HandoverKind.RECEIVE, STATION, OTHER, 0),
            ChainLink(HandoverKind.RECEIVE, OTHER, PLANT, 0),
        ],
    )
    def test_a_reception_that_does_not_match_its_shipment_is_reported(
        self, reception: ChainLink
    ) -> None:
        links = [COLLECT, DELIVER, SHIP, reception, DISMANTLE]
        assert chain_problems(links)[0] == "event 4: reception does not match shipment"
        assert not chain_is_complete(links)

    def test_a_unit_missing_from_the_load_can_be_found_at_the_station_and_shipped_again(
        self,
    ) -> None:
        missing = ChainLink(HandoverKind.MISSING, STATION, PLANT, 0)
        found = ChainLink(HandoverKind.FIND, STATION, STATION, 0)
        links = [COLLECT, DELIVER, SHIP, missing, found, SHIP, RECEIVE, DISMANTLE]
        assert chain_problems(links) == []
        assert chain_is_complete(links)

    @pytest.mark.parametrize(
        "found",
        [
            ChainLink(HandoverKind.FIND, PLANT, PLANT, 0),  # the plant cannot find it here
            ChainLink(HandoverKind.FIND, STATION, OTHER, 0),  # nor give it to another
        ],
    )
    def test_only_the_station_holding_a_missing_unit_finds_it(self, found: ChainLink) -> None:
        missing = ChainLink(HandoverKind.MISSING, STATION, PLANT, 0)
        assert chain_problems([COLLECT, DELIVER, SHIP, missing, found]) == [
            "event 5: giver is not the previous holder"
        ]

    def test_a_chain_with_problems_is_not_complete_even_when_dismantled(self) -> None:
        links = [COLLECT, ChainLink(HandoverKind.DELIVER, OTHER, STATION, 0), SHIP, RECEIVE]
        assert not chain_is_complete([*links, DISMANTLE])
