"""Refusals beside the field they name, on both databases: the new-ticket form, the macros
page and the ticket page's forms each keep one summary at the top (the alert a screen
reader meets first) and put the message under the field, which points at it."""

from __future__ import annotations

import html
import re

import pytest

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import post_form, sign_in


def beside(page: str, field_id: str) -> str:
    """The message under the field ``field_id``, checking that the field points at it."""
    marker = f'<p class="field-error" id="{field_id}-error">'
    assert marker in page, f"no error beside {field_id}"
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true" aria-describedby="'
                     rf'[^"]*{field_id}-error"', page), f"{field_id} does not point at it"
    return html.unescape(page.split(marker, 1)[1].split("</p>", 1)[0])


def summary(page: str) -> str:
    found = re.search(r'<p class="flash flash-error" role="alert"[^>]*>(.*?)</p>', page, re.S)
    assert found, "no summary at the top"
    return html.unescape(found.group(1))


@pytest.fixture
def lead(hub, client):
    team = factories.team(hub, "Front")
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(team,), with_password=True)
    sign_in(client, lead.agent)
    return {"agent": lead.agent, "team": team}


def test_the_new_ticket_form_names_each_missing_field(lead, client):
    nobody = post_form(client, "/tickets/new", {"contact": "phone", "subject": "Refund",
                                                "body": "Wants it back"}, page="/tickets/new")
    assert nobody.status_code == 422
    assert "e-mail address" in beside(nobody.text, "nt-email")
    assert summary(nobody.text).startswith("The ticket was not opened: ")
    empty = post_form(client, "/tickets/new", {"contact": "phone", "email": "a@example.com",
                                               "subject": " ", "body": ""},
                      page="/tickets/new")
    assert beside(empty.text, "nt-subject") == beside(empty.text, "nt-body") == \
        "a ticket needs a subject and what the customer said"
    bad = post_form(client, "/tickets/new", {"contact": "phone", "email": "not-an-address",
                                             "subject": "Refund", "body": "Wants it back"},
                    page="/tickets/new")
    assert beside(bad.text, "nt-email") == "'not-an-address' is not an e-mail address"
    assert 'value="Refund"' in bad.text  # what was typed stays


def test_the_macros_page_puts_the_refusal_under_its_field(lead, client):
    placeholder = post_form(client, "/macros", {"name": "Oops", "body": "Hi {{customer.age}}",
                                                "team_id": str(lead["team"].id)},
                            page="/macros")
    assert placeholder.status_code == 422
    assert "unknown placeholder" in beside(placeholder.text, "macro-body")
    assert "unknown placeholder" in summary(placeholder.text)
    assert 'id="macro-name-error"' not in placeholder.text
    tag = post_form(client, "/macros", {"name": "Tagged", "body": "Hello",
                                        "team_id": str(lead["team"].id),
                                        "add_tags": "x" * 81}, page="/macros")
    assert "is not valid" in beside(tag.text, "macro-tags")


def test_the_ticket_pages_forms_put_the_refusal_under_their_field(lead, client, hub):
    ticket = factories.ticket(hub, lead["agent"], team_id=lead["team"].id).ticket
    path = f"/tickets/{ticket.id}"
    empty = post_form(client, f"{path}/reply", {"body": "  ", "visibility": "internal"},
                      page=path)
    assert empty.status_code == 422
    assert beside(empty.text, "body") == "the message is empty: write something or attach " \
                                         "a file"
    assert summary(empty.text) == "the message is empty: write something or attach a file"
    tags = post_form(client, f"{path}/update", {"was_tags": "", "tags": "x" * 81}, page=path)
    assert "is not valid" in beside(tags.text, "tags")
    assert 'aria-describedby="tags-hint tags-error"' in tags.text  # the hint stays too
    itself = post_form(client, f"{path}/merge-into", {"target": str(ticket.id)}, page=path)
    assert beside(itself.text, "merge-target") == "a ticket cannot be merged into itself"
    reason = post_form(client, f"{path}/escalate", {"reason": ""}, page=path)
    assert reason.status_code == 422 and beside(reason.text, "escalate-reason")
    assert 'id="block-reason-error"' not in reason.text


def test_a_block_without_a_reason_is_named_beside_the_reason(hub, client):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    ticket = factories.ticket(hub, coordinator).ticket
    sign_in(client, coordinator)
    path = f"/tickets/{ticket.id}"
    refused = post_form(client, f"{path}/block", {"reason": "  "}, page=path)
    assert refused.status_code == 422
    assert beside(refused.text, "block-reason") == \
        "say why the sender is blocked: colleagues will read it"
    assert 'id="escalate-reason-error"' not in refused.text  # the other "reason" is left
