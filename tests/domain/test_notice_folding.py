"""Folding SLA notices: within a window one notice per person and ticket, a breach never
hidden, a new notice after the window."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hubdesk.domain.notice_folding import fold, fold_key, folded_text, folds
from hubdesk.domain.notifications import NoticeKind, Notification

AT = datetime(2026, 6, 1, 9, tzinfo=UTC)
WINDOW = timedelta(minutes=30)


def _incoming(text: str, minutes: float, source: int, *, breach: bool = False) -> Notification:
    return Notification(None, 7, 12, NoticeKind.SLA_STEP, text, AT + timedelta(minutes=minutes),
                        source_event_id=source, breached=breach)


def _stored(folding, number: int = 1) -> Notification:
    return replace(folding.notification, id=number)


def test_the_first_notice_starts_a_fold_of_its_own():
    first = fold(None, _incoming("75 % of the first response time is used", 0, 1))
    assert first is not None and first.new and first.announce
    assert first.notification.fold_key == fold_key(12, 1) == "sla:12:1"
    assert first.notification.count == 1
    assert first.notification.text == "75 % of the first response time is used"


def test_warnings_within_the_window_fold_into_the_unread_notice_quietly():
    notice = _stored(fold(None, _incoming("75 % of the first response time is used", 0, 1)))
    second = fold(notice, _incoming("90 % of the first response time is used", 10, 2), WINDOW)
    assert second is not None and not second.new and not second.announce
    notice = second.notification
    assert (notice.id, notice.count, notice.unread) == (1, 2, True)
    assert notice.text == "2 SLA warnings, the latest: 90 % of the first response time is used"
    assert notice.updated_at == AT + timedelta(minutes=10) == notice.last_at
    assert notice.created_at == AT and notice.source_event_id == 2
    third = fold(notice, _incoming("75 % of the resolution time is used", 29, 3), WINDOW)
    assert third is not None and third.notification.count == 3
    assert third.notification.text == "3 SLA warnings, the latest: 75 % of the resolution " \
                                      "time is used"


def test_a_warning_folded_into_a_read_notice_leaves_it_read():
    notice = replace(_stored(fold(None, _incoming("75 % used", 0, 1))),
                     read_at=AT + timedelta(minutes=1))
    folding = fold(notice, _incoming("90 % used", 5, 2), WINDOW)
    assert folding is not None and not folding.announce
    assert folding.notification.read_at == AT + timedelta(minutes=1)
    assert folding.notification.count == 2 and folding.notification.last_at == AT


def test_a_breach_is_never_hidden():
    notice = replace(_stored(fold(None, _incoming("75 % used", 0, 1))),
                     read_at=AT + timedelta(minutes=1))
    folding = fold(notice, _incoming("The resolution time has run out", 20, 2, breach=True),
                   WINDOW)
    assert folding is not None and not folding.new and folding.announce
    breached = folding.notification
    assert breached.unread and breached.breached and breached.count == 2
    assert breached.last_at == AT + timedelta(minutes=20)
    assert breached.text == "2 SLA notices, the latest: The resolution time has run out"
    # a warning after the breach still says a target has run out
    later = fold(breached, _incoming("90 % of the next response time is used", 25, 3), WINDOW)
    assert later is not None and later.notification.breached
    assert later.notification.text == ("A target has run out; 3 SLA notices, the latest: "
                                       "90 % of the next response time is used")


def test_after_the_window_a_new_notice_starts_the_next_fold():
    notice = _stored(fold(None, _incoming("75 % used", 0, 1)))
    notice = _stored(fold(notice, _incoming("90 % used", 20, 2), WINDOW))
    # the window opens with the fold's first notice and does not slide with later ones
    after = fold(notice, _incoming("75 % of the next response time is used", 30, 3), WINDOW)
    assert after is not None and after.new and after.announce
    assert after.notification.fold_key == "sla:12:2" and after.notification.count == 1
    assert after.notification.text == "75 % of the next response time is used"


def test_an_event_said_already_is_not_folded_twice():
    notice = _stored(fold(None, _incoming("75 % used", 0, 1)))
    assert fold(notice, _incoming("75 % used", 0, 1), WINDOW) is None


def test_an_earlier_event_relayed_late_counts_but_keeps_the_latest_words():
    notice = _stored(fold(None, _incoming("75 % used", 10, 2)))
    notice = _stored(fold(notice, _incoming("90 % used", 20, 3), WINDOW))
    late = fold(notice, _incoming("50 % used", 5, 1), WINDOW)
    assert late is not None
    assert late.notification.text == "3 SLA warnings, the latest: 90 % used"
    assert late.notification.last_at == AT + timedelta(minutes=20)
    assert late.notification.source_event_id == 3


def test_a_zero_window_folds_nothing():
    notice = _stored(fold(None, _incoming("75 % used", 0, 1)))
    again = fold(notice, _incoming("90 % used", 0, 2), timedelta(0))
    assert again is not None and again.new and again.notification.fold_key == "sla:12:2"


def test_only_sla_notices_about_a_ticket_fold():
    assert folds(NoticeKind.SLA_STEP, 12)
    assert not folds(NoticeKind.SLA_STEP, None)
    assert not folds(NoticeKind.HANDOFF, 12) and not folds(NoticeKind.RULE, 12)
    assert folded_text("said", 1, breached=True, latest_breach=True) == "said"
