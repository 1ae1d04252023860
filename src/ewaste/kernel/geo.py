"""Points on the earth and great-circle distance."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ewaste.kernel.errors import InvalidInput

EARTH_RADIUS_M = 6_371_008.8  # mean earth radius (IUGG), metres


class InvalidCoordinates(InvalidInput):
    """Latitude or longitude out of range."""

    code = "geo.invalid_coordinates"
    message = "Coordinates ({lat}, {lon}) are out of range."


@dataclass(frozen=True, slots=True)
class GeoPoint:
    """A WGS-84 position in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (-90.0 <= self.lat <= 90.0 and -180.0 <= self.lon <= 180.0):
            raise InvalidCoordinates(lat=self.lat, lon=self.lon)


def haversine_m(a: GeoPoint, b: GeoPoint) -> int:
    """Great-circle distance between two points, in whole metres."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    dphi = phi2 - phi1
    dlmb = math.radians(b.lon - a.lon)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(h)))
