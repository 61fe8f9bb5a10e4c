"""Many intervals staffed at once give exactly the answers of one interval at a time."""

from __future__ import annotations

import random

import pytest

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.erlang_c import required_agents
from hubdesk.workforce.erlang_c_many import required_agents_many
from hubdesk.workforce.load import Load
from hubdesk.workforce.targets import Target

TARGETS = [Target(service_level=0.8, answer_within_s=20),
           Target(service_level=0.95, answer_within_s=60, max_occupancy=0.85),
           Target(max_asa_s=15, answer_within_s=20),
           Target(service_level=0.7, answer_within_s=30, max_asa_s=40)]


@pytest.mark.parametrize("target", TARGETS)
def test_each_interval_gets_the_answer_of_the_one_at_a_time_search(target):
    rng = random.Random(11)
    loads = [Load(arrivals=rng.choice([0, 0.4, 3, rng.uniform(0, 2500)]),
                  interval_s=rng.choice([900, 1800, 3600]), aht_s=rng.uniform(30, 900))
             for _ in range(400)]
    many, evaluations = required_agents_many(loads, target, shrinkage=0.3)
    for load, found in zip(loads, many, strict=True):
        alone = required_agents(load, target, shrinkage=0.3)
        assert found.agents == alone.agents
        assert (found.staff, found.staff_rounded) == (alone.staff, alone.staff_rounded)
        for name in ("service_level", "asa_s", "occupancy", "p_wait"):
            assert getattr(found, name) == pytest.approx(getattr(alone, name), rel=1e-12,
                                                         abs=1e-15)
    # one evaluation per agent count tried, up to each interval's answer
    assert evaluations == sum(r.agents for r in many)


def test_the_textbook_case_and_bad_targets():
    [found], _ = required_agents_many([Load(100, 1800, 180)],
                                      Target(service_level=0.8, answer_within_s=20))
    assert found.agents == 14 and found.p_wait == pytest.approx(0.174132, abs=1e-6)
    assert found.service_level == pytest.approx(0.888350, abs=1e-6)
    with pytest.raises(ValidationFailed, match="Erlang A"):
        required_agents_many([Load(100, 1800, 180)], Target(max_abandon=0.05))
    with pytest.raises(ValidationFailed, match="shrinkage"):
        required_agents_many([Load(100, 1800, 180)], Target(service_level=0.8,
                                                            answer_within_s=20), shrinkage=1.0)
