"""Pure product facts: which attributes a category takes, and what a unit is made of.

A `CategoryModel` turns the attributes a household chose (technology, screen size,
volume, …) into an `ItemProfile`: the unit's mass and its grams of each material.
Follows the rules of `rules.py`: standard library and kernel only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from ewaste.kernel.digits import is_digits
from ewaste.kernel.errors import InvalidInput

AttributeValue = int | str

# Conditions found on an item, from a fixed list; each says what it takes away.
CONDITIONS: Final[Mapping[str, str]] = {
    "not_working": "does not work (no second-hand value)",
    "broken_screen": "broken screen (no second-hand value)",
    "water_damage": "water damage (no second-hand value)",
    "missing_parts": "parts missing (15 % less material, no second-hand value)",
    "missing_compressor": "compressor missing (no compressor or refrigerant)",
    "missing_battery": "battery missing (no battery)",
}
CONDITIONS_ZH: Final[Mapping[str, str]] = {
    "not_working": "无法使用（无二手价值）",
    "broken_screen": "屏幕破损（无二手价值）",
    "water_damage": "进水（无二手价值）",
    "missing_parts": "缺少部件（材料减少15%，无二手价值）",
    "missing_compressor": "缺少压缩机（无压缩机及制冷剂）",
    "missing_battery": "缺少电池（无电池）",
}
NO_REUSE: Final = frozenset({"not_working", "broken_screen", "water_damage", "missing_parts"})
MISSING_PARTS_KEEP_BP: Final = 8_500
REMOVES: Final[Mapping[str, frozenset[str]]] = {
    "missing_compressor": frozenset({"compressor", "refrigerant", "oil"}),
    "missing_battery": frozenset({"li_battery"}),
}


class InvalidAttributes(InvalidInput):
    """Attributes missing, unknown, of the wrong kind or out of range for the category."""

    code = "catalog.invalid_attributes"
    message = "{category}: {problem}"


class InvalidCondition(InvalidInput):
    """A condition that is not on the fixed list, or does not apply to the category."""

    code = "catalog.invalid_condition"
    message = "{category}: condition {condition!r} does not apply."


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    """One attribute of a category: a choice from a list, or a whole number in a range."""

    name: str
    kind: str  # "choice" or "number"
    choices: tuple[str, ...] = ()
    minimum: int = 0
    maximum: int = 0
    default: AttributeValue = ""
    unit: str = ""
    name_en: str = ""
    name_zh: str = ""

    def check(self, category: str, value: object) -> AttributeValue:
        """Return the value in its proper type, or raise InvalidAttributes."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise InvalidAttributes(
                    category=category,
                    problem=f"{self.name} must be one of {', '.join(self.choices)}",
                )
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, str) and is_digits(value.strip()):
                value = int(value.strip())
            else:
                raise InvalidAttributes(
                    category=category, problem=f"{self.name} must be a whole number"
                )
        if not self.minimum <= value <= self.maximum:
            raise InvalidAttributes(
                category=category,
                problem=f"{self.name} must be {self.minimum}–{self.maximum} {self.unit}".strip(),
            )
        return value


@dataclass(frozen=True, slots=True)
class Composition:
    """Shares of the unit mass by material (basis points summing to 10,000), with source."""

    fractions_bp: Mapping[str, int]
    estimate: bool
    source: str


@dataclass(frozen=True, slots=True)
class MassModel:
    """Unit mass from a size attribute: ref_mass + (size − ref_size) × slope, at least min."""

    size_attribute: str
    ref_size: int
    ref_mass_g: int
    grams_per_size_unit: int
    min_mass_g: int
    estimate: bool
    source: str

    def mass_g(self, attributes: Mapping[str, AttributeValue]) -> int:
        """The unit mass in grams for these (already checked) attributes."""
        if not self.size_attribute:
            return self.ref_mass_g
        size = attributes.get(self.size_attribute, self.ref_size)
        assert isinstance(size, int)
        grams = self.ref_mass_g + (size - self.ref_size) * self.grams_per_size_unit
        return max(self.min_mass_g, grams)


@dataclass(frozen=True, slots=True)
class ItemProfile:
    """What one unit is: its mass and grams of each material, and what that rests on."""

    category: str
    attributes: Mapping[str, AttributeValue]
    mass_g: int
    material_grams: Mapping[str, int]
    reuse_eligible: bool
    conditions: frozenset[str]
    variant: str
    sources: tuple[str, ...]
    estimate: bool


@dataclass(frozen=True, slots=True)
class CategoryModel:
    """Everything the catalogue knows about a category's units."""

    code: str
    attributes: Sequence[AttributeSpec]
    compositions: Mapping[str, Composition]
    """By variant: "" for the default, "attribute=choice" for a specific mix."""
    mass_models: Mapping[str, MassModel]
    conditions: frozenset[str] = field(default_factory=frozenset)

    def check_attributes(self, given: Mapping[str, object]) -> dict[str, AttributeValue]:
        """Every attribute of the category, typed and in range (defaults fill the gaps)."""
        known = {spec.name: spec for spec in self.attributes}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise InvalidAttributes(category=self.code, problem=f"unknown attribute {unknown[0]}")
        return {
            name: spec.check(self.code, given.get(name, spec.default))
            for name, spec in known.items()
        }

    def check_conditions(self, given: Sequence[str]) -> frozenset[str]:
        """The conditions as a set, each on the fixed list and applicable to the category."""
        for condition in given:
            if condition not in CONDITIONS or condition not in self.conditions:
                raise InvalidCondition(category=self.code, condition=condition)
        return frozenset(given)

    def variant_for(
        self, attributes: Mapping[str, AttributeValue], table: Mapping[str, object]
    ) -> str:
        """The most specific variant key of `table` that matches the attributes ("" if none)."""
        for name, value in sorted(attributes.items()):
            key = f"{name}={value}"
            if key in table:
                return key
        return ""

    def profile(
        self,
        attributes: Mapping[str, object],
        *,
        conditions: Sequence[str] = (),
        works: bool = True,
    ) -> ItemProfile:
        """Resolve chosen attributes and conditions to the unit's mass and materials.

        Raises InvalidAttributes or InvalidCondition; grams are whole (floor), so the
        materials never weigh more than the unit.
        """
        checked = self.check_attributes(attributes)
        found = self.check_conditions(conditions)
        variant = self.variant_for(checked, self.compositions)
        composition = self.compositions[variant]
        mass_model = self.mass_models[self.variant_for(checked, self.mass_models)]
        mass = mass_model.mass_g(checked)
        if "missing_parts" in found:
            mass = mass * MISSING_PARTS_KEEP_BP // 10_000
        removed = frozenset().union(*(REMOVES.get(c, frozenset()) for c in found))
        grams = {
            material: mass * share // 10_000
            for material, share in sorted(composition.fractions_bp.items())
            if material not in removed and share > 0
        }
        return ItemProfile(
            category=self.code,
            attributes=checked,
            mass_g=sum(grams.values()) if removed else mass,
            material_grams=grams,
            reuse_eligible=works and not (found & NO_REUSE),
            conditions=found,
            variant=variant,
            sources=(composition.source, mass_model.source),
            estimate=composition.estimate or mass_model.estimate,
        )
