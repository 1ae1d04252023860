"""Only 0–9 are digits to us: superscripts, Arabic-Indic and full-width digits are not."""

from __future__ import annotations

import pytest

from ewaste.kernel.digits import is_digits


@pytest.mark.parametrize("text", ["0", "42", "6217000012345678"])
def test_ascii_digits(text: str) -> None:
    assert is_digits(text)


@pytest.mark.parametrize("text", ["", "²", "١٢٣", "１２３", "12a", "-1", " 1", "1.5"])
def test_anything_else(text: str) -> None:
    assert not is_digits(text)
