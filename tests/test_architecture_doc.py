"""ARCHITECTURE.md stays true: every file, folder, module and function it names exists."""

from __future__ import annotations

import ast
import importlib
import re
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "hubdesk"
DOCUMENT = (ROOT / "ARCHITECTURE.md").read_text()
CODE_SPANS = re.findall(r"`([^`\n]+)`", DOCUMENT)
# A path, then the names defined in it: "`services/tickets.py` `flush_events`".
PATH_THEN_NAME = re.compile(r"`([\w/]+\.py)` \(?`([A-Za-z_]\w*)(?:\(\))?`")
DOTTED = re.compile(r"^(?:hubdesk\.)?([a-z_]+(?:\.[a-z_]+)*)\.([A-Za-z_]\w*)$")


def _path(span: str) -> Path | None:
    for base in (PACKAGE, ROOT):
        if (base / span).exists():
            return base / span
    return None


def _looks_like_path(span: str) -> bool:
    # Paths under a setting (`HUBDESK_DATA_DIR/models/intent`) are the running desk's files.
    return "/" in span and " " not in span and not span[0].isupper() \
        and not span.startswith(("/", "http")) \
        and re.fullmatch(r"[\w./-]+", span) is not None and "…" not in span


@cache
def _defined(path: Path) -> frozenset[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


@pytest.mark.parametrize("span", sorted({s for s in CODE_SPANS if _looks_like_path(s)}))
def test_every_path_named_exists(span):
    assert _path(span) is not None, f"ARCHITECTURE.md names {span}, which does not exist"


@pytest.mark.parametrize(("span", "name"), sorted(set(PATH_THEN_NAME.findall(DOCUMENT))))
def test_every_name_given_after_a_file_is_defined_there(span, name):
    path = _path(span)
    assert path is not None, f"ARCHITECTURE.md names {span}, which does not exist"
    assert name in _defined(path), f"ARCHITECTURE.md says {span} defines {name}; it does not"


def _dotted_references() -> list[tuple[str, str]]:
    found = set()
    for span in CODE_SPANS:
        match = DOTTED.match(span)
        module_file = (PACKAGE / (match.group(1).replace(".", "/") if match else "")
                       ).with_suffix(".py")
        if match and match.group(2) != "py" and module_file.exists():
            found.add(match.groups())
    return sorted(found)


@pytest.mark.parametrize(("module", "name"), _dotted_references())
def test_every_module_attribute_named_exists(module, name):
    imported = importlib.import_module(f"hubdesk.{module}")
    assert hasattr(imported, name), f"ARCHITECTURE.md names {module}.{name}; it does not exist"


def test_the_document_names_enough_to_be_checked():
    assert len(PATH_THEN_NAME.findall(DOCUMENT)) >= 15
    assert len(_dotted_references()) >= 3
