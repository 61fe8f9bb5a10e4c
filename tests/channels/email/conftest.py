"""A desk with support addresses, on both databases."""

from __future__ import annotations

import pytest

from hubdesk.bootstrap import Hub, assemble

SUPPORT = "support@desk.test"
BILLING = "billing@desk.test"


@pytest.fixture
def mail_hub(hub: Hub) -> Hub:
    """``hub`` with two support addresses (billing routed to a team made here)."""
    from tests import factories

    billing = factories.team(hub, "Billing")
    settings = hub.settings.model_copy(update={
        "mail_addresses": {SUPPORT: None, BILLING: billing.id}, "mail_rate_limit": 5})
    return assemble(settings, hub.engine)
