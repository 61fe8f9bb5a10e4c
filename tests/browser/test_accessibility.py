"""The console's main screens checked by axe-core in a real browser: no violation of impact
serious or critical (unlabelled controls, missing names, colour contrast, broken ARIA, …).

axe-core comes from the npm registry at build time (`make axe` puts it in build/axe/); the
console never serves it: it is evaluated inside each page through the browser's debugging
protocol, so the page's Content-Security-Policy stays as it is. Without it the test skips,
and under CI=true it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.domain.triage import Verdict
from hubdesk.services.handoffs import NewHandoff, OlaInput
from tests import factories
from tests.browser.test_console_browser import IN_CI
from tests.browser.test_console_workflows import browser, signed_in

pytestmark = pytest.mark.browser

__all__ = ["browser"]  # the fixture, used by the test below

AXE = Path(os.environ.get("HUBDESK_AXE", Path(__file__).resolve().parents[2] / "build" / "axe"
                          / "axe.min.js"))
BLOCKING = ("serious", "critical")
# What axe reads: the WCAG 2.x A and AA rules and axe's best practices.
RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    rule: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html,
                              summary: n.failureSummary}))}));
}"""


def _axe_source() -> str:
    if AXE.is_file():
        return AXE.read_text(encoding="utf-8")
    message = f"axe-core not found at {AXE}: build it with `make axe` (needs npm)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def violations(page, axe: str) -> list[str]:
    """Each serious or critical violation on the page as it is now: rule, node, page."""
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe)
    found = []
    for violation in page.evaluate(RUN):
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            found.append(f"{page.url}: {violation['rule']} ({violation['impact']}: "
                         f"{violation['help']}) at {node['target']}\n    {node['html']}\n    "
                         + node["summary"].replace("\n", "\n    "))
    return found


def _desk(hub: Hub) -> dict:
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    app = hub.app
    app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 60, "resolution": 480},
        "high": {"first_response": 30, "resolution": 240}}})
    shipping = factories.team(hub, "Shipping")
    billing = factories.department(hub, "Billing")
    app.handoffs.set_ola(admin, billing.id, OlaInput(target_minutes=240))
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(shipping,), with_password=True).agent
    factories.staff(hub, teams=(shipping,))
    app.rules.create(admin, {
        "name": "Urgent refunds", "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "ticket.subject", "op": "contains",
                                "value": "refund"}]},
        "actions": [{"type": "set", "field": "priority", "value": "high"}]})
    calm = factories.ticket(hub, lead, subject="Invoice address", team_id=shipping.id,
                            email="ann@example.com").ticket
    rude = factories.ticket(hub, lead, subject="Refund for the broken kettle",
                            team_id=shipping.id, email="bob@example.com").ticket
    app.tickets.customer_wrote(rude.id, "You useless idiots, answer me now!")
    message_id = app.tickets.get(lead, rude.id).messages[-1].id
    app.triage.correct(lead, rude.id, message_id, Verdict.ABUSIVE, True)
    app.handoffs.open(lead, rude.id, NewHandoff(department_id=billing.id,
                                                request="Please refund the kettle",
                                                blocking=True))
    return {"admin": admin, "lead": lead, "rude": rude, "calm": calm}


def test_the_main_screens_have_no_serious_accessibility_violations(sqlite_hub, server,
                                                                    browser) -> None:
    axe = _axe_source()
    desk = _desk(sqlite_hub)
    rude = sqlite_hub.app.tickets.get(desk["lead"], desk["rude"].id)
    found: list[str] = []

    login = browser.new_page(viewport={"width": 1280, "height": 900})
    login.goto(f"{server}/login")
    found += violations(login, axe)
    login.close()

    lead = signed_in(browser, server, desk["lead"])
    for path in ("/tickets?view=mine", "/tickets?view=all", f"/tickets/{desk['rude'].id}",
                 "/tickets/new", f"/customers/{rude.ticket.requester_id}", "/my-schedule"):
        lead.goto(f"{server}{path}")
        found += violations(lead, axe)
    lead.close()

    admin = signed_in(browser, server, desk["admin"])
    for path in ("/control", "/at-risk", "/handoffs", "/rules", "/settings/teams",
                 "/settings/departments", "/settings/calendars", "/settings/sla",
                 "/settings/routing", f"/settings/agents/{desk['lead'].id}/routing",
                 "/settings/mail"):
        admin.goto(f"{server}{path}")
        found += violations(admin, axe)
    admin.close()

    assert not found, (f"{len(found)} serious or critical accessibility violations:\n"
                       + "\n".join(found))


def test_the_check_names_the_rule_the_node_and_the_page(server, browser) -> None:
    axe = _axe_source()
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/login")
    page.evaluate("""() => {
      const field = document.createElement("input");
      field.id = "planted-field";
      const faint = document.createElement("p");
      faint.id = "planted-faint";
      faint.textContent = "Hard to read";
      faint.style.cssText = "color: #bbbbbb; background: #ffffff";
      document.querySelector("main").append(field, faint);
    }""")
    found = violations(page, axe)
    page.close()
    assert any(f.startswith(f"{server}/login: label (critical") and "#planted-field" in f
               for f in found), found
    assert any(": color-contrast (serious" in f and "#planted-faint" in f for f in found), found
    assert len(found) == 2, found
