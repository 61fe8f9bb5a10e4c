"""A desk with support addresses, on both databases."""

from __future__ import annotations

import pytest

from hubdesk.bootstrap import Hub, assemble
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.views import TicketDetail

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


def filed_ticket(hub: Hub, message_id: str) -> TicketDetail:
    """The ticket the message with ``message_id`` was filed on, as the operator sees it."""
    with hub.uows(write=False) as uow:
        ticket_id = uow.mail.ticket_for_message_ids((message_id,))
    assert ticket_id is not None
    return hub.app.tickets.get(LOCAL_OPERATOR, ticket_id)
