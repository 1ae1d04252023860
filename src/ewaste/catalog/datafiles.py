"""The catalogue's reference data, read from the CSV files packaged in `catalog/data/`.

These are facts derived from public sources (see data/README.md), versioned with the
code, so they are read once per process rather than stored in the database. Every
quote records `Catalogue.version` (a digest of the files) so that it can be rebuilt.
"""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from ewaste.catalog.specs import (
    CONDITIONS,
    REMOVES,
    AttributeSpec,
    AttributeValue,
    CategoryModel,
    Composition,
    MassModel,
)

FILES = (
    "categories.csv",
    "new_categories.csv",
    "attributes.csv",
    "attribute_choices.csv",
    "materials.csv",
    "compositions.csv",
    "mass_models.csv",
    "subsidy_bands.csv",
)
SCREEN_MATERIALS = frozenset({"glass", "crt_glass"})


@dataclass(frozen=True, slots=True)
class MaterialFacts:
    """A material class: its names, the commodity that values it, whether it is recovered."""

    code: str
    name_en: str
    name_zh: str
    commodity: str
    recoverable: bool
    hazardous: bool


@dataclass(frozen=True, slots=True)
class SubsidyRow:
    """A fund subsidy band as written in subsidy_bands.csv."""

    category: str
    condition: str
    yuan_per_unit: Decimal
    valid_from: date
    valid_to: date | None
    source: str


@dataclass(frozen=True, slots=True)
class Catalogue:
    """Every category model, material and subsidy band, with a version digest."""

    models: Mapping[str, CategoryModel]
    materials: Mapping[str, MaterialFacts]
    choice_names: Mapping[tuple[str, str, str], tuple[str, str]]
    """(category, attribute, choice) → (English, Chinese)."""
    subsidy_bands: tuple[SubsidyRow, ...]
    version: str


@dataclass(frozen=True, slots=True)
class Handling:
    """What one unit of a category takes at the door: room on the vehicle, time, skills."""

    category: str
    litres_per_unit: int
    minutes_per_unit: int
    skills: frozenset[str]
    source: str
    estimate: bool


DEFAULT_HANDLING = Handling("", 50, 5, frozenset(), "default for a category without a row", True)


@cache
def handling() -> Mapping[str, Handling]:
    """Handling facts per category (handling.csv). Not part of the price: not in `version`."""
    return {
        r["category"]: Handling(
            r["category"],
            int(r["litres_per_unit"]),
            int(r["minutes_per_unit"]),
            frozenset(s for s in r["skills"].split("|") if s),
            r["source"],
            _flag(r["estimate"]),
        )
        for r in read_rows("handling.csv")
    }


def handling_of(category: str) -> Handling:
    """The handling facts of a category (a cautious default when it has none)."""
    return handling().get(category, DEFAULT_HANDLING)


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of one packaged CSV file (empty when the file does not exist)."""
    path = resources.files("ewaste.catalog").joinpath(f"data/{name}")
    if not path.is_file():
        return []
    return list(csv.DictReader(path.read_text("utf-8").splitlines()))


@cache
def catalogue() -> Catalogue:
    """The catalogue, parsed once per process."""
    digest = hashlib.sha256()
    for name in FILES:
        path = resources.files("ewaste.catalog").joinpath(f"data/{name}")
        if path.is_file():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    materials = {
        r["material"]: MaterialFacts(
            r["material"],
            r["name_en"],
            r["name_zh"],
            r["commodity"],
            _flag(r["recoverable"]),
            _flag(r["hazardous"]),
        )
        for r in read_rows("materials.csv")
    }
    return Catalogue(
        models=_models(),
        materials=materials,
        choice_names={
            (r["category"], r["attribute"], r["choice"]): (r["name_en"], r["name_zh"])
            for r in read_rows("attribute_choices.csv")
        },
        subsidy_bands=tuple(
            SubsidyRow(
                r["category"],
                r["condition"],
                Decimal(r["yuan_per_unit"]),
                date.fromisoformat(r["valid_from"]),
                date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
                r["source"],
            )
            for r in read_rows("subsidy_bands.csv")
        ),
        version=digest.hexdigest()[:16],
    )


def _models() -> dict[str, CategoryModel]:
    categories = [r["code"] for r in read_rows("categories.csv") + read_rows("new_categories.csv")]
    choices: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in read_rows("attribute_choices.csv"):
        choices[(r["category"], r["attribute"])].append(r["choice"])
    specs: dict[str, list[AttributeSpec]] = defaultdict(list)
    for r in read_rows("attributes.csv"):
        kind = r["kind"]
        options = tuple(
            choices.get((r["category"], r["attribute"]))
            or [c for c in r["choices"].split(";") if c]
        )
        default: AttributeValue = r["default"] if kind == "choice" else int(r["default"] or 0)
        specs[r["category"]].append(
            AttributeSpec(
                name=r["attribute"],
                kind=kind,
                choices=options,
                minimum=int(r["min"] or 0),
                maximum=int(r["max"] or 0),
                default=default,
                unit=r["unit"],
                name_en=r["name_en"],
                name_zh=r["name_zh"],
            )
        )
    fractions: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    notes: dict[tuple[str, str], tuple[bool, set[str]]] = {}
    for r in read_rows("compositions.csv"):
        key = (r["category"], r["variant"])
        fractions[key][r["material"]] = int(r["fraction_bp"])
        estimate, sources = notes.get(key, (False, set()))
        notes[key] = (estimate or _flag(r["estimate"]), sources | {r["source"]})
    masses: dict[str, dict[str, MassModel]] = defaultdict(dict)
    for r in read_rows("mass_models.csv"):
        masses[r["category"]][r["variant"]] = MassModel(
            size_attribute=r["size_attribute"],
            ref_size=int(r["ref_size"] or 0),
            ref_mass_g=int(r["ref_mass_g"]),
            grams_per_size_unit=int(r["grams_per_size_unit"] or 0),
            min_mass_g=int(r["min_mass_g"] or 1),
            estimate=_flag(r["estimate"]),
            source=r["source"],
        )
    models: dict[str, CategoryModel] = {}
    for code in categories:
        compositions = {
            variant: Composition(
                shares, notes[(cat, variant)][0], " | ".join(sorted(notes[(cat, variant)][1]))
            )
            for (cat, variant), shares in fractions.items()
            if cat == code
        }
        if "" not in compositions or "" not in masses.get(code, {}):
            continue  # a category without a material model cannot be priced from materials
        materials = set().union(*(set(c.fractions_bp) for c in compositions.values()))
        applicable = {"not_working", "water_damage", "missing_parts"}
        applicable |= {c for c, removed in REMOVES.items() if removed & materials}
        if materials & SCREEN_MATERIALS:
            applicable.add("broken_screen")
        models[code] = CategoryModel(
            code=code,
            attributes=tuple(specs.get(code, [])),
            compositions=compositions,
            mass_models=masses[code],
            conditions=frozenset(applicable & set(CONDITIONS)),
        )
    return models


def _flag(text: str) -> bool:
    return text.strip().lower() in {"true", "yes", "1"}
