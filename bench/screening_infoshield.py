"""Run InfoShield (coarse + fine) from a local copy outside this repository.

InfoShield has no licence, so none of its code is in Haven: the caller gives the path of a
checkout and a Python interpreter that has InfoShield's own requirements (it needs NumPy
< 1.24 for `np.int`, pandas, scikit-learn, nltk, python-docx, termcolor, progressbar,
matplotlib, joblib). `screening_infoshield_driver.py` runs it in a scratch directory on a
CSV of `id,text`.
"""

from __future__ import annotations

import csv
import json
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["InfoShieldRun", "run_infoshield"]

DRIVER = Path(__file__).with_name("screening_infoshield_driver.py")


@dataclass
class InfoShieldRun:
    """What InfoShield found: fine templates and coarse clusters by ad id, and its time."""

    labels: dict[str, str]
    coarse_labels: dict[str, int]
    failed: list[dict[str, object]]
    clusters: int
    seconds: float  # wall time of the whole subprocess, start-up included
    inner_seconds: float  # time inside InfoShield (coarse + fine), as it reports it


def run_infoshield(checkout: Path, python: str, ids: Sequence[str], texts: Sequence[str],
                   timeout: float = 7200.0) -> InfoShieldRun:
    """Run InfoShield on the ads; texts are written on one line (its CSV reader needs it)."""
    if not (checkout / "infoshield.py").is_file():
        raise FileNotFoundError(f"no infoshield.py in {checkout}")
    with tempfile.TemporaryDirectory(prefix="infoshield-") as tmp:
        work = Path(tmp)
        data, result = work / "ads.csv", work / "result.json"
        with data.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(["id", "text"])
            for ad_id, text in zip(ids, texts, strict=True):
                writer.writerow([ad_id, " ".join(text.split())])
        start = time.perf_counter()
        done = subprocess.run([python, str(DRIVER), str(checkout), str(data), str(result)],
                              cwd=work, capture_output=True, text=True, timeout=timeout,
                              check=False)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or ["no error output"]
            raise RuntimeError(f"InfoShield failed ({done.returncode}): {tail[0]}")
        got = json.loads(result.read_text(encoding="utf-8"))
    return InfoShieldRun(got["labels"], got["coarse_labels"], got["failed"], got["clusters"],
                         seconds, got["seconds"])
