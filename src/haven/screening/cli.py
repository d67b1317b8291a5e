"""The `haven screen` command: screen a dump of scraped ads and write the triage files.

`screen_command` is a plain function with Typer annotations; `haven.cli` registers it as
`haven screen`, and `python -m haven.screening` runs it on its own.
"""

from __future__ import annotations

import csv
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from haven.exceptions import HavenError

__all__ = ["EngineName", "screen_command"]


class EngineName(StrEnum):
    """Where the screening runs."""

    local = "local"
    spark = "spark"


def screen_command(
    ads: Annotated[Path, typer.Argument(help="Ads as JSON Lines (.jsonl), CSV or Parquet.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the output files.")],
    engine: Annotated[
        EngineName, typer.Option(help="local (both cores) or spark.")
    ] = EngineName.local,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes for the local engine.")] = 2,
    country: Annotated[
        str | None, typer.Option(help="Country (ISO 3166-1 alpha-2) for ads that name none.")
    ] = None,
    similarity: Annotated[
        float, typer.Option(min=0.1, max=1.0, help="Estimated Jaccard for near-duplicates.")
    ] = 0.55,
) -> None:
    """Screen online ads: hidden contacts, templates, networks and explained risk.

    Writes ads.csv (id, template, network, risk, reasons), phones.csv (id, phone,
    obfuscated), networks.csv and triage.parquet/json (networks by risk), templates.csv,
    networks.graphml and a self-contained report.html into --out. Rows that cannot be read
    are listed in problems.csv and left out; they never stop the run. The scores order a
    triage list for analysts; they are never a verdict.

    Example:

        haven screen ads.jsonl --out screening/ --engine local --country NL
    """
    from haven.screening._engines import make_engine
    from haven.screening._ingest import read_ads
    from haven.screening._outputs import write_outputs
    from haven.screening._pipeline import ScreenOptions, screen

    err = Console(stderr=True)
    code = country.upper() if country else None
    try:
        table, problems = read_ads(ads, default_country=code)
        if problems:
            err.print(f"{len(problems)} problem(s) in the input; those rows are left out "
                      f"(see {out / 'problems.csv'})")
        if not len(table):
            err.print("error: no readable ads in the input")
            raise typer.Exit(2)
        runner = make_engine(engine.value, workers=workers)
    except HavenError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False)
        raise typer.Exit(2) from None
    columns = (TextColumn("{task.description:<16}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    try:
        with Progress(*columns, console=err, transient=False) as bar:
            tasks: dict[str, TaskID] = {}

            def tell(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=max(total, 1))
                bar.update(tasks[step], completed=done, total=max(total, 1))

            result = screen(table, runner, ScreenOptions(similarity=similarity), progress=tell)
    finally:
        runner.close()
    out.mkdir(parents=True, exist_ok=True)
    if problems:
        with (out / "problems.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "field", "reason", "value"])
            writer.writerows([p.row, p.field, p.reason, p.value or ""] for p in problems)
    for path in write_outputs(result, out).values():
        typer.echo(str(path))
