"""The SLA report's arithmetic: a cycle counts once, where it was decided, summed per target
and group; answer times are attached to the group they were ranked in."""

from __future__ import annotations

from datetime import timedelta

from hubdesk.domain.sla.policies import SlaTarget
from hubdesk.domain.sla.report import (
    MET,
    MISSED,
    AnswerTimes,
    Dimension,
    OutcomeCount,
    sla_report,
)

FIRST, RESOLUTION = SlaTarget.FIRST_RESPONSE, SlaTarget.RESOLUTION
MINUTE = timedelta(minutes=1)


def _count(kind, count=1, *, target=FIRST, late=False, answered=True, team=1,
           channel="email", priority="normal"):
    return OutcomeCount(target=target, team_id=team, channel=channel, priority=priority,
                        kind=kind, late=late if kind == MET else True, answered=answered,
                        count=count)


def test_a_missed_deadline_counts_once_whether_answered_later_or_not():
    report = sla_report([
        _count(MET, 2), _count(MISSED, answered=True), _count(MET, late=True),  # one cycle
        _count(MISSED, answered=False)],
        [AnswerTimes(FIRST, Dimension.DESK, None, 45 * MINUTE, 90 * MINUTE)])
    [first] = report.overall
    assert (first.decided, first.met_in_time, first.missed, first.missed_unanswered,
            first.met) == (4, 2, 2, 1, 3)
    assert first.met_share == 0.5
    assert (first.median, first.p90) == (45 * MINUTE, 90 * MINUTE)


def test_an_answer_late_for_a_deadline_of_an_earlier_window_is_timed_but_not_decided():
    [first] = sla_report([_count(MET, late=True)], []).overall
    assert (first.decided, first.met, first.met_share, first.median) == (0, 1, None, None)


def test_figures_per_target_team_channel_and_priority():
    report = sla_report([
        _count(MET, team=2, channel="chat"),
        _count(MISSED, answered=False, team=None, priority="urgent"),
        _count(MET, target=RESOLUTION, team=2, channel="chat")],
        [AnswerTimes(FIRST, Dimension.TEAM, 2, 10 * MINUTE, 10 * MINUTE),
         AnswerTimes(RESOLUTION, Dimension.CHANNEL, "chat", 5 * MINUTE, 7 * MINUTE)])
    assert [row.target for row in report.overall] == [FIRST, RESOLUTION]
    assert [group.key for group in report.teams] == [2, None]  # no team last
    team_first = report.teams[0].targets[0]
    assert (team_first.decided, team_first.median) == (1, 10 * MINUTE)
    [no_team_first] = report.teams[1].targets
    assert (no_team_first.decided, no_team_first.met_share) == (1, 0.0)
    channels = {group.key: group.targets for group in report.channels}
    assert [row.target for row in channels["chat"]] == [FIRST, RESOLUTION]
    assert (channels["chat"][0].median, channels["chat"][1].p90) == (None, 7 * MINUTE)
    assert [group.key for group in report.priorities] == ["urgent", "normal"]


def test_nothing_to_report():
    report = sla_report([], [])
    assert (report.overall, report.teams, report.channels, report.priorities) == (
        (), (), (), ())
