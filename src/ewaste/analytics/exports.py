"""Reports as CSV: one line per group, grams as integers, ready for a spreadsheet."""

from __future__ import annotations

import csv
import io

from ewaste.analytics.producers import TakeBackReport
from ewaste.analytics.volumes import VolumeReport


def volume_csv(report: VolumeReport) -> str:
    """The volume report as CSV: the grouped dimensions, then units and grams."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    names = [d.value for d in report.dimensions]
    header = [("plant_id" if n == "plant" else n) for n in names]
    if "plant" in names:
        header.append("plant_name")
    writer.writerow(["basis", "months", *header, "units", "grams"])
    for row in report.rows:
        keys: list[object] = []
        for name in names:
            keys.append(row.plant_id if name == "plant" else getattr(row, name))
        if "plant" in names:
            keys.append(row.plant_name)
        writer.writerow([report.basis.value, report.months.label, *keys, row.units, row.grams])
    return out.getvalue()


def take_back_csv(report: TakeBackReport) -> str:
    """The producer's take-back report as CSV, one line per brand, category and month."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "producer_id",
            "months",
            "brand",
            "category",
            "month",
            "collected_units",
            "dismantled_units",
            "dismantled_grams",
        ]
    )
    for row in report.rows:
        writer.writerow(
            [
                report.producer_id,
                report.months.label,
                row.brand,
                row.category,
                row.month,
                row.collected_units,
                row.dismantled_units,
                row.dismantled_grams,
            ]
        )
    return out.getvalue()
