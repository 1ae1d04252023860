"""QR label sheets (PDF) for reserved unit codes, and the QR drawing shared with certificates.

A4 sheets of 3 x 7 labels of 63.5 x 38.1 mm (the common L7160 layout of self-adhesive
sheets): each label holds the code as a QR code (error correction M, so a scratched
label still scans) and in readable groups of four, with the block and its expiry date.
The QR is drawn as vector rectangles, so it stays sharp at any printer resolution.
fpdf2's core Courier/Helvetica fonts only: the labels carry no Chinese text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

import segno
from fpdf import FPDF

from ewaste.kernel.clock import CHINA_TIME

COLUMNS: Final = 3
ROWS: Final = 7
LABELS_PER_SHEET: Final = COLUMNS * ROWS
LABEL_W: Final = 63.5
LABEL_H: Final = 38.1
PITCH_X: Final = 66.04
LEFT: Final = 7.2
TOP: Final = 15.15
QR_SIZE: Final = 30.0


def qr_code(payload: str) -> segno.QRCode:
    """The QR code of `payload` as every label and certificate draws it (error level M)."""
    return segno.make(payload, error="m", micro=False)


def draw_qr(pdf: FPDF, payload: str, *, x: float, y: float, size: float) -> segno.QRCode:
    """Draw the QR code of `payload` as black rectangles in a `size` mm square at (x, y),
    with the standard quiet zone of 4 modules inside the square; returns the code."""
    qr = qr_code(payload)
    matrix = qr.matrix
    modules = len(matrix) + 8
    cell = size / modules
    pdf.set_fill_color(0, 0, 0)
    for row_index, row in enumerate(matrix):
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            pdf.rect(
                x + (start + 4) * cell,
                y + (row_index + 4) * cell,
                (column - start) * cell,
                cell,
                style="F",
            )
    return qr


def grouped(code: str) -> str:
    """A unit code as people read it: prefix, then groups of four (EW 7K3M 9Q2X 4P1A)."""
    body = code[2:]
    return " ".join([code[:2], *(body[i : i + 4] for i in range(0, len(body), 4))])


def label_sheet_pdf(
    codes: Sequence[str], *, block_id: int, expires_at: datetime, title: str = "E-Waste Exchange"
) -> bytes:
    """A PDF of A4 label sheets, one label per code in the given order."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"Unit code labels, block {block_id}")
    pdf.set_creator("ewaste")
    expiry = expires_at.astimezone(CHINA_TIME).date().isoformat()
    for index, code in enumerate(codes):
        if index % LABELS_PER_SHEET == 0:
            pdf.add_page()
        slot = index % LABELS_PER_SHEET
        x = LEFT + (slot % COLUMNS) * PITCH_X
        y = TOP + (slot // COLUMNS) * LABEL_H
        pdf.set_draw_color(200, 200, 200)
        pdf.rect(x, y, LABEL_W, LABEL_H)
        draw_qr(pdf, code, x=x + 2, y=y + (LABEL_H - QR_SIZE) / 2, size=QR_SIZE)
        text_x = x + QR_SIZE + 3
        width = LABEL_W - QR_SIZE - 4
        pdf.set_xy(text_x, y + 5)
        pdf.set_font("Helvetica", "B", 7)
        pdf.cell(width, 4, title)
        pdf.set_xy(text_x, y + 12)
        pdf.set_font("Courier", "B", 9)
        pdf.multi_cell(width, 4.2, grouped(code).replace(" ", "\n", 1))
        pdf.set_xy(text_x, y + 28)
        pdf.set_font("Helvetica", "", 6)
        pdf.cell(width, 3, f"Block {block_id} #{index + 1}")
        pdf.set_xy(text_x, y + 31)
        pdf.cell(width, 3, f"Tag before {expiry}")
    return bytes(pdf.output())
