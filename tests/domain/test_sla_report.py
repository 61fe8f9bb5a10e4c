"""The SLA report's arithmetic: a cycle counts once, where it was decided; times to answer are
the business time the clock ran, for every cycle met in the window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hubdesk.domain.sla.policies import SlaTarget
from hubdesk.domain.sla.report import MET, MISSED, CycleMark, sla_report

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
FIRST, RESOLUTION = SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION


def _mark(kind, *, target=FIRST, minutes=None, late=False, answered=True, team=1,
          channel="email", priority="normal"):
    return CycleMark(target=target, kind=kind, at=AT, team_id=team, channel=channel,
                     priority=priority, late=late if kind == MET else True,
                     business_time=timedelta(minutes=minutes) if minutes is not None else None,
                     answered=answered)


def test_a_missed_deadline_counts_once_whether_answered_later_or_not():
    report = sla_report([
        _mark(MET, minutes=30), _mark(MET, minutes=45),
        _mark(MISSED, answered=True), _mark(MET, minutes=90, late=True),  # the same cycle
        _mark(MISSED, answered=False)])
    [first] = report.overall
    assert (first.decided, first.met_in_time, first.missed, first.missed_unanswered,
            first.met) == (4, 2, 2, 1, 3)
    assert first.met_share == 0.5
    assert (first.median, first.p90) == (timedelta(minutes=45), timedelta(minutes=90))


def test_an_answer_late_for_a_deadline_of_an_earlier_window_is_timed_but_not_decided():
    [first] = sla_report([_mark(MET, minutes=200, late=True)]).overall
    assert (first.decided, first.met, first.met_share) == (0, 1, None)
    assert first.median == timedelta(minutes=200)


def test_figures_per_target_team_channel_and_priority():
    report = sla_report([
        _mark(MET, minutes=10, team=2, channel="chat"),
        _mark(MISSED, answered=False, team=None, priority="urgent"),
        _mark(MET, target=RESOLUTION, minutes=300, team=2, channel="chat")])
    assert [row.target for row in report.overall] == [FIRST, RESOLUTION]
    assert [group.key for group in report.teams] == [2, None]  # no team last
    [no_team_first] = report.teams[1].targets
    assert (no_team_first.decided, no_team_first.met_share) == (1, 0.0)
    assert {group.key: [row.target for row in group.targets]
            for group in report.channels} == {"chat": [FIRST, RESOLUTION], "email": [FIRST]}
    assert [group.key for group in report.priorities] == ["normal", "urgent"]


def test_nothing_to_report():
    report = sla_report([])
    assert (report.overall, report.teams, report.channels, report.priorities) == (
        (), (), (), ())
