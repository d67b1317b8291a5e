"""Figures with matplotlib (Agg, offline): the strategy's figures 1-3, trends and flows.

Figure 1: registered victims by form of exploitation (bars with counts and shares).
Figure 2: registered victims by sex, split into women, girls, men and boys (pie).
Figure 3: registered victims by EU or non-EU citizenship (pie).
Each figure is drawn from a `Release`, so suppressed counts never appear; the footer states
the counting unit and the release policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from haven.statistics._charts import chart_data, label
from haven.statistics._definitions import TOTAL
from haven.statistics._release import Release

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["figure_citizenship", "figure_exploitation", "figure_flows", "figure_sex",
           "figure_trend", "save"]

_COLOURS = ["#1f4e79", "#2e75b6", "#9dc3e6", "#c55a11", "#f4b183", "#548235", "#a9d18e",
            "#7f6000", "#ffd966", "#7030a0", "#bfbfbf"]


def _figure(width: float = 8.0, height: float = 5.0) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _footer(fig: Figure, release: Release, extra: str = "", *, lang: str = "en") -> None:
    """The source line: unit, release policy and release id, in the figure's language."""
    unit = label(release.spec.counting.value, lang)
    policy = release.policy_text(lang)
    text = (f"{label('footer:source', lang)}. {label('footer:unit', lang)}: {unit}. "
            f"{policy[0].upper()}{policy[1:]}. {label('footer:release', lang)} "
            f"{str(release.id)[:8]}. {extra}").strip()
    fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555", wrap=True,
             ha="left", va="bottom")
    # Keep the footer clear of the axes and their tick labels.
    fig.get_layout_engine().set(rect=(0, 0.07, 1, 0.93))  # type: ignore[union-attr, call-arg]


def _pct(share: float | None) -> str:
    if share is None:
        return ""
    return f"{share * 100:.0f} %" if share >= 0.1 else f"{share * 100:.1f} %"


