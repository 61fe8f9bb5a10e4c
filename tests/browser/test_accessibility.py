"""The console's main screens checked by axe-core in a real browser: no violation of impact
serious or critical (unlabelled controls, missing names, colour contrast, broken ARIA, …);
and the keyboard's focus ring, which axe does not measure, at 3:1 against what it touches.

axe-core comes from the npm registry at build time (`make axe` puts it in build/axe/); the
console never serves it: it is evaluated inside each page through the browser's debugging
protocol, so the page's Content-Security-Policy stays as it is. Without it the test skips,
and under CI=true it fails instead.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.domain.customers import Organisation, Tier
from hubdesk.domain.macros import Macro
from hubdesk.domain.mail import Outcome
from hubdesk.domain.triage import Verdict
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import CustomerInput
from hubdesk.services.handoffs import NewHandoff, OlaInput
from hubdesk.services.tickets import NewTicket
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
    handoff = app.handoffs.open(lead, rude.id, NewHandoff(department_id=billing.id,
                                                          request="Please refund the kettle",
                                                          blocking=True))
    acme = app.directory.create_organisation(admin, Organisation(
        None, "Acme Logistics", ("acme.example",), Tier.PREMIUM, "Key account"))
    app.directory.update_customer(admin, calm.requester_id, CustomerInput(
        frozenset({"organisation_id"}), organisation_id=acme.id))
    # The same person again under another address, for the customer merge screen.
    twin = app.tickets.open(admin, NewTicket(
        subject="Invoice address, again", body="Did you get my last message?",
        requester_email="ann@home.example", team_id=shipping.id))[0].ticket
    app.macros.create(admin, Macro(None, "Refund sent",
                                   "Hello {{customer.first_name}}, your refund is on its way."))
    held = app.mail.receive(b"To: support@desk.test\r\nSubject: who?\r\n"
                            b"Message-ID: <anon@x.test>\r\n\r\nhi there\r\n", source="test")
    assert app.mail.process(held.inbound_id) is Outcome.QUARANTINED
    _notify(hub, admin, calm.id, shipping.id)
    return {"admin": admin, "lead": lead, "rude": rude, "calm": calm, "twin": twin,
            "handoff": handoff.handoff, "acme": acme}


def _notify(hub: Hub, agent, ticket_id: int, team_id: int) -> None:
    """A notification for ``agent``, made as the relay makes one from an SLA warning."""
    at = datetime(2026, 6, 1, 7, tzinfo=UTC)
    with hub.uows() as uow:
        uow.outbox.put("ticket.sla_step_reached", {
            "ticket_id": ticket_id, "kind": "sla_step_reached", "at": at.isoformat(),
            "place": {"team_id": team_id, "department_id": None, "assignee_id": None},
            "data": {"target": "first_response", "at_percent": 75,
                     "notify_agent_ids": [agent.id]}}, at)
        uow.commit()
    hub.app.relay_outbox()


def test_the_main_screens_have_no_serious_accessibility_violations(sqlite_hub, server,
                                                                    browser) -> None:
    axe = _axe_source()
    desk = _desk(sqlite_hub)
    rude = sqlite_hub.app.tickets.get(desk["lead"], desk["rude"].id)
    found: list[str] = []

    login = browser.new_page(viewport={"width": 1280, "height": 900})
    login.goto(f"{server}/login")
    found += violations(login, axe)
    # What a customer sees: the survey a solved ticket's notice links to.
    survey = sqlite_hub.app.satisfaction.offer(LOCAL_OPERATOR, desk["rude"].id)
    login.goto(f"{server}/survey/{survey}?rating=bad")
    assert "How did we do?" in login.locator("#main").inner_text()
    found += violations(login, axe)
    login.close()

    lead = signed_in(browser, server, desk["lead"])
    for path in ("/tickets?view=mine", "/tickets?view=all", f"/tickets/{desk['rude'].id}",
                 "/tickets/new", f"/customers/{rude.ticket.requester_id}", "/my-schedule"):
        answer = lead.goto(f"{server}{path}")
        assert answer is not None and answer.status == 200, (path, answer and answer.status)
        found += violations(lead, axe)
    lead.close()

    admin = signed_in(browser, server, desk["admin"])
    calm, twin = desk["calm"].requester_id, desk["twin"].requester_id
    # Each screen with what it shows, so the scan reads the screen filled in.
    for path, shown in (
            ("/control", ""), ("/at-risk", ""), ("/reports", "SLA report"),
            ("/reports/satisfaction", "Customer satisfaction"),
            ("/reports/flow", "Ticket flow"),
            ("/handoffs", "Refund for the broken kettle"),
            (f"/handoffs/{desk['handoff'].id}", "Please refund the kettle"),
            ("/rules", "Urgent refunds"), ("/macros", "Refund sent"),
            ("/mail/quarantine", "names no sender"),
            ("/notifications", "of the first response time"), ("/workforce", ""),
            (f"/organisations/{desk['acme'].id}", "Invoice address"),
            (f"/customers/{calm}/merge?q=ann%40home", "ann@home.example"),
            (f"/customers/{calm}/merge?source_id={twin}", "Invoice address, again"),
            ("/settings/teams", "Shipping"), ("/settings/departments", "Billing"),
            ("/settings/calendars", ""), ("/settings/sla", "Around the clock"),
            ("/settings/routing", ""), (f"/settings/agents/{desk['lead'].id}/routing", ""),
            ("/settings/mail", "")):
        answer = admin.goto(f"{server}{path}")
        assert answer is not None and answer.status == 200, (path, answer and answer.status)
        assert shown in admin.locator("#main").inner_text(), (path, shown)
        found += violations(admin, axe)
    # A form sent back with its errors beside the fields.
    admin.goto(f"{server}/settings/calendars")
    admin.get_by_label("Name", exact=True).fill("Berlin office")
    admin.get_by_label("Time zone (e.g. Europe/Berlin)").fill("Europe/Berlin")
    admin.get_by_label("Tuesday").fill("08:00-12:00, 13:00-11:00")
    admin.get_by_role("button", name="Add the calendar").click()
    admin.locator("#hours-tue-error").wait_for()
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


# The focus ring as drawn: the outline's colour and width, the colours it touches (a halo
# drawn by box-shadow, and whatever shows behind the element: the nearest ancestor with a
# background, else the page's).
FOCUS_RING = """(element) => {
  const ring = getComputedStyle(element);
  const opaque = (colour) => colour !== "transparent" && !/^rgba\\(.*,\\s*0\\)$/.test(colour);
  let behind = "rgb(255, 255, 255)";
  for (let node = element.parentElement; node; node = node.parentElement) {
    const colour = getComputedStyle(node).backgroundColor;
    if (opaque(colour)) { behind = colour; break; }
  }
  return {visible: element.matches(":focus-visible"), style: ring.outlineStyle,
          width: parseFloat(ring.outlineWidth), colour: ring.outlineColor,
          halo: ring.boxShadow, behind: behind};
}"""
_COLOUR = re.compile(r"rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)")


def _rgb(text: str, under: tuple[float, float, float] = (255, 255, 255)
         ) -> tuple[float, float, float]:
    found = _COLOUR.search(text)
    assert found, f"not a colour: {text}"
    red, green, blue, alpha = found.groups()
    a = 1.0 if alpha is None else float(alpha)

    def over(channel: str, beneath: float) -> float:
        return float(channel) * a + beneath * (1 - a)
    return over(red, under[0]), over(green, under[1]), over(blue, under[2])


def contrast(one: tuple[float, float, float], other: tuple[float, float, float]) -> float:
    """WCAG 2 contrast ratio of two sRGB colours."""
    def luminance(colour: tuple[float, float, float]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4
                  for c in colour]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def focus_ring(page, selector: str) -> tuple[float, str]:
    """Focus the element as the keyboard does, and give the ring's lowest contrast against
    what it touches, with a description of it for the failure message."""
    page.keyboard.press("Shift")  # the keyboard is in use: focus shows its ring
    element = page.locator(selector).first
    element.focus()
    ring = element.evaluate(FOCUS_RING)
    assert ring["visible"], f"{selector} is focused without a visible focus ring"
    if ring["style"] == "none" or ring["width"] < 2:
        return 0.0, f"{selector}: outline {ring['style']} {ring['width']}px"
    behind = _rgb(ring["behind"])
    colour = _rgb(ring["colour"], behind)
    touching = [behind] + [_rgb(m.group(0), behind) for m in _COLOUR.finditer(ring["halo"])]
    lowest = min(contrast(colour, other) for other in touching)
    return lowest, (f"{selector}: ring {ring['colour']} {ring['width']}px, halo "
                    f"{ring['halo']}, behind {ring['behind']}: {lowest:.2f}:1")


# Links and buttons on the page background, on a white card, in the dark top bar.
FOCUSED = ("#to-queue", "header a[href='/tickets']", "form.reply button.primary",
           "form.reply button[value='solved']", "aside button", "#next-ticket")


def test_the_focus_ring_stands_out_from_what_it_touches(sqlite_hub, server, browser) -> None:
    desk = _desk(sqlite_hub)
    page = signed_in(browser, server, desk["lead"], path=f"/tickets/{desk['calm'].id}")
    rings = [focus_ring(page, selector) for selector in FOCUSED]
    faint = [described for ratio, described in rings if ratio < 3.0]
    assert not faint, "focus rings under 3:1 (WCAG 1.4.11):\n" + "\n".join(faint)
    page.close()


def test_the_focus_check_finds_a_pale_ring(sqlite_hub, server, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server}/login")
    button = page.locator("main button").first
    # A pale ring (the page's CSP refuses a style sheet; the element's own style is allowed).
    button.evaluate("b => { b.style.outlineColor = '#c9d6ea'; b.style.boxShadow = 'none'; }")
    ratio, described = focus_ring(page, "main button")
    assert ratio < 1.5, described
    button.evaluate("b => { b.style.outlineStyle = 'none'; }")
    assert focus_ring(page, "main button")[0] == 0.0
    page.close()
