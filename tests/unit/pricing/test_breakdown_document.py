"""The stored breakdown document of a quote and how it reads back.

A compact document cites each distinct source once, in `sources`, and its lines point
into that list ("source": 0, "basis": 3); a document with the citations written out in
full (and one from before the basis was split from the price source) still reads.
Priced with the engine on the packaged catalogue and a synthetic price book: no database.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from ewaste.catalog.datafiles import catalogue
from ewaste.pricing.engine import LineKind, PriceBook, Priced, PriceRef, SubsidyBand, price_quote
from ewaste.pricing.models import Quote
from ewaste.pricing.queries import QuoteView, view_of_breakdown
from ewaste.pricing.rules import ItemRequest
from ewaste.pricing.services import _breakdown, profile_item
from tests.conftest import T0

ON = date(2026, 11, 24)
BY_WEIGHT = {LineKind.MATERIAL.value, LineKind.TREATMENT.value}
TRANSPORT = {LineKind.TRANSPORT_DISTANCE.value, LineKind.TRANSPORT_WEIGHT.value}

ITEMS = (
    ItemRequest("air_conditioner", 1, attributes={"cooling_w": 3500}, works=False),
    ItemRequest("tv_flat", 2, attributes={"screen_inch": 43}, producer="Pearl River"),
    ItemRequest("laptop", 3),
    ItemRequest("tv_flat", 1, attributes={"screen_inch": 55}, conditions=("broken_screen",)),
)


def ref(input_id: int, yuan: str, source: str) -> PriceRef:
    return PriceRef(input_id, int(Decimal(yuan) * 1_000_000), source)


def synthetic_book() -> PriceBook:
    """Every kind of line, with sources shared between many prices (as seed data has)."""
    facts = catalogue()
    spot = "test: daily scrap spot board"  # one citation for most commodities
    commodities = {
        m.commodity: ref(i, "3.10", spot)
        for i, m in enumerate(facts.materials.values(), start=1)
        if m.recoverable and m.commodity
    }
    commodities["copper_motor_wire"] = ref(90, "39.20", "test: copper wire quote")
    return PriceBook(
        region="shenzhen",
        commodities=commodities,
        material_commodity={m.code: m.commodity for m in facts.materials.values() if m.recoverable},
        treatment_per_kg={
            "refrigerant": ref(100, "2.00", "test: licensed treatment fees"),
            "oil": ref(101, "0.50", "test: licensed treatment fees"),
            "glass": ref(102, "0.30", "test: licensed treatment fees"),
        },
        treatment_per_unit={
            "refrigerant": ref(103, "15", "test: refrigerant recovery per unit"),
            "handling": ref(104, "3", "test: handling per unit"),
        },
        reuse={("tv_flat", ""): ref(105, "60", "test: second-hand market")},
        bonuses={("Pearl River", "tv_flat"): ref(106, "10", "test: producer programme")},
        subsidy_share=PriceRef(107, 3000, "test: share passed through"),
        subsidy_bands=tuple(
            SubsidyBand(
                b.category, b.condition, b.yuan_per_unit, b.valid_from, b.valid_to, b.source
            )
            for b in facts.subsidy_bands
        ),
        transport_per_km=ref(108, "1.50", "test: collector costs"),
        transport_per_kg=ref(109, "0.05", "test: collector costs"),
    )


def priced_quote() -> tuple[Priced, dict[str, Any]]:
    """A quote priced by the engine and its compact document, as stored (JSON round trip)."""
    profiles = [profile_item(item) for item in ITEMS]
    priced = price_quote(
        [(p, i.quantity, i.producer) for p, i in zip(profiles, ITEMS, strict=True)],
        book=synthetic_book(),
        distance_m=3_250,
        on=ON,
    )
    document = _breakdown(ITEMS, profiles, priced, 3_250)
    return priced, json.loads(json.dumps(document, ensure_ascii=False))


def transient_quote(priced: Priced, document: Mapping[str, Any]) -> Quote:
    return Quote(
        id=41,
        household_id=7,
        status="open",
        created_at=T0,
        expires_at=T0 + timedelta(days=1),
        total_fen=priced.payable.minor,
        net_fen_exact=str(priced.net_fen_exact),
        free_collection=priced.free_collection,
        region="shenzhen",
        catalogue_version=catalogue().version,
        price_book_max_id=109,
        breakdown=json.dumps(document, ensure_ascii=False),
    )


def written_out(document: Mapping[str, Any]) -> dict[str, Any]:
    """The same document with every citation in full and no `sources` list."""
    sources = document["sources"]
    lines = []
    for line in document["lines"]:
        full = {**line, "source": sources[line["source"]]}
        if "basis" in line:
            full["basis"] = sources[line["basis"]]
        lines.append(full)
    return {k: v for k, v in document.items() if k != "sources"} | {"lines": lines}


def read(priced: Priced, document: Mapping[str, Any]) -> QuoteView:
    return view_of_breakdown(transient_quote(priced, document), document)


@pytest.fixture(scope="module")
def quote() -> tuple[Priced, dict[str, Any]]:
    return priced_quote()


def test_the_quote_exercises_every_kind_of_line(quote: tuple[Priced, dict[str, Any]]) -> None:
    priced, _ = quote
    assert {line.kind for line in priced.lines} == set(LineKind)


def test_the_compact_document_lists_each_distinct_citation_once(
    quote: tuple[Priced, dict[str, Any]],
) -> None:
    priced, document = quote
    sources = document["sources"]
    assert len(sources) == len(set(sources))
    cited = {line.source for line in priced.lines} | {ln.basis for ln in priced.lines if ln.basis}
    assert set(sources) == cited
    assert all(text for text in sources)
    for line in document["lines"]:
        assert isinstance(line["source"], int)
        assert 0 <= line["source"] < len(sources)
        if "basis" in line:
            assert isinstance(line["basis"], int)
            assert 0 <= line["basis"] < len(sources)
    # The point of the form: dozens of lines, a handful of long citations.
    assert len(sources) < len(document["lines"]) / 2
    compact = json.dumps(document, ensure_ascii=False)
    assert len(compact) < len(json.dumps(written_out(document), ensure_ascii=False)) / 2


def test_the_compact_document_reads_back_every_line_as_priced(
    quote: tuple[Priced, dict[str, Any]],
) -> None:
    priced, document = quote
    view = read(priced, document)
    assert len(view.lines) == len(priced.lines)
    for shown, line in zip(view.lines, priced.lines, strict=True):
        assert (shown.kind, shown.key, shown.item) == (line.kind.value, line.key, line.item)
        assert shown.source == line.source
        assert shown.basis == line.basis
        assert shown.amount_fen_exact == line.amount_fen
        assert shown.input_id == line.input_id
    assert view.distance_m == 3_250
    assert view.net_fen_exact == priced.net_fen_exact


def test_every_line_names_its_source_and_lines_by_weight_their_basis(
    quote: tuple[Priced, dict[str, Any]],
) -> None:
    priced, document = quote
    view = read(priced, document)
    for line in view.lines:
        assert line.source, line
        if line.kind in TRANSPORT:
            assert line.basis == "", line
        elif line.kind in BY_WEIGHT and line.unit == "kg":
            assert line.basis, line
            assert line.basis != line.source  # the composition, apart from the price
        else:
            assert line.basis == "", line  # per unit: nothing was weighed
    weighed = [ln for ln in view.lines if ln.kind in BY_WEIGHT and ln.unit == "kg"]
    assert {ln.item for ln in weighed} == set(range(len(ITEMS)))


def test_a_document_with_citations_written_out_reads_the_same(
    quote: tuple[Priced, dict[str, Any]],
) -> None:
    priced, document = quote
    full = written_out(document)
    assert "sources" not in full
    assert all(isinstance(line["source"], str) for line in full["lines"])
    assert read(priced, full) == read(priced, document)


def test_a_document_from_before_the_basis_split_still_reads(
    quote: tuple[Priced, dict[str, Any]],
) -> None:
    """Before d94c320 a line by weight cited "price source; composition: basis" in one
    string and had no basis of its own."""
    priced, document = quote
    old_lines = []
    for line in written_out(document)["lines"]:
        old = {k: v for k, v in line.items() if k != "basis"}
        if "basis" in line:
            old["source"] = f"{line['source']}; composition: {line['basis']}"
        old_lines.append(old)
    old_document = written_out(document) | {"lines": old_lines}

    view = read(priced, old_document)
    assert [ln.source for ln in view.lines] == [ln["source"] for ln in old_lines]
    assert all(ln.basis == "" for ln in view.lines)
    assert view.lines[0].source.startswith(priced.lines[0].source + "; composition: ")
    new = read(priced, document)
    assert [ln.amount_fen_exact for ln in view.lines] == [ln.amount_fen_exact for ln in new.lines]
