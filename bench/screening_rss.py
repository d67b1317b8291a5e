"""Peak resident memory of a process and all its descendants, sampled from /proc (Linux)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

__all__ = ["TreeMemory"]


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return out


def _rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeMemory:
    """Samples the summed RSS of `pid` and its descendants every `interval` seconds."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_kib = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            todo, total, seen = [self.pid], 0, set()
            while todo:
                pid = todo.pop()
                if pid in seen:
                    continue
                seen.add(pid)
                total += _rss_kib(pid)
                todo += _children(pid)
            self.peak_kib = max(self.peak_kib, total)
            time.sleep(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_gib(self) -> float:
        """Peak summed RSS in GiB."""
        return self.peak_kib / 1024 / 1024
