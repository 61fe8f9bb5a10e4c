"""The simulator reproduces Erlang C on an M/M/n queue, through the routing policy itself."""

from __future__ import annotations

import math

import numpy as np

from hubdesk.simulation.arrivals import draw_contacts
from hubdesk.simulation.engine import run
from hubdesk.simulation.runs import erlang_c_expected, erlang_c_scenario

CUSTOMERS = 60_000
BATCHES = 20


def test_service_level_speed_of_answer_and_waiting_share_match_erlang_c():
    """Batch means: the run cut into 20 batches of consecutive customers, each batch's figure
    an almost independent sample; the exact value must lie within four standard errors."""
    exact = erlang_c_expected()
    assert round(exact["p_wait"], 4) == 0.1741
    assert round(exact["service_level"], 4) == 0.8884
    assert round(exact["asa_s"], 2) == 7.84
    scenario = erlang_c_scenario()
    contacts = draw_contacts(scenario, seed=11, customers=CUSTOMERS)
    outcome = run(scenario, "hubdesk", contacts)
    wait = np.asarray(outcome.wait_s).reshape(BATCHES, -1)
    assert (wait >= 0).all()  # nobody hangs up in Erlang C; everyone is answered
    for measure, expected in ((np.mean(wait <= 20, axis=1), exact["service_level"]),
                              (np.mean(wait, axis=1), exact["asa_s"]),
                              (np.mean(wait > 1e-9, axis=1), exact["p_wait"])):
        error = measure.std(ddof=1) / math.sqrt(BATCHES)
        assert abs(measure.mean() - expected) < 4 * error, (measure.mean(), expected, error)
    occupancy = sum(outcome.agent_work.values()) / sum(outcome.agent_staffed_s.values())
    assert abs(occupancy - exact["occupancy"]) < 0.02


def test_the_same_seed_gives_the_same_run_and_another_seed_another():
    scenario = erlang_c_scenario()
    first = run(scenario, "hubdesk", draw_contacts(scenario, 5, 2000)).wait_s
    again = run(scenario, "hubdesk", draw_contacts(scenario, 5, 2000)).wait_s
    other = run(scenario, "hubdesk", draw_contacts(scenario, 6, 2000)).wait_s
    assert first == again and first != other
