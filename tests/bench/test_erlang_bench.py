"""`hubdesk bench erlang` staffs its shape of arrivals with the product's code and says so."""

from __future__ import annotations

from hubdesk.bench.erlang import run


def test_the_benchmark_counts_every_evaluation_and_checks_the_answers():
    result = run(intervals=96, rounds=1)
    assert result["intervals"] == 96 and result["agrees_with_one_at_a_time_search"]
    assert result["evaluations"] > 0 and result["evaluations_per_s"] > 0
    assert result["textbook"] == {"p_wait": 0.174132, "service_level": 0.88835,
                                  "asa_s": 7.836}
    assert "staff_intervals" in result["what_ran"]
