"""An agent's "Mark difficult" or "Mark abusive" on a customer's message counts for wellbeing
as triage's reading does, on both databases: once, for whoever holds the ticket."""

from __future__ import annotations

import pytest

from hubdesk.bootstrap import assemble, build_intake_tools
from hubdesk.domain.agents import Role
from hubdesk.domain.triage import Verdict
from hubdesk.services.tickets import NewTicket
from tests import factories
from tests.routing_desk import NOW, agent, configure, later, ticket


@pytest.fixture
def desk(hub):
    configure(hub, wellbeing={"difficult_limit": 1})
    return factories.staff(hub, Role.COORDINATOR).agent


def _board(hub, desk, at):
    return {line.row.agent_id: line for line in hub.app.routing.board(desk, now=at)}


def _flag(hub, who, opened, verdict=Verdict.DIFFICULT, value=True, at=later(10)):
    hub.app.triage.correct(who, opened.ticket.id, opened.messages[0].id, verdict, value,
                           now=at)


def test_a_flagged_contact_counts_for_its_holder_and_spares_them_the_next_difficult_one(
        hub, desk):
    strong = agent(hub, desk, {"billing": 5})
    calm = agent(hub, desk, {"billing": 3})
    first = ticket(hub, desk)
    assert first.ticket.assignee_id == strong.agent.id
    assert _board(hub, desk, later(5))[strong.agent.id].difficult_today == 0

    _flag(hub, strong.agent, first)
    _flag(hub, desk, first, Verdict.ABUSIVE, at=later(11))  # the same contact: counted once
    line = _board(hub, desk, later(20))[strong.agent.id]
    assert line.difficult_today == 1 and line.guarded
    state, [flagged, routed] = hub.app.routing.decisions(desk, first.ticket.id)
    assert state.difficult and flagged.mode == "flagged" and flagged.difficult
    assert flagged.agent_id == strong.agent.id and flagged.decision["flagged_by"] == \
        strong.agent.id
    screen = hub.app.tickets.workspace(desk, first.ticket.id)
    assert screen.routing.latest.id == routed.id  # the page still says who it was routed to

    second = ticket(hub, desk, at=later(30))
    hub.app.tickets.assign(desk, second.ticket.id, None, now=later(31))
    _flag(hub, desk, second, at=later(32))  # unassigned: counted when routed
    assert _board(hub, desk, later(33))[calm.agent.id].difficult_today == 0
    decision = hub.app.routing.route(desk, second.ticket.id, now=later(34))
    assert decision.agent_id == calm.agent.id  # the guarded agent is spared
    assert decision.wellbeing_guarded == (strong.agent.id,)
    assert _board(hub, desk, later(35))[calm.agent.id].difficult_today == 1


def test_unflagging_makes_routing_treat_the_ticket_as_calm_again(hub, desk):
    agent(hub, desk, {"billing": 5})
    opened = ticket(hub, desk)
    hub.app.tickets.assign(desk, opened.ticket.id, None, now=later(1))
    _flag(hub, desk, opened, at=later(2))
    _flag(hub, desk, opened, value=False, at=later(3))
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    assert not state.difficult
    decision = hub.app.routing.route(desk, opened.ticket.id, now=later(4))
    assert decision.agent_id is not None
    _, [latest, *_] = hub.app.routing.decisions(desk, opened.ticket.id)
    assert latest.mode == "push" and not latest.difficult


def _difficult_today(hub, desk, at):
    return {agent_id: line.difficult_today for agent_id, line in _board(hub, desk, at).items()}


def test_taking_a_flag_back_takes_its_count_back_once_from_the_holder(hub, desk):
    strong = agent(hub, desk, {"billing": 5})
    opened = ticket(hub, desk)
    assert opened.ticket.assignee_id == strong.agent.id
    _flag(hub, strong.agent, opened)
    assert _difficult_today(hub, desk, later(11))[strong.agent.id] == 1

    _flag(hub, strong.agent, opened, value=False, at=later(12))
    _flag(hub, desk, opened, value=False, at=later(13))  # taken back already: nothing more
    _flag(hub, desk, opened, Verdict.ABUSIVE, value=False, at=later(14))
    line = _board(hub, desk, later(20))[strong.agent.id]
    assert line.difficult_today == 0 and not line.guarded
    state, [unflagged, flagged, routed] = hub.app.routing.decisions(desk, opened.ticket.id)
    assert not state.difficult
    assert unflagged.mode == "unflagged" and unflagged.agent_id is None
    assert unflagged.decision["uncounted"] == [{"decision_id": flagged.id,
                                                "agent_id": strong.agent.id}]
    assert unflagged.decision["unflagged_by"] == strong.agent.id
    assert not flagged.difficult and routed.mode == "push" and not routed.difficult
    screen = hub.app.tickets.workspace(desk, opened.ticket.id)
    assert screen.routing.latest.id == routed.id

    _flag(hub, desk, opened, at=later(30))  # flagged again: counted again, once
    assert _difficult_today(hub, desk, later(31))[strong.agent.id] == 1


