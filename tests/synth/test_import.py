"""The registry files import through `haven import`'s code path, and hash seeds do not matter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from haven.config import Settings
from haven.registry import AdminScope, Registry, Scope, detect_kind, import_file
from haven.synth import generate_registry, write_registry_files

_SCRIPT = """
import hashlib, sys, tempfile, pathlib
from haven.synth import generate_registry, write_linkage_csv, write_registry_files
reg = generate_registry(120, seed=8)
out = pathlib.Path(tempfile.mkdtemp())
paths = write_registry_files(reg, out) + [write_linkage_csv(reg, out / "l.csv", with_truth=True)]
print(hashlib.sha256(b"".join(p.read_bytes() for p in paths)).hexdigest())
"""


def test_output_does_not_depend_on_hash_randomisation() -> None:
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, check=True,
                                capture_output=True, text=True)
        digests.add(result.stdout.strip())
    assert len(digests) == 1


def test_registry_files_import_cleanly(tmp_path: Path) -> None:
    data = generate_registry(80, seed=12)
    paths = write_registry_files(data, tmp_path / "files")
    registry = Registry.open(Settings(home=tmp_path / "home"), initialise=True, demo_key=True)
    try:
        orgs = {o.code: registry.create_organisation(AdminScope("test"), o)
                for o in data.organisations}
        order = {"victim": 0, "suspect": 1, "case": 2}
        files = sorted((p for p in paths if p.name != "organisations.csv"),
                       key=lambda p: (p.name.split(".")[0], order[detect_kind(p) or "case"]))
        for path in files:
            kind = detect_kind(path)
            assert kind is not None
            scope = Scope("test", orgs[path.name.split(".")[0]].id)
            report = import_file(registry, scope, path, kind)
            assert report.written, [str(p) for p in report.problems[:3]]
            assert report.created == report.rows
    finally:
        registry.close()
