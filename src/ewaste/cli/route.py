"""`ewaste route solve FILE`: solve a VRPTW benchmark file, print the routes (JSON or text)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from ewaste import routing

app = typer.Typer(
    help="Routing on benchmark files (VRPLIB or Solomon format).", no_args_is_help=True
)


@app.command("solve")
def solve(
    file: Path = typer.Argument(..., help="A VRPTW instance: VRPLIB (.vrp) or Solomon (.txt)."),
    seconds: float = typer.Option(10.0, min=0.1, max=3600, help="Wall-clock time to search."),
    workers: int = typer.Option(
        os.cpu_count() or 1, min=1, max=64, help="Parallel searches (default: every core)."
    ),
    seed: int = typer.Option(1, help="Seed of the first search (the others take the next ones)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Solve FILE; distances follow the DIMACS convention (Euclidean, truncated to 0.1).

    Customers are numbered 1…n as in the .sol files (the VRPLIB node id minus one);
    the depot is not listed. Every solution is checked by our own feasibility checker;
    the command exits 1 if it found no feasible solution.
    """
    instance = routing.read_instance(file)
    matrix = routing.dimacs_matrix(instance)
    solved = routing.solve(instance, seconds=seconds, workers=workers, seed=seed, matrix=matrix)
    report = routing.check_routes(instance, solved.routes, matrix)
    routes = [list(r) for r in solved.routes if r]
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "instance": instance.name,
                    "distance": report.distance / routing.SCALE,
                    "vehicles": len(routes),
                    "routes": routes,
                    "feasible": report.feasible,
                    "problems": list(report.problems),
                    "seconds": round(solved.seconds, 2),
                    "workers": workers,
                }
            )
        )
    else:
        for number, route in enumerate(routes, start=1):
            typer.echo(f"Route #{number}: {' '.join(map(str, route))}")
        typer.echo(f"Cost {report.distance / routing.SCALE:g}")
        for problem in report.problems:
            typer.echo(f"infeasible: {problem}", err=True)
    if not report.feasible:
        raise typer.Exit(1)
