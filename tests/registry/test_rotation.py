"""Data-key rotation: identities re-encrypted, the old key retired, the audit chain intact."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from sqlalchemy import select

from factories import victim
from haven.config import Settings
from haven.exceptions import DataKeyError
from haven.registry import KeyRing, Registry, Scope
from haven.registry._crypto import write_key_file
from haven.registry._stores import identity_associated
from haven.registry._tables import AuditEntryRow, IdentityRow


def _fill(registry: Registry, scope: Scope, n: int = 5) -> dict[str, bytes]:
    with registry.transaction(scope) as tx:
        for i in range(n):
            tx.victims.create(victim(external_id=f"V-{i}"))
    with registry.session() as session:
        return {str(r.record_id): r.ciphertext for r in session.scalars(select(IdentityRow))}


def _names(registry: Registry, scope: Scope) -> list[str]:
    with registry.transaction(scope) as tx:
        return sorted(str(tx.victims.get_detail(v.id).identifying.family_name)  # type: ignore[union-attr]
                      for v in tx.victims.page(limit=100).items)


def test_rotation_reencrypts_and_retires_the_old_key(registry: Registry, scope: Scope,
                                                     settings: Settings) -> None:
    before = _fill(registry, scope)
    old_id = registry.keys.key_id
    key_file = settings.resolved_key_file

    report = registry.rotate_key(key_file, actor="cli:test")

    assert (report.old_key_ids, report.reencrypted, report.resumed) == ([old_id], 5, False)
    assert registry.key_usage() == {report.new_key_id: 5}
    assert _names(registry, scope) == ["Zăvoianu"] * 5
    assert registry.verify_audit().entries > 5  # old entries verify with the retired subkey
    lines = key_file.read_text(encoding="ascii").split()
    assert len(lines) == 2 and lines[1].startswith(f"audit:{old_id}:")
    assert key_file.stat().st_mode & 0o777 == 0o600
    # What a backup made before the rotation holds cannot be read with the new key file.
    reopened = KeyRing.from_file(key_file)
    record_id, blob = next(iter(before.items()))
    with pytest.raises(DataKeyError, match="retired key"):
        reopened.decrypt(blob, identity_associated("victim", uuid.UUID(record_id)))
    fresh = Registry.open(settings)
    assert _names(fresh, scope) == ["Zăvoianu"] * 5
    assert fresh.verify_audit().entries == registry.verify_audit().entries
    with fresh.session() as session:
        entry = session.scalars(select(AuditEntryRow).where(
            AuditEntryRow.action == "key_rotate")).one()
    assert entry.key_id == report.new_key_id and old_id in entry.detail
    fresh.close()

    # A second rotation keeps both retired audit subkeys: the whole chain still verifies.
    second = registry.rotate_key(key_file, actor="cli:test")
    assert len(KeyRing.from_file(key_file).retired_key_ids) == 2
    again = Registry.open(settings)
    assert again.verify_audit().entries == registry.verify_audit().entries
    again.close()
    assert registry.key_usage() == {second.new_key_id: 5}


def test_a_process_with_the_old_key_stops_writing(registry: Registry, scope: Scope,
                                                  settings: Settings) -> None:
    _fill(registry, scope, 2)
    stale = Registry.open(settings)  # e.g. a web server started before the rotation
    registry.rotate_key(settings.resolved_key_file, actor="cli:test")
    with pytest.raises(DataKeyError, match="restart Haven"), stale.transaction(scope) as tx:
        tx.victims.create(victim(external_id="V-LATE"))
    stale.close()
    with registry.transaction(scope) as tx:
        assert tx.victims.find("V-LATE") is None
    assert registry.key_usage() == {registry.keys.key_id: 2}


def test_an_interrupted_rotation_finishes_when_run_again(registry: Registry, scope: Scope,
                                                         settings: Settings) -> None:
    _fill(registry, scope, 3)
    old_id = registry.keys.key_id
    key_file = settings.resolved_key_file
    write_key_file(key_file, registry.keys.rotated())  # step 1 done, then the power went out
    resumed = Registry.open(settings)
    assert resumed.keys.older_key_ids == [old_id]
    assert _names(resumed, scope) == ["Zăvoianu"] * 3  # both keys read meanwhile
    report = resumed.rotate_key(key_file, actor="cli:test")
    assert report.resumed and report.reencrypted == 3 and report.old_key_ids == [old_id]
    assert resumed.key_usage() == {report.new_key_id: 3}
    assert resumed.verify_audit().entries > 3
    resumed.close()


@pytest.mark.parametrize("settings", ["sqlite"], indirect=True)
def test_the_cli_rotates_and_reports(registry: Registry, scope: Scope,
                                     settings: Settings) -> None:
    _fill(registry, scope, 2)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
    env["HAVEN_HOME"] = str(settings.home)

    def haven(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", "from haven.cli import main; main()",
                               *args], capture_output=True, text=True, env=env, input=stdin,
                              timeout=120, check=False)

    assert haven("key", "rotate", stdin="n\n").returncode == 1
    done = haven("key", "rotate", "--yes")
    assert done.returncode == 0, done.stderr
    assert "2 identities re-encrypted" in done.stderr
    status = haven("key", "status").stdout.splitlines()
    kinds = [line.split("\t")[0] for line in status]
    assert kinds == ["current", "retired", "identities"]
    assert status[2].split("\t")[1:] == [status[0].split("\t")[1], "2"]
    assert haven("audit", "verify").returncode == 0
    env["HAVEN_DATA_KEY"] = "AAAA"
    assert haven("key", "rotate", "--yes").returncode == 1
