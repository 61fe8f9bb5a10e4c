"""The console a newcomer walks through after `make demo`, or on a desk of their own before it
holds anything: every link a role is shown opens for that role."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urljoin, urlsplit

from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.demo.people import STAFF
from hubdesk.demo.seeder import seed_demo
from hubdesk.domain.agents import Role
from hubdesk.server import create_app
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import AgentInput

PASSWORD = "walk-the-console-1"
# Streams never end, downloads are not pages, and signing out would end the walk.
NOT_PAGES = re.compile(r"^/(events|logout|static/)|/raw$|/download|\.csv")
PAGES_PER_SHAPE = 1  # /tickets/1 and /tickets/2 are the same page
MOST_PAGES = 80
LINK = re.compile(r'<a [^>]*href="([^"#]*)')
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _sign_in(client: TestClient, email: str) -> str:
    token = TOKEN.search(client.get("/login").text)
    assert token
    landed = client.post("/login", data={"email": email, "password": PASSWORD,
                                         "csrf_token": token.group(1)})
    assert landed.status_code == 200, landed.text
    return landed.url.path


def _dead_links(client: TestClient, start: str) -> list[tuple[int, str, str]]:
    """(status, link, page showing it) for every link the walk from ``start`` met that does
    not open."""
    dead: list[tuple[int, str, str]] = []
    queue: deque[tuple[str, str]] = deque([(start, start)])
    seen: set[str] = set()
    shapes: Counter[str] = Counter()
    while queue and len(seen) < MOST_PAGES:
        path, shown_on = queue.popleft()
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        if path in seen or shapes[shape] >= PAGES_PER_SHAPE:
            continue
        seen.add(path)
        shapes[shape] += 1
        page = client.get(path)
        if page.status_code >= 400:
            dead.append((page.status_code, path, shown_on))
            continue
        if not page.headers.get("content-type", "").startswith("text/html"):
            continue
        here = str(page.url)
        for href in LINK.findall(page.text):
            target = urlsplit(urljoin(here, unescape(href)))
            if target.netloc != urlsplit(here).netloc:
                continue
            link = target.path + (f"?{target.query}" if target.query else "")
            if not NOT_PAGES.search(target.path) and link not in seen:
                queue.append((link, path))
    return dead


def test_every_demo_login_finds_no_link_it_may_not_open(hub: Hub) -> None:
    seed_demo(hub, scale=0.03, password=PASSWORD)
    walks = {}
    for member in (m for m in STAFF if m.signs_in):
        with TestClient(create_app(hub), raise_server_exceptions=False) as client:
            walks[member.title] = _dead_links(client, _sign_in(client, member.email))
    assert walks == {title: [] for title in walks}


def test_a_desk_with_nothing_in_it_yet_has_no_dead_links_and_says_what_to_do(hub: Hub
                                                                              ) -> None:
    for role in Role:
        hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
            fields_set=frozenset({"email", "name", "role", "password"}),
            email=f"{role.value}@example.com", name=f"The {role.value}", role=role,
            password=PASSWORD))
    walks = {}
    for role in Role:
        with TestClient(create_app(hub), raise_server_exceptions=False) as client:
            walks[role.value] = _dead_links(client, _sign_in(client, f"{role.value}@example.com"))
            if role is Role.COORDINATOR:
                handoffs = client.get("/handoffs").text
                board = client.get("/control").text
    assert walks == {role.value: [] for role in Role}
    assert "you work in no department" not in handoffs
    assert "the desk has no departments to hand tickets off to yet" in handoffs
    assert 'href="/settings/agents"' in board.split("No agent has a routing profile yet")[1]
