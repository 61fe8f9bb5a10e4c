"""Every console page names the desk's own icon, so a browser does not ask for
/favicon.ico (a 404 in its console on every page) and shows the desk's mark in its tab."""

from __future__ import annotations

import re

from hubdesk.domain.agents import Role
from tests import factories
from tests.web.pages import sign_in

_ICON = re.compile(r'<link rel="icon" href="([^"]+)"')


def test_sign_in_and_console_pages_name_an_icon_the_desk_serves(hub, client):
    pages = [client.get("/login").text]
    sign_in(client, factories.staff(hub, Role.ADMIN, with_password=True).agent)
    pages.append(client.get("/tickets").text)
    icons = {found.group(1) for page in pages if (found := _ICON.search(page))}
    assert len(icons) == 1 and len(pages) == 2 and all(_ICON.search(page) for page in pages)
    icon = client.get(icons.pop())
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.startswith("<svg")