def figure_exploitation(release: Release, *, lang: str = "en") -> Figure:
    """Figure 1: horizontal bars of victims per form, labelled with count and share."""
    data = chart_data(release, lang=lang)
    points = [p for p in data["series"][0]["points"] if p["value"] != 0]
    points.sort(key=lambda p: -(p["value"] if p["value"] is not None else -1))
    fig = _figure()
    ax = fig.add_subplot()
    labels = [p["label"] for p in points][::-1]
    values = [p["value"] or 0 for p in points][::-1]
    bars = ax.barh(labels, values, color=_COLOURS[1])
    for bar, p in zip(bars, points[::-1], strict=True):
        # a hidden bar shows its flag, C (primary) or D (secondary), as the footer explains
        text = p["flag"] if p["value"] is None else f"{p['value']:,}  ({_pct(p['share'])})"
        ax.annotate(text, (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=9)
    ax.set_xlim(0, max(values, default=1) * 1.3 + 1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_xlabel(label("victims", lang))
    ax.set_title(data["title"], fontsize=11, loc="left")
    multi = sum(p["share"] or 0 for p in points) > 1.0001
    _footer(fig, release, label("footer:several", lang) if multi else "", lang=lang)
    return fig


def _pie(release: Release, slices: Sequence[tuple[str, int | None]], title: str, *,
         lang: str = "en") -> Figure:
    import math

    fig = _figure(8.0, 4.8)
    ax = fig.add_subplot()
    shown = [(name, v) for name, v in slices if v]
    total = sum(v for _, v in shown if v)
    hidden = [name for name, v in slices if v is None]
    wedges, _texts = ax.pie([v for _, v in shown], colors=_COLOURS[: len(shown)],
                            startangle=90, counterclock=False,
                            wedgeprops={"width": 0.45, "edgecolor": "white"})
    for wedge, (_name, value) in zip(wedges, shown, strict=True):
        if value / total < 0.04:
            continue  # too thin to label inside: the legend has it
        angle = math.radians((wedge.theta1 + wedge.theta2) / 2)
        ax.text(math.cos(angle) * 0.775, math.sin(angle) * 0.775, _pct(value / total),
                ha="center", va="center", fontsize=9, color="white", weight="bold")
    ax.legend(wedges, [f"{name}: {value:,} ({_pct(value / total)})" for name, value in shown],
              loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False, fontsize=10)
    ax.text(0, 0, f"{total:,}", ha="center", va="center", fontsize=13, weight="bold")
    ax.set_title(title, fontsize=11, loc="left")
    ax.set_aspect("equal")
    _footer(fig, release, f"{label('footer:hidden', lang)}: {', '.join(hidden)}."
            if hidden else "", lang=lang)
    return fig


def figure_sex(release: Release, *, lang: str = "en") -> Figure:
    """Figure 2: victims by sex (and, when the release has it, child or adult)."""
    by = release.dimensions
    slices: list[tuple[str, int | None]] = []
    if by[:2] == ("sex", "age_group"):
        for sex in ("female", "male"):
            for age in ("adult", "child"):
                slices.append((label(f"{sex} {age}", lang), release.values[(sex, age)]))
        for other in ("other", "unknown"):
            slices.append((label(other, lang), release.values[(other, TOTAL)]))
        slices.append((f"{label('unknown', lang)} ({label('age', lang)})",
                       sum(release.values[(s, "unknown")] or 0 for s in ("female", "male"))))
    else:
        slices = [(label(k, lang), release.values[(k,)]) for k in release.keys[0]]
    return _pie(release, slices, chart_data(release, lang=lang)["title"], lang=lang)


def figure_citizenship(release: Release, *, lang: str = "en") -> Figure:
    """Figure 3: victims with and without an EU citizenship."""
    slices = [(label(k, lang), release.values[(k,)]) for k in release.keys[0]]
    return _pie(release, slices, chart_data(release, lang=lang)["title"], lang=lang)


def figure_trend(release: Release, *, lang: str = "en") -> Figure:
    """Victims per year, stacked by the second dimension (e.g. identified and presumed)."""
    data = chart_data(release, lang=lang)
    fig = _figure()
    ax = fig.add_subplot()
    years = [p["label"] for p in data["series"][0]["points"]]
    bottom = [0] * len(years)
    series = [s for s in data["series"] if s["code"] != TOTAL] or data["series"]
    for colour, s in zip(_COLOURS, series, strict=False):
        values = [p["value"] or 0 for p in s["points"]]
        ax.bar(years, values, bottom=bottom, label=s["label"], color=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    for x, total in zip(years, bottom, strict=True):
        ax.annotate(f"{total:,}", (x, total), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=9)
    ax.legend(frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(data["title"], fontsize=11, loc="left")
    _footer(fig, release, lang=lang)
    return fig


def figure_flows(flows: Sequence[dict[str, Any]], release: Release, *, top: int = 15,
                 lang: str = "en") -> Figure:
    """The largest origin-to-destination flows (citizenship to country of exploitation)."""
    rows = sorted(flows, key=lambda f: -f["victims"])[:top][::-1]
    fig = _figure(8.0, max(3.0, 0.35 * len(rows) + 1.5))
    ax = fig.add_subplot()
    names = [f"{r['origin']} → {r['destination']}" for r in rows]
    colours = [_COLOURS[3] if r["origin"] == r["destination"] else _COLOURS[1] for r in rows]
    bars = ax.barh(names, [r["victims"] for r in rows], color=colours)
    for bar, r in zip(bars, rows, strict=True):
        ax.annotate(f"{r['victims']:,}", (bar.get_width(), bar.get_y() + bar.get_height() / 2),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(label("flows:title", lang), fontsize=11, loc="left")
    _footer(fig, release, label("footer:flows", lang), lang=lang)
    return fig


def save(fig: Figure, path: Path, formats: Sequence[str] = ("png", "svg")) -> list[Path]:
    """Write `fig` as PNG and/or SVG next to `path` (its suffix is replaced)."""
    written = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")
        fig.savefig(target, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
        written.append(target)
    return written
