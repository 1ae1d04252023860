"""A certificate as a one-page A4 PDF with a QR code that opens its public verification page.

English and codes only, in fpdf2's core Helvetica (the project ships no CJK font; ADR 0014):
any character outside Latin-1 is replaced. It carries no personal data: the household
appears by role only, as on the public page.
"""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from ewaste.custody.labels import draw_qr
from ewaste.custody.public import CertificateCheck, PublicParty, PublicUnit
from ewaste.kernel.clock import CHINA_TIME

TITLES = {"recycling": "Certificate of recycling", "data_wipe": "Data-wipe certificate"}
KINDS = {
    "unit:collect:door": "collected at the door",
    "unit:deliver:station": "delivered to a station",
    "unit:ship:dispatch": "shipped to a plant",
    "unit:receive:plant": "received at the plant",
    "unit:missing:reception": "reported missing from the load at the plant",
    "unit:find:station": "found back at the station, never loaded",
    "unit:dismantle:record": "dismantled",
}
METHODS = {
    "overwrite": "Overwritten (NIST SP 800-88 clear)",
    "crypto_erase": "Cryptographic erase (NIST SP 800-88 purge)",
    "degauss": "Degaussed (NIST SP 800-88 purge)",
    "destroy": "Storage destroyed (NIST SP 800-88 destroy)",
}


def _latin(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _party(party: PublicParty) -> str:
    who = party.name or party.role
    return _latin(f"{who} ({party.district})" if party.district else who)


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M")


def certificate_pdf(check: CertificateCheck, unit: PublicUnit, *, verify_url: str) -> bytes:
    """The certificate's PDF; its QR code encodes `verify_url` (the public page)."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_title(f"{TITLES[check.kind]} {check.code}")
    pdf.set_creator("ewaste")
    pdf.add_page()
    draw_qr(pdf, verify_url, x=155, y=12, size=42)
    pdf.set_xy(15, 18)
    pdf.set_font("Helvetica", "B", 20)
    pdf.cell(135, 10, TITLES[check.kind], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_x(15)
    pdf.cell(135, 6, "E-Waste Exchange - verifiable record", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(15, 58)
    rows = [
        ("Certificate id", check.code),
        ("Unit code", check.unit_code),
        ("Category", check.category_code),
        ("Issued by", _party(check.issuer)),
        ("Dismantled on" if check.kind == "recycling" else "Wiped on", _when(check.performed_at)),
    ]
    if check.kind == "data_wipe":
        rows += [
            ("Method", METHODS.get(check.method, check.method)),
            ("Operator", _latin(check.operator_ref)),
        ]
    rows += [
        ("Issued at", _when(check.issued_at)),
        ("Status", "valid" if check.valid else "NOT VALID"),
    ]
    for label, value in rows:
        pdf.set_font("Helvetica", "B", 10)
        pdf.cell(40, 7, label)
        pdf.set_font("Helvetica", "", 10)
        pdf.cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Chain of custody (China time)", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    for step in unit.steps:
        line = (
            f"{step.seq}. {_when(step.occurred_at)}  {KINDS.get(step.kind, step.kind)}: "
            f"{_party(step.giver)} -> {_party(step.receiver)}"
            + (f", {step.grams} g" if step.grams else "")
        )
        pdf.multi_cell(0, 5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 10)
    pdf.cell(0, 6, "How to verify", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 8)
    pdf.multi_cell(
        0,
        4,
        _latin(
            f"Scan the QR code or open {verify_url}. The certificate is signed with the "
            f"platform's Ed25519 custody key (key id {check.key_id}, published at "
            "/api/custody/public-key) and stands on custody event "
            f"#{check.anchor_chain_seq} of the hash chain, hash {check.anchor_hash}."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
