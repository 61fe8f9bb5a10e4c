"""Retries with the same Idempotency-Key return the first ticket, even when they race."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict
from hubdesk.services.tickets import NewTicket, list_tickets, open_ticket
from hubdesk.services.views import TicketFilter
from tests import factories

REQUEST = NewTicket(subject="Locked out", body="I cannot sign in",
                    requester_email="locked@example.com")


def test_sequential_retry_returns_the_same_ticket(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    first, created = open_ticket(hub.uows, admin, REQUEST, idempotency_key="k-1")
    again, created_again = open_ticket(hub.uows, admin, REQUEST, idempotency_key="k-1")
    assert (created, created_again) == (True, False)
    assert again.ticket.id == first.ticket.id


def test_reusing_a_key_for_a_different_request_is_refused(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    open_ticket(hub.uows, admin, REQUEST, idempotency_key="k-2")
    other = NewTicket(subject="Other", body="b", requester_email="locked@example.com")
    with pytest.raises(Conflict, match="Idempotency-Key"):
        open_ticket(hub.uows, admin, other, idempotency_key="k-2")


def test_keys_belong_to_their_agent(hub):
    one = factories.staff(hub, Role.ADMIN).agent
    two = factories.staff(hub, Role.ADMIN).agent
    a, _ = open_ticket(hub.uows, one, REQUEST, idempotency_key="shared")
    b, _ = open_ticket(hub.uows, two, REQUEST, idempotency_key="shared")
    assert a.ticket.id != b.ticket.id


def test_concurrent_duplicates_create_exactly_one_ticket(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    clients = 8
    barrier = threading.Barrier(clients)

    def attempt(_: int) -> tuple[int, bool]:
        barrier.wait()
        detail, created = open_ticket(hub.uows, admin, REQUEST, idempotency_key="race")
        return detail.ticket.id, created

    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(attempt, range(clients)))
    assert len({ticket_id for ticket_id, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    page = list_tickets(hub.uows, admin, TicketFilter())
    assert len(page.rows) == 1


def test_simultaneous_first_contacts_of_a_new_customer_both_become_tickets(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    clients = 6
    barrier = threading.Barrier(clients)

    def attempt(i: int) -> int:
        barrier.wait()
        detail, created = open_ticket(hub.uows, admin, NewTicket(
            subject=f"Question {i}", body="Hello", requester_email="brand.new@example.com"))
        assert created
        return detail.requester.id

    with ThreadPoolExecutor(clients) as pool:
        requesters = list(pool.map(attempt, range(clients)))
    assert len(set(requesters)) == 1
    assert len(list_tickets(hub.uows, admin, TicketFilter()).rows) == clients
