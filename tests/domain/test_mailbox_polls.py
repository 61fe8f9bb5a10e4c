"""Where a mailbox's poll starts and what it files: pure rules over UIDs."""

from __future__ import annotations

from hubdesk.domain.mail import advance, numbering_to_keep, resume_from, split_first_poll


def test_a_first_poll_files_the_unread_and_leaves_the_read() -> None:
    assert split_first_poll([3, 5, 8, 9], {5, 9, 12}) == ([5, 9], [3, 8])


def test_a_first_poll_that_failed_to_fetch_stays_a_first_poll() -> None:
    assert numbering_to_keep(True, 77, [5]) is None
    assert numbering_to_keep(True, 77, []) == 77
    assert numbering_to_keep(False, 77, [5]) == 77  # later polls hold the mark instead


def test_a_renumbered_mailbox_is_read_again_and_the_mark_holds_below_a_failure() -> None:
    assert resume_from(77, 40, 77) == 40 and resume_from(77, 40, 78) == 0
    assert advance(0, [3, 5, 8], [6]) == 5 and advance(10, [], []) == 10
