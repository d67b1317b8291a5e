"""Plain-text rendering of a release for the terminal: a cross table or a long list."""

from __future__ import annotations

from haven.statistics._charts import chart_data
from haven.statistics._definitions import TOTAL
from haven.statistics._release import Release

__all__ = ["render_text"]


def _cell(value: int | None) -> str:
    return "c" if value is None else f"{value:,}"


def _name(code: str) -> str:
    return "Total" if code == TOTAL else code


def render_text(release: Release) -> str:
    """The table with a header naming the policy; `c` marks a suppressed cell."""
    head = [chart_data(release)["title"], f"unit: {release.spec.counting.value}; "
            f"{release.policy_text()}", f"release {release.id}", ""]
    dims = release.dimensions
    if len(dims) == 2:
        body = _cross(release)
    else:
        body = [[*(_name(c) for c in key), _cell(value)] for key, value, _ in release.cells()]
        body.insert(0, [*dims, "count"])
    widths = [max(len(row[i]) for row in body) for i in range(len(body[0]))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w)
                       for i, (c, w) in enumerate(zip(row, widths, strict=True))).rstrip()
             for row in body]
    return "\n".join([*head, *lines]) + "\n"


def _cross(release: Release) -> list[list[str]]:
    rows_keys, cols_keys = release.keys
    header = [f"{release.dimensions[0]} \\ {release.dimensions[1]}",
              *(_name(c) for c in (*cols_keys, TOTAL))]
    body = [header]
    for r in (*rows_keys, TOTAL):
        body.append([_name(r), *(_cell(release.values[(r, c)]) for c in (*cols_keys, TOTAL))])
    return body
