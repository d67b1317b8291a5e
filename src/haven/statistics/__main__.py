"""`python -m haven.statistics`: the `haven stats` commands, until the main CLI mounts them."""

from haven.statistics.cli import stats_app

stats_app(prog_name="haven stats")
