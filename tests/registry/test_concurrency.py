"""Concurrent updates of one record: exactly one wins, the others get Conflict, nothing is lost."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from factories import victim
from haven.exceptions import Conflict
from haven.registry import Registry, Scope
from haven.standard import VictimUpdate

WRITERS = 4
ROUNDS = 8


def test_concurrent_updates_one_winner_per_round(registry: Registry, scope: Scope) -> None:
    with registry.transaction(scope) as tx:
        record = tx.victims.create(victim(age_at_registration=None, identifying=None))
    barrier = threading.Barrier(WRITERS)

    def age(writer: int, version: int) -> int:
        return 20 + version * WRITERS + writer  # every write a real change

    def write(writer: int, version: int) -> str:
        barrier.wait()  # all writers hold the same version and go at once
        try:
            with registry.transaction(scope) as tx:
                tx.victims.update(record.id, VictimUpdate(
                    version=version, age_at_registration=age(writer, version)))
        except Conflict:
            return "conflict"
        return f"won:{writer}"

    winners = []
    with ThreadPoolExecutor(WRITERS) as pool:
        for round_ in range(ROUNDS):
            version = round_ + 1
            outcomes = list(pool.map(write, range(WRITERS), [version] * WRITERS))
            won = [o for o in outcomes if o.startswith("won")]
            assert len(won) == 1, outcomes
            assert outcomes.count("conflict") == WRITERS - 1
            winners.append(int(won[0].split(":")[1]))
    with registry.transaction(scope) as tx:
        final = tx.victims.get(record.id)
    assert final.version == ROUNDS + 1
    assert final.age_at_registration == age(winners[-1], ROUNDS)  # the last write is there
    registry.verify_audit()  # concurrent appenders kept the chain intact
