"""The workforce page on both databases takes the day a planner knows the volume changed on:
the chart is forecast from the level since and a drafted week follows it; a day the forecast
cannot read a level from is refused beside its field while the rest of the page shows."""

from __future__ import annotations

import re

from hubdesk.domain.agents import Role
from tests import factories
from tests.api.test_staffing_level_api import LAUNCH, MONDAY, tickets_tripled_since_launch
from tests.web.pages import post_form, sign_in


def _forecast_total(page: str) -> float:
    """The day's forecast contacts, added up from the chart's table of numbers."""
    rows = re.findall(r"<tr><td>\d\d:\d\d</td><td>([\d.]+)</td>", page)
    assert rows, "the page has no table of numbers"
    return sum(float(value) for value in rows)


def _signed_in_planner(hub, client):
    """A coordinator signed in, and a team of one whose tickets tripled at LAUNCH."""
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True).agent
    factories.staff(hub, teams=(team,))
    tickets_tripled_since_launch(hub, coordinator, team)
    sign_in(client, coordinator)
    return team, coordinator


def test_the_page_forecasts_from_the_day_the_volume_changed_on(hub, client):
    team, coordinator = _signed_in_planner(hub, client)
    view = {"team_id": str(team.id), "day": MONDAY.isoformat(), "aht_s": "60"}

    plain = client.get("/workforce", params=view)
    assert plain.status_code == 200
    assert 'id="wfm-level-from"' in plain.text
    assert "as given" not in plain.text
    given = client.get("/workforce", params={**view, "level_from": LAUNCH.isoformat()})
    assert given.status_code == 200, given.text
    assert _forecast_total(plain.text) < 3.5 < 5 < _forecast_total(given.text) < 7.5
    assert f"since {LAUNCH}" in given.text and "as given" in given.text
    assert f'name="level_from" value="{LAUNCH.isoformat()}"' in given.text

    drafted = post_form(client, "/workforce/schedules",
                        {**view, "level_from": LAUNCH.isoformat(), "generate": "yes"},
                        page="/workforce", follow=False)
    assert drafted.status_code == 303
    assert f"level_from={LAUNCH.isoformat()}" in drafted.headers["location"]
    week = hub.app.workforce.week(coordinator, team.id, MONDAY)
    assert week is not None and week.shifts

    for wrong in (MONDAY.isoformat(), "2026-01-01", "soon"):
        refused = client.get("/workforce", params={**view, "level_from": wrong})
        assert refused.status_code == 422, wrong
        assert 'role="alert" id="view-error"' in refused.text
        assert 'aria-invalid="true"' in refused.text
        assert f'id="wfm-level-from" type="date" name="level_from" value="{wrong}"' \
            in refused.text  # kept to be corrected
        assert "The forecast below is made without that day." in refused.text
        assert _forecast_total(refused.text) == _forecast_total(plain.text)


def test_a_draft_with_a_day_the_forecast_cannot_use_is_refused_and_nothing_saved(hub, client):
    team, coordinator = _signed_in_planner(hub, client)
    refused = post_form(client, "/workforce/schedules", {
        "team_id": str(team.id), "day": MONDAY.isoformat(), "aht_s": "60",
        "level_from": MONDAY.isoformat(), "generate": "yes"}, page="/workforce")
    assert refused.status_code == 422
    assert 'id="week-error"' in refused.text and "the history ends before it" in refused.text
    assert hub.app.workforce.week(coordinator, team.id, MONDAY) is None
