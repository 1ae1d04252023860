"""Names of catalogue facts in the visitor's language: attributes, choices, units,
conditions, materials and commodities.

The catalogue data carries its own English and Chinese names (attributes, choices,
materials, conditions); these helpers pick the one for the page's language. Units
and commodities have no names in the data, so they are named here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ewaste.catalog.datafiles import catalogue
from ewaste.catalog.specs import CONDITIONS, CONDITIONS_ZH, AttributeSpec

UNITS_ZH: Final[Mapping[str, str]] = {
    "inch": "英寸",
    "L": "升",
    "W": "瓦",
    "kg": "千克",
    "L/min": "升/分钟",
}

REGIONS: Final[Mapping[str, tuple[str, str]]] = {
    "shenzhen": ("Shenzhen", "深圳"),
    "*": ("All of China", "全国"),
}

# Commodity codes of the price inputs, (English, Chinese).
COMMODITIES: Final[Mapping[str, tuple[str, str]]] = {
    "aluminium_ingot": ("Aluminium ingot (primary, reference)", "铝锭（原铝，参考价）"),
    "aluminium_scrap": ("Scrap aluminium (mixed grades)", "废铝（混合）"),
    "brass_heavy": ("Scrap brass, large pieces", "黄铜大件"),
    "brass_radiator": ("Scrap brass, radiators", "黄铜水箱"),
    "cable_scrap": ("Cables and cords", "废电线电缆"),
    "compressor_scrap": ("Compressors", "废压缩机"),
    "copper_bright_wire": ("Copper, No. 1 bright wire", "1#光亮铜线"),
    "copper_cable_granules": ("Copper cable granules", "通讯线铜米"),
    "copper_cathode": ("Electrolytic copper (primary, reference)", "电解铜（原铜，参考价）"),
    "copper_motor_imported_old": ("Imported motor copper (old quote)", "进口电机铜（旧报价）"),
    "copper_motor_wire": ("Copper motor wire", "电机线铜"),
    "lead_ingot": ("Lead ingot (primary, reference)", "铅锭（原铅，参考价）"),
    "mixed_hardware_old": ("Mixed waste hardware (old quote)", "废五金（旧报价）"),
    "other_metals_mixed": ("Other metals, mixed", "其他金属（混合）"),
    "pcb_high": ("Circuit boards, high grade", "线路板（高品位）"),
    "pcb_medium": ("Circuit boards, medium grade", "线路板（中品位）"),
    "pcb_low": ("Circuit boards, low grade", "线路板（低品位）"),
    "plastics_mixed": ("Plastics, mixed", "混合塑料"),
    "steel_scrap": ("Steel scrap", "废钢"),
}


def is_zh(lang: str) -> bool:
    """True for the Chinese pages."""
    return lang.startswith("zh")


def region_name(code: str, lang: str) -> str:
    """A pricing region's name in `lang` (its code when unnamed)."""
    names = REGIONS.get(code)
    if names is None:
        return code
    return names[1] if is_zh(lang) else names[0]


def unit_name(unit: str, lang: str) -> str:
    """A unit of measure as the page writes it ("inch" → "英寸" in Chinese)."""
    return UNITS_ZH.get(unit, unit) if is_zh(lang) else unit


def attribute_name(spec: AttributeSpec, lang: str) -> str:
    """The attribute's name in `lang` (its code when the data has none)."""
    name = spec.name_zh if is_zh(lang) else spec.name_en
    return name or spec.name


def choice_name(category: str, attribute: str, choice: str, lang: str) -> str:
    """The name of one choice of a choice attribute (its code when unnamed)."""
    names = catalogue().choice_names.get((category, attribute, choice))
    if names is None:
        return choice
    return names[1] if is_zh(lang) else names[0]


def attribute_value(category: str, spec: AttributeSpec, value: object, lang: str) -> str:
    """A chosen attribute value for people: a choice's name, or a number with its unit."""
    if spec.kind == "choice":
        return choice_name(category, spec.name, str(value), lang)
    unit = unit_name(spec.unit, lang)
    return f"{value} {unit}" if unit else str(value)


def condition_name(code: str, lang: str) -> str:
    """What a condition found on an item means, in `lang`."""
    table = CONDITIONS_ZH if is_zh(lang) else CONDITIONS
    return table.get(code, code)


def material_name(code: str, lang: str) -> str:
    """A material class's name in `lang` (its code when unknown)."""
    facts = catalogue().materials.get(code)
    if facts is None:
        return code
    return facts.name_zh if is_zh(lang) else facts.name_en


def commodity_name(code: str, lang: str) -> str:
    """A traded commodity's name in `lang` (its code when unnamed)."""
    names = COMMODITIES.get(code)
    if names is None:
        return code
    return names[1] if is_zh(lang) else names[0]


def materials_valued_by(commodity: str, lang: str) -> list[str]:
    """The names of the materials whose value a commodity price sets."""
    return [
        facts.name_zh if is_zh(lang) else facts.name_en
        for facts in catalogue().materials.values()
        if facts.commodity == commodity and facts.recoverable
    ]
