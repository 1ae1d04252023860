"""Random codes in Crockford base32 and the normalisation of typed codes."""

from __future__ import annotations

import pytest

from ewaste.kernel.ids import normalise_code, random_code

CROCKFORD = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")


@pytest.mark.parametrize("length", [1, 12, 40])
def test_random_codes_have_the_length_and_only_crockford_characters(length: int) -> None:
    code = random_code(length)
    assert len(code) == length
    assert set(code) <= CROCKFORD


def test_random_codes_default_to_twelve_characters_and_differ() -> None:
    codes = {random_code() for _ in range(50)}
    assert len(codes) == 50
    assert {len(c) for c in codes} == {12}


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("ew7k3m", "EW7K3M"),
        (" EW-7K3M ", "EW7K3M"),
        ("EW 7K 3M", "EW7K3M"),
        ("EWO0", "EW00"),
        ("EWIL1", "EW111"),
        ("ewoil", "EW011"),
    ],
)
def test_normalising_upper_cases_drops_separators_and_maps_look_alikes(
    typed: str, normal: str
) -> None:
    assert normalise_code(typed) == normal
