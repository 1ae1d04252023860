"""GeoPoint ranges and great-circle distance."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ewaste.kernel.geo import GeoPoint, InvalidCoordinates, haversine_m

FUTIAN = GeoPoint(22.5223, 114.0553)
NANSHAN = GeoPoint(22.5329, 113.9305)

points = st.builds(
    GeoPoint,
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)


@pytest.mark.parametrize(("lat", "lon"), [(90, 180), (-90, -180), (0, 0), (22.5, 114.0)])
def test_accepts_positions_on_the_globe(lat: float, lon: float) -> None:
    assert GeoPoint(lat, lon) == GeoPoint(lat, lon)


@pytest.mark.parametrize(
    ("lat", "lon"), [(90.01, 0), (-90.01, 0), (0, 180.01), (0, -180.01), (float("nan"), 0)]
)
def test_refuses_positions_off_the_globe(lat: float, lon: float) -> None:
    with pytest.raises(InvalidCoordinates) as caught:
        GeoPoint(lat, lon)
    assert caught.value.code == "geo.invalid_coordinates"


def test_futian_to_nanshan_is_about_thirteen_kilometres() -> None:
    assert haversine_m(FUTIAN, NANSHAN) == pytest.approx(13_000, rel=0.10)


def test_one_degree_of_longitude_on_the_equator_is_about_111_km() -> None:
    assert haversine_m(GeoPoint(0, 0), GeoPoint(0, 1)) == pytest.approx(111_195, abs=5)


def test_a_point_is_zero_metres_from_itself() -> None:
    assert haversine_m(FUTIAN, FUTIAN) == 0


@given(points, points)
def test_distance_is_symmetric_whole_metres_and_at_most_half_the_globe(
    a: GeoPoint, b: GeoPoint
) -> None:
    d = haversine_m(a, b)
    assert isinstance(d, int)
    assert d == haversine_m(b, a)
    assert 0 <= d <= 20_015_115  # pi x the mean earth radius
