"""Documentation that cannot rot: every setting, endpoint and command must be documented."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

from hubdesk.bootstrap import build_hub
from hubdesk.config import Settings
from hubdesk.server import create_app

ROOT = Path(__file__).resolve().parents[1]


def test_every_setting_is_documented():
    text = (ROOT / "docs" / "configuration.md").read_text()
    missing = [name for name in Settings.model_fields if f"HUBDESK_{name.upper()}" not in text]
    assert missing == []


def test_every_api_path_is_documented(tmp_path):
    app = create_app(build_hub(Settings(environment="test", data_dir=tmp_path)))
    text = (ROOT / "docs" / "api.md").read_text()
    paths = app.openapi()["paths"]
    missing = [path for path in paths if f"`{path}`" not in text and f" {path}`" not in text]
    assert missing == []


def test_every_cli_command_is_in_the_readme():
    import typer.main

    from hubdesk.cli import app

    readme = (ROOT / "README.md").read_text()
    group = typer.main.get_group(app)
    missing = []
    for name, command in group.commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            missing += [f"{name} {sub}" for sub in subcommands
                        if f"hubdesk {name} {sub}" not in readme
                        and f"|{sub}" not in readme and f"{sub}|" not in readme]
        elif f"hubdesk {name}" not in readme:
            missing.append(name)
    assert missing == []


def test_readme_quickstart_is_two_commands():
    readme = (ROOT / "README.md").read_text()
    quickstart = readme.split("## Quickstart", 1)[1].split("##", 1)[0]
    block = quickstart.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == \
        ["make demo", "make test"]


# --- what a newcomer copies from the docs works as written ------------------------------------

DOCS = [ROOT / "README.md", ROOT / "ARCHITECTURE.md", *sorted((ROOT / "docs").glob("*.md")),
        *sorted((ROOT / "src").rglob("README.md"))]
OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")


def _command_lines(text: str) -> list[str]:
    """`hubdesk …` as the docs show it: inline, and on the lines of code blocks (a trailing
    backslash continues a line)."""
    lines = re.findall(r"`(?:\.venv/bin/)?(hubdesk [^`]*)`", text)
    block, continued = False, ""
    for line in text.splitlines():
        if line.startswith("```"):
            block = not block
            continue
        if not block:
            continue
        line = f"{continued} {line.strip()}".strip()
        continued = line[:-1] if line.endswith("\\") else ""
        found = re.search(r"(?:^|\$\(|\s)(?:\.venv/bin/)?(hubdesk [^#)]*)", line)
        if found and not continued:
            lines.append(found.group(1))
    return lines


def _resolve(line: str, group: Any) -> tuple[list[str], Any]:
    """The command of ``group`` a documented line names, and the words naming it."""
    command = group
    path: list[str] = []
    for word in line.replace("\\|", "|").split()[1:]:
        subcommands = getattr(command, "commands", None)
        if not subcommands or word.startswith(("-", "[")) or word.isupper():
            break
        names = word.split("|")  # `bench intake|lists|…`: each alternative is a command
        assert all(name in subcommands for name in names), f"`{line}`: no command {word}"
        path.append(names[0])
        command = subcommands[names[0]]
    return path, command


def test_every_command_line_in_the_docs_names_a_command_and_only_its_options():
    import typer.main

    from hubdesk.cli import app

    group = typer.main.get_group(app)
    wrong = []
    for doc in DOCS:
        for line in _command_lines(doc.read_text()):
            path, command = _resolve(line, group)
            if getattr(command, "commands", None) or command.context_settings.get(
                    "ignore_unknown_options"):
                continue  # a group named as a whole, or a command passing options through
            known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
            wrong += [f"{doc.relative_to(ROOT)}: `{line}`: `hubdesk {' '.join(path)}` has no "
                      f"{option}" for option in OPTION.findall(line) if option not in known]
    assert wrong == []


def test_every_setting_the_docs_name_is_one_the_desk_reads():
    named = {name for doc in (ROOT / "README.md", *(ROOT / "docs").glob("*.md"))
             for name in re.findall(r"HUBDESK_([A-Z0-9_]+)", doc.read_text())}
    assert sorted(named - {name.upper() for name in Settings.model_fields}) == []


def test_the_first_call_in_the_api_docs_works_as_written(tmp_path, monkeypatch):
    """Each line of docs/api.md's first call, run as a shell would: the exports point the
    command line at a desk, the token it prints authenticates the curl calls that follow."""
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from hubdesk.cli import app as cli
    from hubdesk.config import get_settings
    from hubdesk.domain.agents import Role
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.directory import AgentInput

    text = (ROOT / "docs" / "api.md").read_text()
    script = text.split("A first call", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    monkeypatch.chdir(tmp_path)
    variables: dict[str, str] = {}
    client: TestClient | None = None
    answers: list[int] = []

    def run(command: str) -> str:
        command, _, piped = command.partition(" | ")
        words = shlex.split(re.sub(r"\$(\w+)", lambda m: variables[m.group(1)], command))
        if words[0].endswith("hubdesk"):
            done = CliRunner().invoke(cli, words[1:])
            assert done.exit_code == 0, done.output
            return done.stdout
        assert words[0] == "curl" and client is not None, command
        headers = dict(words[i + 1].split(": ", 1) for i, word in enumerate(words)
                       if word == "-H")
        body = words[words.index("-d") + 1] if "-d" in words else None
        path = words[-1].removeprefix("http://127.0.0.1:8000")
        answer = client.request("POST" if body else "GET", path, headers=headers,
                                content=body)
        answers.append(answer.status_code)
        assert answer.status_code < 300, answer.text
        if not piped:
            return answer.text
        assert piped.startswith("python3 -c "), piped
        return subprocess.run(shlex.split(piped), input=answer.text, capture_output=True,
                              text=True, check=True).stdout

    for line in script.strip().splitlines():
        if line.startswith("export "):
            for assignment in shlex.split(line)[1:]:
                name, _, value = assignment.partition("=")
                monkeypatch.setenv(name, value)
            get_settings.cache_clear()
            hub = build_hub(get_settings())
            hub.migrate()
            hub.app.directory.create_agent(LOCAL_OPERATOR, AgentInput(
                fields_set=frozenset({"email", "name", "role"}), name="Admin", role=Role.ADMIN,
                email=re.search(r"--email (\S+)", script).group(1)))
            client = TestClient(create_app(hub))
        elif assigned := re.fullmatch(r"(\w+)=\$\((.*)\)", line):
            variables[assigned.group(1)] = run(assigned.group(2)).strip()
        else:
            run(line)
    get_settings.cache_clear()
    assert answers == [200, 201, 201]


def test_the_readme_shows_each_commands_required_options():
    import typer.main

    from hubdesk.cli import app

    group = typer.main.get_group(app)
    readme = (ROOT / "README.md").read_text()
    missing = []
    for row in (line for line in readme.splitlines() if line.startswith("| `hubdesk ")):
        shown = row.split(" | ", 1)[0]
        for line in re.findall(r"`(hubdesk [^`]*)`", shown):
            path, command = _resolve(line, group)
            required = [p.opts[0] for p in getattr(command, "params", ())
                        if p.required and p.param_type_name == "option"]
            missing += [f"hubdesk {' '.join(path)} {option}" for option in required
                        if option not in line]
    assert missing == []
