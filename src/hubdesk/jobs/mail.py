"""Mail's periodic work: polling the IMAP mailboxes, filing what was stored but not filed."""

from __future__ import annotations

import logging
from datetime import datetime

from huey import crontab  # type: ignore[import-untyped]

from hubdesk.bootstrap import Hub
from hubdesk.channels.email.imap import poll_all
from hubdesk.jobs.registry import Jobs

log = logging.getLogger("hubdesk.jobs")


def poll_mailboxes(hub: Hub, tick_at: datetime) -> None:
    polls = poll_all(hub.app, max_bytes=hub.settings.mail_max_message_bytes)
    failed = [p.mailbox for p in polls if p.error]
    fetched = sum(p.fetched for p in polls)
    level = logging.INFO if fetched or failed else logging.DEBUG
    log.log(level, "polled mailboxes", extra={"fields": {
        "mailboxes": len(polls), "fetched": fetched,
        "failed_mailboxes": len(failed)}})


def file_pending_mail(hub: Hub, tick_at: datetime) -> None:
    filed = hub.app.mail.process_pending(limit=1000)
    if filed:
        log.info("filed pending mail", extra={"fields": {"messages": len(filed)}})


def register(jobs: Jobs) -> None:
    jobs.periodic("poll-mailboxes", every=crontab(), fn=poll_mailboxes)
    jobs.periodic("file-pending-mail", every=crontab(), fn=file_pending_mail)
