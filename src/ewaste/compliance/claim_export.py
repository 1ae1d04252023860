"""A subsidy claim as CSV (one line per unit) and as PDF, with each unit's custody chain
and evidence list. The PDF uses the core Helvetica font: English, pinyin-free codes and
category codes only (no CJK font is shipped with the project; docs/adr/0014)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from fpdf import FPDF

from ewaste import custody
from ewaste.compliance.claim_queries import ClaimView

CSV_HEADER = (
    "claim_id",
    "plant_id",
    "period",
    "status",
    "unit_code",
    "category",
    "dismantled_on",
    "schedule_from",
    "condition",
    "rate_fen",
    "dismantling_line",
    "evidence",
    "output_check",
    "custody_chain",
    "chain_complete",
    "source",
)


def _chain(trace: custody.UnitTrace | None) -> str:
    if trace is None:
        return ""
    return " > ".join(
        f"{s.seq}:{s.kind}@{s.occurred_at.isoformat()}:{s.grams}g#{s.chain_seq}:{s.hash}"
        for s in trace.steps
    )


def claim_csv(claim: ClaimView, chains: Mapping[str, custody.UnitTrace]) -> str:
    """One line per claimed unit; the rates are whole fen and sum to the claim's total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in claim.lines:
        trace = chains.get(line.unit_code)
        writer.writerow(
            (
                claim.id,
                claim.plant_id,
                claim.period,
                claim.status,
                line.unit_code,
                line.category,
                line.dismantled_on.isoformat(),
                line.schedule_from.isoformat(),
                line.condition,
                line.rate_fen,
                line.line,
                " ".join(line.evidence),
                line.output_check,
                _chain(trace),
                "yes" if trace is not None and trace.complete else "no",
                line.source,
            )
        )
    return out.getvalue()


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def claim_pdf(claim: ClaimView, chains: Mapping[str, custody.UnitTrace]) -> bytes:
    """The claim as a PDF: totals by category, then each unit with chain and evidence."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin(f"WEEE fund subsidy claim #{claim.id}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for text in (
        f"Plant {claim.plant_id} - period {claim.period} "
        f"({claim.period_start} to {claim.period_end}, exclusive, China time)",
        f"Status: {claim.status}. Units claimed: {len(claim.lines)}. "
        f"Total: CNY {_yuan(claim.total_fen)} ({claim.total_fen} fen).",
    ):
        pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "By category", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    for category, (units, fen) in sorted(claim.by_category().items()):
        pdf.cell(
            0,
            5,
            _latin(f"{category}: {units} units, CNY {_yuan(fen)}"),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(2)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, "Units", new_x="LMARGIN", new_y="NEXT")
    for line in claim.lines:
        pdf.set_font("Helvetica", "B", 9)
        pdf.multi_cell(
            0,
            5,
            _latin(
                f"{line.unit_code}  {line.category}  dismantled {line.dismantled_on}  "
                f"schedule {line.schedule_from}  CNY {_yuan(line.rate_fen)}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.set_font("Helvetica", "", 8)
        trace = chains.get(line.unit_code)
        steps = trace.steps if trace is not None else ()
        for step in steps:
            pdf.multi_cell(
                0,
                4,
                _latin(
                    f"  {step.seq}. {step.kind} {step.from_role} -> {step.to_role} "
                    f"{step.occurred_at.isoformat()} {step.grams} g {step.ref} "
                    f"chain #{step.chain_seq} {step.hash}"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
        evidence = ", ".join(line.evidence) or "none recorded"
        check = line.output_check or "not checked"
        pdf.multi_cell(
            0,
            4,
            _latin(f"  Evidence: {evidence}. Output check: {check}."),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    if claim.exclusions:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 6, "Not claimable", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 8)
        for ex in claim.exclusions:
            pdf.multi_cell(
                0,
                4,
                _latin(
                    f"  {ex.unit_code} {ex.category} {ex.dismantled_on}: {ex.reason} {ex.detail}"
                ),
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(pdf.output())
