from hubdesk.domain.agents import Role
from tests import factories


def test_open_ticket_on_each_database(hub):
    admin = factories.staff(hub, Role.ADMIN)
    detail = factories.ticket(hub, admin.agent)
    assert detail.ticket.id == 1
