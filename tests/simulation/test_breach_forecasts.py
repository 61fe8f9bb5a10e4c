"""Breach forecasts on a simulated day: every contact still waiting at the warning step is
forecast from what the desk knew then, and the forecasts are scored against the outcome."""

from __future__ import annotations

import dataclasses

from hubdesk.commands.simulate import scenario_path
from hubdesk.simulation.runs import breach_forecasts
from hubdesk.simulation.scenario import load_scenario


def _busier(factor: float):
    scenario = load_scenario(scenario_path("multiskill"))
    return dataclasses.replace(scenario, contact_types=tuple(
        dataclasses.replace(kind, rates=tuple(rate * factor for rate in kind.rates))
        for kind in scenario.contact_types))


def test_forecasts_are_scored_against_the_outcome_and_beat_warning_everyone():
    report = breach_forecasts(_busier(1.3), share=0.25, seed=5)
    assert report["unforecast"] == 0
    assert report["forecasts"] == report["fixed_threshold"]["forecasts"] > 50
    everyone = report["fixed_threshold"]
    assert everyone["recall"] == 1.0 and everyone["breaches"] == report["breaches"]
    assert report["hits"] <= report["predicted_breaches"] <= report["forecasts"]
    # Warning everyone still waiting is the fixed-threshold way; the forecast is more precise
    # and still finds most breaches.
    assert report["precision"] > everyone["precision"]
    assert report["recall"] >= 0.7


def test_a_quiet_day_forecasts_few_breaches():
    report = breach_forecasts(_busier(0.5), share=0.5, seed=5)
    assert report["breaches"] <= report["forecasts"]
    assert report["predicted_breaches"] <= report["breaches"] + 3
