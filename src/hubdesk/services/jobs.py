"""Use cases of background jobs: claiming a periodic tick, pruning what is no longer needed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.domain.clock import ensure_utc, utcnow
from hubdesk.services.ports import BlobStore, DuplicateKey, UnitOfWorkFactory


def claim_tick(uows: UnitOfWorkFactory, name: str, tick_at: datetime, worker: str) -> bool:
    """True if this ``worker`` is the one to run job ``name`` for ``tick_at``.

    Every scheduler enqueues every tick, so a tick reaches several workers; the first claim
    commits, the others meet the primary key and are told no. The claim commits before the
    job runs: a job that then fails is not run again for that tick (the next tick catches up).
    """
    try:
        with uows() as uow:
            uow.jobs.claim(name, ensure_utc(tick_at), utcnow(), worker)
            uow.commit()
    except DuplicateKey:
        return False
    return True


@dataclass(frozen=True)
class Pruned:
    outbox_entries: int
    tick_claims: int


def prune_history(uows: UnitOfWorkFactory, retention: timedelta,
                  now: datetime | None = None) -> Pruned:
    """Delete outbox entries published, and tick claims made, more than ``retention`` ago."""
    before = ensure_utc(now or utcnow()) - retention
    with uows() as uow:
        pruned = Pruned(outbox_entries=uow.jobs.prune_published_outbox(before),
                        tick_claims=uow.jobs.forget_ticks_before(before))
        uow.commit()
    return pruned


def sweep_orphan_files(uows: UnitOfWorkFactory, blobs: BlobStore, grace: timedelta,
                       now: datetime | None = None) -> int:
    """Remove stored files no attachment refers to (left by a reply whose transaction failed
    after its files were written). Files younger than ``grace`` are spared: their message
    may still be committing. Returns how many were removed."""
    with uows(write=False) as uow:
        referenced = uow.tickets.attachment_digests()
    return len(blobs.remove_orphans(referenced, ensure_utc(now or utcnow()) - grace))
