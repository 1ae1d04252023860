"""Rules about the code itself that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "ewaste"
MAX_LINES = 600
LONG_MODULE_ALLOWLIST: frozenset[str] = frozenset()


def test_no_module_is_longer_than_600_lines() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in SRC.rglob("*.py")
        if (n := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert {k: v for k, v in long.items() if k not in LONG_MODULE_ALLOWLIST} == {}


def test_only_models_assign_a_status() -> None:
    """State moves only through each entity's `apply`, which consults the state table."""
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if path.name != "models.py"
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if re.search(r"\.status\s*=[^=]", line)
    ]
    assert offenders == []


def test_no_float_on_a_money_path() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if "float(" in line and re.search(r"money|price|amount|fen|yuan|balance", line, re.I)
    ]
    assert offenders == []
