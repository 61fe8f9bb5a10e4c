"""Every page the product serves loads only from the desk itself: the API explorer, the
sign-in page and the console work without internet and tell no other host who is reading."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.server import SWAGGER_UI_FILES, create_app
from tests import factories
from tests.web.pages import sign_in

# src="…", href="…" and Swagger UI's JavaScript settings (url: '…'), in either quote style.
_REFERENCE = re.compile(r"""(?:\b(?:src|href|url)\s*[=:]\s*)(["'])(.*?)\1""", re.IGNORECASE)
_OWN_HOSTS = {"127.0.0.1", "testserver", "localhost"}


def external_references(html: str) -> list[str]:
    found = []
    for _, url in _REFERENCE.findall(html):
        parts = urlsplit(url.strip())
        absolute = parts.scheme in ("http", "https") or url.strip().startswith("//")
        if absolute and parts.hostname not in _OWN_HOSTS:
            found.append(url)
    return found


def test_the_reference_finder_sees_external_urls() -> None:
    page = ('<script src="https://cdn.example.net/x.js"></script><a href="/tickets">q</a>'
            "<link href='//fonts.example.org/f.css'><img src=\"http://127.0.0.1/a.png\">"
            "url: 'https://validator.example/v'")
    assert external_references(page) == ["https://cdn.example.net/x.js",
                                         "//fonts.example.org/f.css",
                                         "https://validator.example/v"]


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    folder = tmp_path / "swagger-ui"
    folder.mkdir()
    for name in SWAGGER_UI_FILES:
        (folder / name).write_text(f"/* {name} */\n")
    return folder


@pytest.fixture
def client_with_assets(hub: Hub, assets: Path) -> Iterator[TestClient]:
    with TestClient(create_app(hub, swagger_ui_dir=assets)) as client:
        yield client


def test_the_api_explorer_loads_its_files_from_the_desk(client_with_assets: TestClient) -> None:
    page = client_with_assets.get("/api/docs")

    assert page.status_code == 200
    assert external_references(page.text) == []
    scripts = re.findall(r'src="([^"]+)"', page.text)
    styles = re.findall(r'href="([^"]+\.css)"', page.text)
    assert scripts == ["/api/docs/assets/swagger-ui-bundle.js"]
    assert styles == ["/api/docs/assets/swagger-ui.css"]
    for url in scripts + styles:
        served = client_with_assets.get(url)
        assert served.status_code == 200
        assert served.text == f"/* {url.rsplit('/', 1)[1]} */\n"
    assert "'/api/openapi.json'" in page.text
    assert '"validatorUrl": null' in page.text


def test_the_explorer_runs_only_its_own_scripts(client_with_assets: TestClient) -> None:
    first, second = client_with_assets.get("/api/docs"), client_with_assets.get("/api/docs")

    policy = first.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    nonce = re.fullmatch(r"'self' 'nonce-([\w-]{20,})'", directives["script-src"]).group(1)
    assert "unsafe" not in directives["script-src"]
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    scripts = re.findall(r"<script\b[^>]*>", first.text)
    assert len(scripts) == 2
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert nonce not in second.headers["content-security-policy"]


def test_the_page_that_says_the_explorer_is_missing_runs_nothing(hub: Hub,
                                                                tmp_path: Path) -> None:
    with TestClient(create_app(hub, swagger_ui_dir=tmp_path / "missing")) as client:
        page = client.get("/api/docs")

    assert page.headers["content-security-policy"].startswith("default-src 'none';")


def test_without_its_files_the_explorer_says_so_and_links_the_description(
        hub: Hub, tmp_path: Path) -> None:
    with TestClient(create_app(hub, swagger_ui_dir=tmp_path / "missing")) as client:
        page = client.get("/api/docs")

    assert page.status_code == 200
    assert "not installed" in page.text
    assert "make static" in page.text
    assert '<a href="/api/openapi.json">' in page.text
    assert "<script" not in page.text
    assert external_references(page.text) == []


def test_sign_in_and_console_pages_reference_no_other_host(
        hub: Hub, client_with_assets: TestClient) -> None:
    manager = factories.staff(hub, Role.MANAGER, with_password=True)
    opened = factories.ticket(hub, manager.agent)
    login = client_with_assets.get("/login")
    assert login.status_code == 200
    assert external_references(login.text) == []

    sign_in(client_with_assets, manager.agent)
    for path in ("/tickets", f"/tickets/{opened.ticket.id}"):
        page = client_with_assets.get(path)
        assert page.status_code == 200, path
        assert "<html" in page.text
        assert external_references(page.text) == [], path


def test_a_server_process_does_not_load_scipy_until_a_solve_needs_it() -> None:
    """SciPy holds about 50 MB per process; only schedule solves, Erlang A and batch routing
    use it, so a worker that serves requests must not import it at start."""
    import json
    import subprocess
    import sys

    script = ("import json, sys\nimport hubdesk.asgi\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & "
              "{'scipy', 'sklearn'})))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          check=True, timeout=120)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
