"""`python -m haven.linkage` runs the `haven link` commands."""

from haven.linkage.cli import link_app

if __name__ == "__main__":
    link_app(prog_name="haven link")
