"""Read-only reports: the platform overview, the regulator's volumes, producers' take-back."""

from ewaste.analytics.exports import take_back_csv, volume_csv
from ewaste.analytics.producers import TakeBackReport, TakeBackRow, take_back_report
from ewaste.analytics.reports import CategoryLine, Overview, overview, overview_for
from ewaste.analytics.rules import (
    Basis,
    Dimension,
    InvalidBasis,
    InvalidDimension,
    InvalidMonthRange,
    MonthRange,
)
from ewaste.analytics.volumes import VolumeReport, VolumeRow, volume_report

__all__ = [
    "Basis",
    "CategoryLine",
    "Dimension",
    "InvalidBasis",
    "InvalidDimension",
    "InvalidMonthRange",
    "MonthRange",
    "Overview",
    "TakeBackReport",
    "TakeBackRow",
    "VolumeReport",
    "VolumeRow",
    "overview",
    "overview_for",
    "take_back_csv",
    "take_back_report",
    "volume_csv",
    "volume_report",
]