def test_the_count_is_taken_back_from_everyone_the_flag_charged(hub, desk):
    strong = agent(hub, desk, {"billing": 5})
    calm = agent(hub, desk, {"billing": 3})
    held = ticket(hub, desk)
    flagged = ticket(hub, desk, at=later(1))
    assert (held.ticket.assignee_id, flagged.ticket.assignee_id) == (strong.agent.id,) * 2
    hub.app.tickets.assign(desk, flagged.ticket.id, None, now=later(2))
    _flag(hub, desk, flagged, at=later(3))
    hub.app.routing.route(desk, flagged.ticket.id, now=later(4))  # routed as difficult
    hub.app.tickets.assign(desk, flagged.ticket.id, calm.agent.id, now=later(5))
    hub.app.tickets.assign(desk, flagged.ticket.id, strong.agent.id, now=later(6))
    # strong was routed it and given it back by hand: both count, as calm's hand assignment
    assert _difficult_today(hub, desk, later(7)) == {strong.agent.id: 2, calm.agent.id: 1}

    _flag(hub, desk, flagged, value=False, at=later(8))
    assert _difficult_today(hub, desk, later(9)) == {strong.agent.id: 0, calm.agent.id: 0}
    _, [unflagged, by_hand_back, by_hand, routed, arrival] = hub.app.routing.decisions(
        desk, flagged.ticket.id)
    assert [d.mode for d in (by_hand_back, by_hand, routed, arrival)] == \
        ["manual", "manual", "push", "push"]
    assert unflagged.decision["uncounted"] == [
        {"decision_id": routed.id, "agent_id": strong.agent.id},
        {"decision_id": by_hand.id, "agent_id": calm.agent.id},
        {"decision_id": by_hand_back.id, "agent_id": strong.agent.id}]
    earlier = [by_hand_back, by_hand, routed, arrival]
    assert not any(d.difficult for d in earlier)
    _flag(hub, desk, flagged, value=False, at=later(10))
    _, again = hub.app.routing.decisions(desk, flagged.ticket.id)
    assert [d.mode for d in again].count("unflagged") == 1


def test_a_contact_still_flagged_abusive_stays_counted_when_difficult_is_taken_back(hub,
                                                                                   desk):
    strong = agent(hub, desk, {"billing": 5})
    opened = ticket(hub, desk)
    _flag(hub, desk, opened, at=later(1))
    _flag(hub, desk, opened, Verdict.ABUSIVE, at=later(2))
    _flag(hub, desk, opened, value=False, at=later(3))
    assert _difficult_today(hub, desk, later(4))[strong.agent.id] == 1
    state, _ = hub.app.routing.decisions(desk, opened.ticket.id)
    assert state.difficult
    _flag(hub, desk, opened, Verdict.ABUSIVE, value=False, at=later(5))
    assert _difficult_today(hub, desk, later(6))[strong.agent.id] == 0


def test_correcting_triages_reading_of_an_angry_customer_takes_the_count_back(hub, desk):
    strong = agent(hub, desk, {"billing": 5})
    triaged = assemble(hub.settings, hub.engine, intake=build_intake_tools(hub.settings))
    detail, _ = triaged.app.tickets.open(desk, NewTicket(
        subject="Charged twice", category="billing", requester_email="angry@example.com",
        body="This is the THIRD TIME I AM WRITING!!! Absolutely unacceptable, "
             "I will cancel my account and talk to my lawyer."), now=NOW)
    assert detail.ticket.assignee_id == strong.agent.id
    assert _difficult_today(hub, desk, later(1))[strong.agent.id] == 1  # triage's reading

    _flag(hub, desk, detail, value=False, at=later(2))
    assert _difficult_today(hub, desk, later(3))[strong.agent.id] == 0
    state, [unflagged, routed] = hub.app.routing.decisions(desk, detail.ticket.id)
    assert not state.difficult and unflagged.decision["uncounted"] == [
        {"decision_id": routed.id, "agent_id": strong.agent.id}]


def test_taking_back_one_message_while_another_still_reads_difficult_counts_nothing_new(
        hub, desk):
    strong = agent(hub, desk, {"billing": 5})
    triaged = assemble(hub.settings, hub.engine, intake=build_intake_tools(hub.settings))
    opened = ticket(hub, desk)  # read as calm: routed as a calm contact
    angry = triaged.app.tickets.customer_wrote(
        opened.ticket.id, "This is the THIRD TIME I AM WRITING!!! Absolutely unacceptable, "
        "I will cancel my account and talk to my lawyer.", now=later(5))
    assert angry.triage["signals"]["difficult_contact"]
    _flag(hub, desk, opened, value=False, at=later(8))  # the first message: not difficult
    assert _difficult_today(hub, desk, later(9))[strong.agent.id] == 0
    state, decisions = hub.app.routing.decisions(desk, opened.ticket.id)
    assert not (state and state.difficult) and [d.mode for d in decisions] == ["push"]
