"""`hubdesk bench mail` end to end at a toy size: a real SMTP server process, real mail."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubdesk.bench import mail
from hubdesk.bench.imap_server import available
from tests.bench.test_runs import bench_postgres  # noqa: F401 - a fixture

KEYS = {"benchmark", "database", "triage", "messages_per_s", "messages", "connections",
        "small_message_latency_s", "large_attachment_delay_s", "mailboxes", "imap_cycle_s",
        "targets"}


@pytest.mark.usefixtures("bench_postgres")
def test_the_mail_bench_reports_what_it_measured(tmp_path: Path) -> None:
    result = mail.run(db="postgres", messages=30, connections=3, mailboxes=2,
                      log_dir=tmp_path)
    assert set(result) >= KEYS
    assert result["messages"] == 30 and result["messages_per_s"] > 0
    # Measured as a desk runs: every filed message read by triage with the trained model.
    assert result["triage"] is True
    version = result["intent_model"]["version"]
    filed = result["filed_triage"]
    assert filed["sampled_messages"] > 0 and filed["without_triage"] == 0
    assert set(filed["model_versions"]) == {version}
    assert "intent" in filed["stages_ran_on_all"]
    latency = result["small_message_latency_s"]
    assert 0 < latency["alone_median"] <= latency["alone_max"]
    assert 0 < latency["beside_25mb_median"] <= latency["beside_25mb_max"]
    assert result["large_attachment_delay_s"] == pytest.approx(
        max(0.0, latency["beside_25mb_max"] - latency["alone_median"]), abs=0.001)
    if available() is None:
        assert result["mailboxes"] == 2 and result["imap_cycle_s"] > 0
        assert result["imap_messages_fetched"] == 4 and result["imap_mailbox_errors"] == 0
    else:
        assert result["mailboxes"] is None and result["imap_cycle_s"] is None
        assert result["imap_skipped"]
