"""`hubdesk bench sla` at a toy size: calendar speed, the sweep's index, the SLA report's
queries, breach forecasts."""

from __future__ import annotations

import json

import pytest

from hubdesk.bench import sla
from hubdesk.bench.cli import _emit
from tests.bench.test_runs import bench_postgres  # noqa: F401 - a fixture

# What the issue asks the JSON to hold, with the type each must have.
REQUIRED = {"calendar_add_per_s": int, "open_tickets": int, "sweep_seconds": float,
            "due_found": int, "prediction_precision": float, "prediction_recall": float}


@pytest.mark.usefixtures("bench_postgres")
def test_the_sla_bench_reports_the_sweep_and_the_forecasts(capsys) -> None:
    result = sla.run(tickets=3000, limit=1000)
    _emit(result)  # as `hubdesk bench sla` prints it
    printed = json.loads(capsys.readouterr().out)
    missing = sorted(set(REQUIRED) - set(printed))
    assert missing == [], f"the bench's JSON lacks {missing}"
    for key, kind in REQUIRED.items():
        value = printed[key]
        # a whole number is a valid JSON number where a fraction is asked for, never a bool
        assert isinstance(value, kind if kind is int else (int, float)), (key, value)
        assert not isinstance(value, bool), key
    assert 0 <= printed["sweep_seconds"] < 60
    assert printed["due_found"] <= printed["open_tickets"]
    assert result["calendar_add_per_s"] > 0 and result["open_tickets"] == 3000
    assert result["due_found"] == result["due_in_database"] > 0
    assert result["index_scan"]
    year, month = result["report_365_days"], result["report_30_days"]
    assert year["first_responses_met"] == 3000  # every seeded answer was met within the year
    assert 2990 <= year["first_responses_decided"] <= 3000
    assert 0.85 < year["met_share"] < 0.95  # one in twelve late
    assert 0 < month["first_responses_met"] < 3000 / 6
    assert 0 <= month["seconds"] < 60
    surveys, recent = result["satisfaction_report_365_days"], \
        result["satisfaction_report_30_days"]
    assert surveys["surveys_offered"] == 3000 and surveys["answered"] == 1200
    assert surveys["good_share"] == round(1100 / 1200, 4)  # one answer in twelve is bad
    assert surveys["comments_shown"] == 50
    assert 0 < recent["surveys_offered"] < 3000 / 6 and 0 <= recent["seconds"] < 60
    flow_year, flow_month = result["flow_report_365_days"], result["flow_report_30_days"]
    assert flow_year["backlog_at_end"] == flow_month["backlog_at_end"] == 3000  # all open
    for flow in (flow_year, flow_month):
        assert flow["backlog_at_start"] + flow["received"] - flow["solved"] \
            + flow["reopened"] == flow["backlog_at_end"]
        assert 0 <= flow["seconds"] < 60
    assert flow_year["days"] in (365, 366) and 2900 < flow_year["received"] < 3000
    # one ticket in three solved and reopened, but for the first days of the year before
    assert 980 < flow_year["solved"] <= 1000 and 980 < flow_year["reopened"] <= 1000
    assert 0 < flow_month["received"] < 3000 / 6 and flow_month["backlog_at_start"] > 2500
    assert 0 < result["prediction_recall"] <= 1 and 0 < result["prediction_precision"] <= 1
    found = result["prediction"]
    assert set(found) == {f"volume_{v:g}_warn_at_{s:g}" for v in sla.PREDICTION_VOLUMES
                          for s in sla.PREDICTION_SHARES}
    for pooled in found.values():
        assert pooled["hits"] <= min(pooled["predicted_breaches"], pooled["breaches"])
        assert pooled["breaches"] <= pooled["forecasts"] < pooled["contacts"]
        assert pooled["fixed_threshold_precision"] == pooled["breaches"] / pooled["forecasts"]
