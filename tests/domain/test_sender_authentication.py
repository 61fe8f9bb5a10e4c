"""Reading the receiving server's verdict on a message's sender (Authentication-Results)."""

from __future__ import annotations

import pytest

from hubdesk.domain.mail_rules import sender_failed_authentication


@pytest.mark.parametrize(("results", "forged"), [
    ("mx.example.com; dmarc=fail (p=reject) header.from=desk.test", True),
    ("mx.example.com; spf=pass smtp.mailfrom=desk.test; dkim=pass; dmarc=pass", False),
    ("mx.example.com; spf=fail smtp.mailfrom=desk.test; dkim=none", True),
    ("mx.example.com; spf=softfail smtp.mailfrom=desk.test", True),
    ("mx.example.com; spf=softfail smtp.mailfrom=relay.test; dkim=pass header.d=desk.test",
     False),
    # DMARC's verdict is the one that judges the From; SPF alone is about the envelope.
    ("mx.example.com; spf=fail smtp.mailfrom=list.test; dkim=pass; dmarc=pass", False),
    ("mx.example.com; spf=fail; dmarc=none", True),
    ("mx.example.com; spf=pass; dmarc=temperror", False),
    ("mx.example.com;\n\tDKIM=Pass header.i=@desk.test;\n\tSPF=SoftFail", False),
    ("mx.example.com; none", False),
    ("", False),
])
def test_the_verdict_of_the_receiving_server_is_read(results, forged):
    signals = {"authentication-results": results} if results else {}
    assert sender_failed_authentication(signals) is forged
