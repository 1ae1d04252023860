"""Product categories and their foundation per-unit price list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ewaste.catalog.rules import CategoryFacts
from ewaste.db.base import Base
from ewaste.db.types import UTCDateTime
from ewaste.kernel.money import Money
from ewaste.kernel.quantities import Mass


class Category(Base):
    """A product category of China's WEEE catalogue (plus tablets), keyed by a short code."""

    __tablename__ = "category"
    __table_args__ = (
        CheckConstraint("household_price_fen >= 0", name="household_price_non_negative"),
        CheckConstraint("station_price_fen >= 0", name="station_price_non_negative"),
        CheckConstraint("plant_price_fen >= 0", name="plant_price_non_negative"),
        CheckConstraint("typical_mass_g > 0", name="typical_mass_positive"),
    )

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    cn_catalogue_code: Mapped[str] = mapped_column(String(20), default="")
    unu_key: Mapped[str] = mapped_column(String(4))
    typical_mass_g: Mapped[int] = mapped_column(Integer)
    """Typical mass of one unit, grams."""
    hazardous: Mapped[bool] = mapped_column(Boolean)
    household_price_fen: Mapped[int] = mapped_column(BigInteger)
    """Paid to the household at the door per unit, fen CNY."""
    station_price_fen: Mapped[int] = mapped_column(BigInteger)
    """Paid by a station to the collector per unit, fen CNY."""
    plant_price_fen: Mapped[int] = mapped_column(BigInteger)
    """Suggested lot price per unit to a plant, fen CNY."""
    mass_source: Mapped[str] = mapped_column(String(400))
    price_basis: Mapped[str] = mapped_column(String(400))

    def facts(self) -> CategoryFacts:
        """This row as a pure value object."""
        return CategoryFacts(
            code=self.code,
            name_en=self.name_en,
            name_zh=self.name_zh,
            unu_key=self.unu_key,
            typical_mass=Mass(self.typical_mass_g),
            hazardous=self.hazardous,
            household_price=Money(self.household_price_fen),
            station_price=Money(self.station_price_fen),
            plant_price=Money(self.plant_price_fen),
            mass_source=self.mass_source,
            price_basis=self.price_basis,
        )


class Brand(Base):
    """A brand found on units, mapped to the producer organisation responsible for it under
    extended producer responsibility (a producer may have several brands)."""

    __tablename__ = "brand"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    """`rules.brand_key` of the name: what records and quotes are matched by."""
    name: Mapped[str] = mapped_column(String(80))
    name_zh: Mapped[str] = mapped_column(String(80), default="")
    producer_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
