"""`python -m haven.screening ADS --out DIR`: the screening command on its own."""

import typer

from haven.screening.cli import screen_command

if __name__ == "__main__":
    typer.run(screen_command)
