"""`haven stats`: release tables, flows, SDG 16.2.2 rates and figures from the command line.

A thin adapter: every command goes through `release_table` (the release policy and its
record). Data goes to stdout, progress and accuracy to stderr; a user error prints one line
and exits with status 1.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console

from haven._cli_actor import cli_actor
from haven.config import Settings
from haven.exceptions import HavenError, ValidationFailed

__all__ = ["stats_app"]

err = Console(stderr=True, highlight=False, soft_wrap=True)
T = TypeVar("T")

stats_app = typer.Typer(
    name="stats",
    help="Eurostat-, UNODC- and SDG-comparable statistics with disclosure control.\n\n"
    "Every table leaves through a release policy (suppression by default, or differential "
    "privacy with a budget) and is recorded.\n\nExamples:\n\n"
    "  haven stats table victims --by sex,exploitation --year 2018\n\n"
    "  haven stats table victims --by sex --year 2018 --policy dp --epsilon 1\n\n"
    "  haven stats figures --out figures/ --year 2017-2018",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
budget_app = typer.Typer(help="Show and set privacy budgets (epsilon) per dataset.",
                         no_args_is_help=True)
stats_app.add_typer(budget_app, name="budget")

HomeOption = Annotated[Path | None, typer.Option(
    "--home", help="Directory of the default SQLite database and key file.")]
YearOption = Annotated[str, typer.Option(
    "--year", "-y", help="Year(s): 2018, 2017-2018 or 2016,2018.")]
PolicyOption = Annotated[str, typer.Option(
    help="suppression (cells below --threshold hidden, with secondary suppression) or dp.")]
EpsilonOption = Annotated[float | None, typer.Option(
    help="Privacy loss of this release (with --policy dp).")]
ThresholdOption = Annotated[int, typer.Option(help="Suppression threshold (cells below it).")]
CountryOption = Annotated[str | None, typer.Option(
    "--country", "-c", help="Reporting countries, e.g. NL,BE (default: all).")]
CountingOption = Annotated[str, typer.Option(
    help="persons (each person once, as linked) or registrations.")]
FormatOption = Annotated[str, typer.Option(
    "--format", "-f", help="text, csv, json, sdmx or xlsx (xlsx needs --out).")]
OutOption = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]


def _fail(message: str) -> NoReturn:
    err.print(f"haven: error: {message}", markup=False)
    raise typer.Exit(1)


def _run(action: Callable[[], T]) -> T:
    """Run a command body; a Haven error becomes one line on stderr and exit status 1."""
    try:
        return action()
    except ValidationFailed as exc:
        _fail("; ".join(str(p) for p in exc.problems))
    except HavenError as exc:
        _fail(str(exc))




def _registry(home: Path | None) -> Any:
    from haven.registry import Registry

    def open_registry() -> Any:
        settings = Settings.from_env()
        return Registry.open(settings.with_home(home) if home is not None else settings)

    return _run(open_registry)


@contextmanager
def _status(message: str) -> Iterator[None]:
    if err.is_terminal:
        with err.status(message):
            yield
    else:
        yield


def parse_years(text: str) -> list[int]:
    """'2018', '2017-2018' or '2016,2018' as a list of years."""
    years: set[int] = set()
    try:
        for part in text.split(","):
            if "-" in part.strip():
                first, last = (int(x) for x in part.split("-", 1))
                if last < first or last - first > 50:
                    raise ValueError
                years.update(range(first, last + 1))
            elif part.strip():
                years.add(int(part))
    except ValueError:
        raise ValidationFailed([]) from None
    if not years or min(years) < 1990 or max(years) > 2100:
        raise ValidationFailed([])
    return sorted(years)


def _years(text: str) -> list[int]:
    try:
        return parse_years(text)
    except ValidationFailed:
        _fail(f"--year must be like 2018, 2017-2018 or 2016,2018 (got {text[:20]!r})")


def _policy(policy: str, epsilon: float | None, threshold: int) -> Any:
    from haven.statistics._dp import DPPolicy
    from haven.statistics._release import SuppressionPolicy

    name = policy.strip().lower()
    if name in ("dp", "differential-privacy"):
        if epsilon is None:
            _fail("--policy dp needs --epsilon, e.g. --epsilon 1")
        return DPPolicy(epsilon)
    if name == "suppression":
        if epsilon is not None:
            _fail("--epsilon applies only to --policy dp")
        return SuppressionPolicy(threshold=threshold)
    _fail("--policy must be suppression or dp")


def _split(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split(",") if p.strip()]


def _show_accuracy(spec: Any, policy: Any) -> None:
    from haven.statistics._dp import DPPolicy, accuracy

    if isinstance(policy, DPPolicy):
        acc = accuracy(spec, policy)
        err.print(f"accuracy: each count within ±{acc.noised:.1f} of the true count with "
                  f"{acc.confidence:.0%} confidence (epsilon {acc.epsilon:g}, "
                  f"sensitivity {acc.sensitivity}, scale {acc.scale:g})", markup=False)


def _emit(release: Any, fmt: str, out: Path | None) -> None:
    from haven.statistics._export import export
    from haven.statistics._text import render_text

    if fmt == "text":
        text = render_text(release)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.write_text(text, encoding="utf-8")
    else:
        result = export(release, fmt, out)
        if out is None:
            typer.echo(str(result), nl=False)
    if out is not None:
        err.print(f"written: {out} (release {release.id})", markup=False)


@stats_app.command()
def table(
    subject: Annotated[str, typer.Argument(help="victims or suspects.")],
    by: Annotated[str, typer.Option(help="Dimensions, e.g. sex,exploitation (see `codes`).")]
    = "",
    year: YearOption = "",
    country: CountryOption = None,
    counting: CountingOption = "persons",
    policy: PolicyOption = "suppression",
    epsilon: EpsilonOption = None,
    threshold: ThresholdOption = 5,
    fmt: FormatOption = "text",
    out: OutOption = None,
    preview: Annotated[bool, typer.Option(
        help="With --policy dp: show the accuracy and stop (nothing released or spent).")]
    = False,
    home: HomeOption = None,
) -> None:
    """Release one table: counts by the given dimensions, every margin included.

    Examples:
      haven stats table victims --by sex,exploitation --year 2018
      haven stats table victims --by year,status --year 2015-2020 --format sdmx
      haven stats table victims --by sex --year 2018 --policy dp --epsilon 1 --preview
      haven stats table suspects --by stage,sex --year 2018 --format xlsx --out s.xlsx
    """
    from haven.statistics._definitions import TableSpec
    from haven.statistics._release import release_table

    if not year:
        _fail("give the years to count with --year, e.g. --year 2018")
    fmt = fmt.lower()
    if fmt not in ("text", "csv", "json", "sdmx", "xlsx"):
        _fail("--format must be text, csv, json, sdmx or xlsx")
    if fmt == "xlsx" and out is None:
        _fail("--format xlsx needs --out FILE")
    years = _years(year)
    spec = _run(lambda: TableSpec.parse(subject, _split(by), years=years,
                                        countries=_split(country) or None, counting=counting))
    chosen = _run(lambda: _policy(policy, epsilon, threshold))
    _run(lambda: _show_accuracy(spec, chosen))
    if preview:
        return
    registry = _registry(home)
    with _status(f"counting {spec.describe()}"):
        release = _run(lambda: release_table(registry, spec, chosen, actor=cli_actor(),
                                             channel=f"cli:{fmt}"))
    _run(lambda: _emit(release, fmt.lower(), out))


@stats_app.command()
def flows(
    year: YearOption = "",
    minimum: Annotated[int, typer.Option("--min", help="Least victims per flow listed.")] = 5,
    country: CountryOption = None,
    policy: PolicyOption = "suppression",
    epsilon: EpsilonOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text, csv or json.")] = "text",
    home: HomeOption = None,
) -> None:
    """UNODC flows: citizenship to country of exploitation, with at least --min victims.

    Example:  haven stats flows --year 2017-2018 --format csv
    """
    from haven.statistics._publish import flows as release_flows

    if not year:
        _fail("give the years with --year, e.g. --year 2018")
    years = _years(year)
    chosen = _run(lambda: _policy(policy, epsilon, minimum))
    registry = _registry(home)
    with _status("counting flows"):
        release, found = _run(lambda: release_flows(
            registry, years=years, actor=cli_actor(), channel=f"cli:flows:{fmt}",
            countries=_split(country) or None,
            policy=None if policy == "suppression" else chosen, minimum=minimum))
    rows = [f.as_dict() for f in found]
    if fmt == "json":
        typer.echo(json.dumps({"release_id": str(release.id), "policy": release.policy_text(),
                               "flows": rows}, indent=1))
    elif fmt in ("csv", "text"):
        sep = "," if fmt == "csv" else "\t"
        typer.echo(sep.join(["origin", "destination", "victims", "domestic"]))
        for r in rows:
            typer.echo(sep.join(str(r[k]) for k in ("origin", "destination", "victims",
                                                     "domestic")))
    else:
        _fail("--format must be text, csv or json")
    err.print(f"{len(rows)} flows; release {release.id}", markup=False)


@stats_app.command()
def sdg(
    year: YearOption = "",
    by: Annotated[str, typer.Option(help="Optional: sex, age_group, exploitation.")] = "",
    country: CountryOption = None,
    population: Annotated[Path | None, typer.Option(
        help="Population file (geo,year,sex,age,population); default: shipped Eurostat totals."
    )] = None,
    home: HomeOption = None,
) -> None:
    """SDG 16.2.2: victims per 100,000 population, by reporting country and year.

    Example:  haven stats sdg --year 2017-2018
    """
    from haven.statistics._definitions import TableSpec
    from haven.statistics._population import load_population, sdg_16_2_2
    from haven.statistics._release import SuppressionPolicy, release_table

    if not year:
        _fail("give the years with --year, e.g. --year 2018")
    dims = ["reporting_country", "year", *_split(by)]
    spec = _run(lambda: TableSpec.parse("victims", dims, years=_years(year),
                                        countries=_split(country) or None))
    pop = _run(lambda: load_population(population))
    for name, code in (("sex", 2), ("age_group", 3)):
        if name in dims and not any(k[code] != "_T" for k in pop):
            _fail(f"the population file has no {name} split; pass a demo_pjan extract "
                  "with --population")
    registry = _registry(home)
    release = _run(lambda: release_table(registry, spec, SuppressionPolicy(), actor=cli_actor(),
                                         channel="cli:sdg"))
    rates = _run(lambda: sdg_16_2_2(release, pop))
    typer.echo("country\tyear\tsex\tage_group\texploitation\tvictims\tpopulation\tper_100k")
    for r in rates:
        typer.echo("\t".join(str("c" if v is None else v) for v in (
            r.country, r.year, r.sex, r.age_group, r.exploitation, r.victims, r.population,
            r.per_100k)))


@stats_app.command()
def figures(
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the figures.")],
    year: YearOption = "2017-2018",
    country: CountryOption = None,
    policy: PolicyOption = "suppression",
    epsilon: EpsilonOption = None,
    lang: Annotated[str, typer.Option(help="Labels: en or nl.")] = "en",
    image: Annotated[str, typer.Option("--image", help="png, svg or png,svg.")] = "png,svg",
    home: HomeOption = None,
) -> None:
    """Draw the strategy's figures 1-3, the trend by year and the flows chart.

    Example:  haven stats figures --out figures/ --year 2017-2018 --lang nl
    """
    from haven.statistics._publish import FIGURES, publish_figures

    formats = _split(image)
    if not formats or set(formats) - {"png", "svg"}:
        _fail("--image must be png, svg or png,svg")
    years = _years(year)
    chosen = _run(lambda: _policy(policy, epsilon, 5))
    registry = _registry(home)
    with _status("drawing figures") as _:
        paths = _run(lambda: publish_figures(
            registry, out, years=years, policy=chosen, actor=cli_actor(), lang=lang,
            formats=formats, countries=_split(country) or None,
            progress=lambda step: err.print(step, markup=False)))
    for path in paths:
        typer.echo(str(path))
    err.print(f"{len(FIGURES) + 1} figures written to {out}", markup=False)


@stats_app.command()
def releases(limit: Annotated[int, typer.Option(help="How many, newest first.")] = 20,
             home: HomeOption = None) -> None:
    """List release records: when, by whom, what, under which policy, through which path.

    Example:  haven stats releases --limit 5
    """
    from haven.statistics._release import releases as list_releases

    for r in _run(lambda: list_releases(_registry(home), limit)):
        typer.echo("\t".join([r["at"], r["actor"], r["channel"], r["policy"], r["subject"],
                              ",".join(r["spec"]["by"]) or "-", str(r["cells"]),
                              str(r["hidden"]), r["id"]]))


@stats_app.command()
def codes() -> None:
    """Print every dimension's code list with its SDMX codes (JSON).

    Example:  haven stats codes
    """
    from haven.statistics._export import code_lists

    typer.echo(json.dumps(code_lists(), indent=1))


@budget_app.command("show")
def budget_show(dataset: Annotated[str, typer.Argument(help="victims or suspects.")],
                home: HomeOption = None) -> None:
    """Show a dataset's privacy budget: total, spent, remaining.

    Example:  haven stats budget show victims
    """
    from haven.statistics._release import budget_status

    status = _run(lambda: budget_status(_registry(home), dataset))
    typer.echo(f"{status.dataset}\ttotal {status.total:g}\tspent {status.spent:g}\t"
               f"remaining {status.remaining:g}\treleases {status.releases}")


@budget_app.command("set")
def budget_set(dataset: Annotated[str, typer.Argument(help="victims or suspects.")],
               epsilon: Annotated[float, typer.Option(help="Total epsilon for the dataset.")],
               home: HomeOption = None) -> None:
    """Set a dataset's total privacy budget (never below what is spent).

    Example:  haven stats budget set victims --epsilon 5
    """
    from haven.statistics._release import set_budget

    def run() -> Any:
        try:
            return set_budget(_registry(home), dataset, epsilon, actor=cli_actor())
        except ValueError:
            _fail("the dataset must be victims or suspects")

    status = _run(run)
    typer.echo(f"{status.dataset}\ttotal {status.total:g}\tspent {status.spent:g}")
