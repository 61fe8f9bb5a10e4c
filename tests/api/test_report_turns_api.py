"""The reports of the API taken in turns: an agent (or a script with their token) whose reports
under way take all their turns is answered 429 with ``Retry-After`` at once, as problem+json,
while another agent's reports still answer."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories

REPORTS = ("/api/v1/reports/sla", "/api/v1/reports/satisfaction", "/api/v1/reports/flow",
           "/api/v1/reports/handoffs")


def test_a_report_beyond_the_agents_turns_is_refused_with_a_wait(hub, client):
    manager = factories.staff(hub, Role.MANAGER)
    colleague = factories.staff(hub, Role.MANAGER)
    share = hub.app.deps.heavy_reads
    with share.turn(manager.agent), share.turn(manager.agent):
        for url in REPORTS:
            refused = client.get(url, headers=manager.headers)
            assert refused.status_code == 429, (url, refused.text)
            assert refused.headers["content-type"] == "application/problem+json"
            assert int(refused.headers["retry-after"]) >= 1
            assert "reports being prepared" in refused.json()["detail"]
            assert client.get(url, headers=colleague.headers).status_code == 200, url
    for url in REPORTS:
        assert client.get(url, headers=manager.headers).status_code == 200, url
