"""The console's reports and their CSV downloads taken in turns: an agent whose reports under
way take all their turns gets a page saying to wait (429, ``Retry-After``), not a report;
another agent's pages still answer."""

from __future__ import annotations

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import sign_in

PAGES = ("/reports", "/reports.csv", "/reports/satisfaction", "/reports/flow",
         "/reports/flow.csv", "/handoffs/report")


def test_a_report_page_beyond_the_agents_turns_says_to_wait(hub, client):
    manager = factories.staff(hub, Role.MANAGER, with_password=True).agent
    colleague = factories.staff(hub, Role.MANAGER, with_password=True).agent
    share = hub.app.deps.heavy_reads
    sign_in(client, manager)
    with share.turn(manager), share.turn(manager):
        for path in PAGES:
            page = client.get(path)
            assert page.status_code == 429, path
            assert int(page.headers["retry-after"]) >= 1
            assert "Reports under way" in page.text and "being prepared" in page.text
            assert "content-security-policy" in page.headers
        client.cookies.clear()
        sign_in(client, colleague)
        for path in PAGES:
            assert client.get(path).status_code == 200, path
    client.cookies.clear()
    sign_in(client, manager)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
