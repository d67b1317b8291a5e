"""Data-key rotation throughput against the cryptographic floor, on SQLite and PostgreSQL.

Each run imports the same synthetic victims (with identities) into a fresh database, not
timed, then times `Registry.rotate_key`: two atomic key-file rewrites, every identity read,
decrypted, encrypted under the new key and written back in batches of 1,000, the locked
straggler pass and the audit entry. The floor is the same decrypt-and-encrypt of the same
ciphertexts in memory (AES-256-GCM through `cryptography`), with no database at all.

    .venv/bin/python bench/bench_keys.py --rows 5000 --repeat 3
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_registry import _database, bench_main, imported
from haven.registry._stores import identity_associated
from haven.registry._tables import IdentityRow


def _run(backend: str, path: Path) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory() as home:
        settings, drop = _database(backend, Path(home))
        try:
            registry, _ = imported(settings, path)
            with registry.session() as session:
                rows = [(r.record_kind, r.record_id, r.ciphertext)
                        for r in session.scalars(select(IdentityRow))]
            ring, new = registry.keys, registry.keys.rotated()
            start = time.perf_counter()
            for kind, record_id, blob in rows:
                associated = identity_associated(kind, record_id)
                new.encrypt(ring.decrypt(blob, associated), associated)
            floor = time.perf_counter() - start
            start = time.perf_counter()
            report = registry.rotate_key(settings.resolved_key_file, actor="bench")
            seconds = time.perf_counter() - start
            if report.reencrypted != len(rows):
                raise SystemExit(f"re-encrypted {report.reencrypted} of {len(rows)}")
            registry.close()
        finally:
            drop()
    return seconds, floor, len(rows)


def main() -> None:
    bench_main(__doc__ or "", ["backend", "rotation, identities/s", "crypto floor, identities/s",
                               "rotation / floor time"], _run,
               lambda _, rows, m: [f"{m[2] / m[0]:,.0f}", f"{m[2] / m[1]:,.0f}",
                                   f"{m[0] / m[1]:.1f}x"])


if __name__ == "__main__":
    main()
