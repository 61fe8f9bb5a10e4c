"""Documentation that cannot rot: every setting, endpoint and command must be documented."""

from __future__ import annotations

from pathlib import Path

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
