"""A capacitated routing problem with time windows, in integer units, and its distances."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

Matrix = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class RoutingInstance:
    """Node 0 is the depot; nodes 1…n are the customers.

    Coordinates, demands, windows and service times are as in the file; distances and
    durations come from `dimacs_matrix` (tenths), so windows and service times are
    scaled by 10 when the solver and the checker compare them with travel times.
    """

    name: str
    coords: tuple[tuple[float, float], ...]
    demands: tuple[int, ...]
    windows: tuple[tuple[int, int], ...]
    service: tuple[int, ...]
    capacity: int
    vehicles: int

    @property
    def customers(self) -> int:
        """How many customers (nodes other than the depot)."""
        return len(self.coords) - 1


SCALE = 10
"""Distances, durations and times are counted in tenths (the DIMACS convention)."""


def dimacs_matrix(instance: RoutingInstance) -> Matrix:
    """Euclidean distances truncated to one decimal, as integers in tenths (DIMACS 2021).

    The travel time of an arc equals its distance.
    """
    xy = np.asarray(instance.coords, dtype=np.float64)
    diff = xy[:, None, :] - xy[None, :, :]
    matrix: Matrix = (SCALE * np.sqrt((diff**2).sum(axis=2))).astype(np.int64)
    return matrix
