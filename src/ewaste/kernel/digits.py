"""Digits as people and banks mean them: 0–9 only.

`str.isdigit()` is also true for "²", "١٢٣" (Arabic-Indic) and "１２３" (full-width);
`int()` refuses the first and accepts the others, and no bank reads them in an account
number. Every check of typed or uploaded digits goes through `is_digits`, and patterns
spell `[0-9]`, never `\\d` (which matches any Unicode digit).
"""

from __future__ import annotations


def is_digits(text: str) -> bool:
    """True for a non-empty string of the ASCII digits 0–9 and nothing else."""
    return text.isascii() and text.isdigit()
