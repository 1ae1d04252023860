"""Reading benchmark instances: VRPLIB (as in shared/data/vrptw) and Solomon's text format.

Parsing is the `vrplib` library's (the format's reference reader, also used by PyVRP);
this module picks the format, turns the result into a `RoutingInstance` and refuses
anything a solver could not make sense of, naming the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import vrplib  # type: ignore[import-untyped]  # no type information shipped

from ewaste.kernel.errors import InvalidInput
from ewaste.routing.instance import RoutingInstance


class InvalidInstanceFile(InvalidInput):
    """A routing instance file that cannot be read or does not describe a VRPTW."""

    code = "routing.invalid_instance_file"
    message = "{path}: {problem}"


def read_instance(path: Path) -> RoutingInstance:
    """The instance in `path` (VRPLIB or Solomon format). Raises InvalidInstanceFile."""
    try:
        text = path.read_text(encoding="utf-8", errors="strict")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInstanceFile(path=str(path), problem=f"cannot be read ({error})") from None
    fmt = "solomon" if _looks_solomon(text) else "vrplib"
    try:
        raw = vrplib.read_instance(path, instance_format=fmt, compute_edge_weights=False)
    except Exception as error:  # the reader raises whatever its parser hits
        raise InvalidInstanceFile(
            path=str(path), problem=f"not a {fmt.upper()} instance ({error})"
        ) from None
    try:
        return _instance(path, raw)
    except (ValueError, TypeError) as error:
        raise InvalidInstanceFile(
            path=str(path), problem=f"a value is not a number ({error})"
        ) from None


def _looks_solomon(text: str) -> bool:
    words = {line.split()[0].upper() for line in text.splitlines() if line.split()}
    return "VEHICLE" in words and "CUSTOMER" in words


def _instance(path: Path, raw: dict[str, Any]) -> RoutingInstance:
    def refuse(problem: str) -> InvalidInstanceFile:
        return InvalidInstanceFile(path=str(path), problem=problem)

    for key in ("node_coord", "demand", "time_window", "capacity"):
        if key not in raw:
            raise refuse(f"it has no {key.upper()} data")
    coords = np.asarray(raw["node_coord"], dtype=np.float64)
    if coords.ndim != 2 or coords.shape[1] != 2 or len(coords) < 2:
        raise refuse("it needs a depot and at least one customer, each with x and y")
    n = len(coords)
    demands = np.asarray(raw["demand"]).reshape(-1)
    windows = np.asarray(raw["time_window"]).reshape(-1, 2) if n else np.empty((0, 2))
    service = np.broadcast_to(np.asarray(raw.get("service_time", 0)), (n,))
    for name, values in (("demands", demands), ("time windows", windows), ("service", service)):
        if len(values) != n:
            raise refuse(f"{len(values)} {name} for {n} nodes")
    depots = np.asarray(raw.get("depot", [0])).reshape(-1)
    if len(depots) != 1 or int(depots[0]) != 0:
        raise refuse("exactly one depot, the first node, is supported")
    if not np.isfinite(coords).all():
        raise refuse("a coordinate is not a number")
    integers = np.concatenate([demands, windows.reshape(-1), service])
    if not np.all(np.equal(np.mod(integers, 1), 0)):
        raise refuse("demands, time windows and service times must be whole numbers")
    capacity = int(raw["capacity"])
    if capacity <= 0:
        raise refuse("the vehicle capacity must be positive")
    if (demands < 0).any() or (service < 0).any():
        raise refuse("demands and service times cannot be negative")
    if (demands > capacity).any():
        raise refuse(f"customer {int(np.argmax(demands > capacity))} needs more than a vehicle")
    if (windows[:, 0] > windows[:, 1]).any():
        raise refuse(f"node {int(np.argmax(windows[:, 0] > windows[:, 1]))} closes before it opens")
    vehicles = int(raw.get("vehicles", n - 1))
    if vehicles <= 0:
        raise refuse("it needs at least one vehicle")
    return RoutingInstance(
        name=str(raw.get("name", path.stem)),
        coords=tuple((float(x), float(y)) for x, y in coords),
        demands=tuple(int(d) for d in demands),
        windows=tuple((int(a), int(b)) for a, b in windows),
        service=tuple(int(s) for s in service),
        capacity=capacity,
        vehicles=vehicles,
    )
