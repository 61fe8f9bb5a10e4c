"""Who may change whose account, and how failed sign-ins slow the next ones down."""

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.errors import PermissionDenied, TooManyAttempts
from hubdesk.domain.permissions import check_account_change, check_may_sign_out
from hubdesk.domain.throttling import FailureCount, ThrottlePolicy

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _agent(agent_id: int, role: Role) -> Agent:
    return Agent(id=agent_id, email=f"a{agent_id}@x.test", name=f"A{agent_id}", role=role)


@pytest.mark.parametrize("field", ["password", "email", "active"])
@pytest.mark.parametrize(("actor", "target"), [
    (Role.MANAGER, Role.ADMIN), (Role.MANAGER, Role.MANAGER),
    (Role.COORDINATOR, Role.MANAGER), (Role.TEAM_LEAD, Role.TEAM_LEAD),
    (Role.REPRESENTATIVE, Role.LIAISON)])
def test_no_one_but_an_administrator_changes_the_credentials_of_an_equal_or_higher(
        actor, target, field):
    with pytest.raises(PermissionDenied, match=field):
        check_account_change(_agent(1, actor), _agent(2, target), frozenset({field}))


@pytest.mark.parametrize(("actor", "target"), [
    (Role.ADMIN, Role.ADMIN), (Role.MANAGER, Role.COORDINATOR),
    (Role.MANAGER, Role.REPRESENTATIVE), (Role.COORDINATOR, Role.TEAM_LEAD)])
def test_administrators_and_higher_ranks_may(actor, target):
    check_account_change(_agent(1, actor), _agent(2, target),
                         frozenset({"password", "email", "active"}))


@pytest.mark.parametrize(("actor", "target", "allowed"), [
    (Role.ADMIN, Role.ADMIN, True), (Role.ADMIN, Role.REPRESENTATIVE, True),
    (Role.MANAGER, Role.COORDINATOR, True), (Role.MANAGER, Role.REPRESENTATIVE, True),
    (Role.MANAGER, Role.MANAGER, False), (Role.MANAGER, Role.ADMIN, False),
    # Outranking is not enough without the right to edit agents at all.
    (Role.COORDINATOR, Role.REPRESENTATIVE, False), (Role.TEAM_LEAD, Role.REPRESENTATIVE, False),
    (Role.REPRESENTATIVE, Role.REPRESENTATIVE, False)])
def test_who_may_sign_someone_else_out_everywhere(actor, target, allowed):
    if allowed:
        check_may_sign_out(_agent(1, actor), _agent(2, target))
    else:
        with pytest.raises(PermissionDenied):
            check_may_sign_out(_agent(1, actor), _agent(2, target))


def test_anyone_may_sign_themselves_out_everywhere():
    for role in Role:
        check_may_sign_out(_agent(1, role), _agent(1, role))


def test_other_fields_are_not_account_fields():
    check_account_change(_agent(1, Role.MANAGER), _agent(2, Role.ADMIN),
                         frozenset({"name", "skills", "languages"}))


def test_ones_own_password_needs_the_current_one_even_for_an_administrator():
    admin = _agent(1, Role.ADMIN)
    with pytest.raises(PermissionDenied, match="current one"):
        check_account_change(admin, admin, frozenset({"password"}))
    check_account_change(admin, admin, frozenset({"password"}), current_password_checked=True)
    check_account_change(admin, admin, frozenset({"email"}))


POLICY = ThrottlePolicy(free_account_failures=5, free_address_failures=20,
                        first_delay=timedelta(seconds=30), max_lock=timedelta(minutes=15))


def _failures(count: int, seconds_ago: float = 0) -> FailureCount:
    return FailureCount(count, NOW - timedelta(seconds=seconds_ago) if count else None)


def test_free_failures_cost_nothing_then_each_one_doubles_the_wait():
    assert POLICY.wait(_failures(4), 5, NOW) == 0
    assert [POLICY.wait(_failures(n), 5, NOW) for n in (5, 6, 7)] == [30, 60, 120]


def test_the_wait_is_capped_and_ends():
    assert POLICY.wait(_failures(10_000), 5, NOW) == 15 * 60
    assert POLICY.wait(_failures(10_000, seconds_ago=15 * 60), 5, NOW) == 0
    assert POLICY.wait(_failures(6, seconds_ago=59), 5, NOW) == 1


def test_an_account_lock_does_not_hold_back_an_address_that_has_signed_in_before():
    locked = POLICY.retry_after(account=_failures(30), address=_failures(0),
                                address_trusted=False, now=NOW)
    assert locked == 15 * 60
    assert POLICY.retry_after(account=_failures(30), address=_failures(0),
                              address_trusted=True, now=NOW) == 0


def test_an_address_is_held_back_by_its_own_failures_even_when_trusted():
    assert POLICY.retry_after(account=_failures(0), address=_failures(22),
                              address_trusted=True, now=NOW) == 120


def test_too_many_attempts_says_when_to_come_back():
    assert str(TooManyAttempts(600)) == "too many attempts; try again in 10 minutes"
    assert str(TooManyAttempts(61)) == "too many attempts; try again in 2 minutes"
    assert str(TooManyAttempts(20)) == "too many attempts; try again in 20 seconds"
    assert (TooManyAttempts(0).retry_after, TooManyAttempts(5).status) == (1, 429)
