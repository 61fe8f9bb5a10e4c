"""Files of attachments: a refused reply writes none, and files no attachment refers to are
swept once they are old enough not to belong to a reply still committing."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound
from hubdesk.services.tickets import NewAttachment
from tests import factories


def _stored_files(hub) -> set[str]:
    root = hub.blobs.root
    return {p.name for p in root.glob("??/??/*")} if root.exists() else set()


def _age(hub, digest: str, days: int) -> None:
    path = next(hub.blobs.root.glob(f"??/??/{digest}"))
    past = (utcnow() - timedelta(days=days)).timestamp()
    os.utime(path, (past, past))


def test_a_refused_reply_leaves_no_file_behind(hub):
    team, other = factories.team(hub), factories.team(hub)
    outsider = factories.staff(hub, Role.REPRESENTATIVE, teams=(other,)).agent
    ticket = factories.ticket(hub, factories.staff(hub, teams=(team,)).agent, team_id=team.id)
    with pytest.raises(NotFound):
        hub.app.tickets.reply(outsider, ticket.ticket.id, "see attached", attachments=[
            NewAttachment("big.bin", "application/octet-stream", b"x" * 4096)])
    assert _stored_files(hub) == set()


def test_orphans_are_swept_after_the_grace_period_and_attachments_kept(hub):
    team = factories.team(hub)
    rep = factories.staff(hub, teams=(team,))
    ticket = factories.ticket(hub, rep.agent, team_id=team.id)
    message = hub.app.tickets.reply(rep.agent, ticket.ticket.id, "the label", attachments=[
        NewAttachment("label.pdf", "application/pdf", b"%PDF-label")])
    kept = message.attachments[0].sha256
    old_orphan = hub.blobs.put(b"left by a failed transaction")
    young_orphan = hub.blobs.put(b"a reply still committing")
    _age(hub, kept, days=3)
    _age(hub, old_orphan, days=3)

    removed = hub.app.jobs.sweep_orphan_files(timedelta(days=1))

    assert removed == 1
    assert _stored_files(hub) == {kept, young_orphan}
    assert hub.app.tickets.attachment(rep.agent, message.attachments[0].id or 0)[1] \
        == b"%PDF-label"
