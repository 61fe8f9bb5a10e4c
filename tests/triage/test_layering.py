"""Triage stays a library of models: it reaches neither the desk's store nor its entry points."""

from __future__ import annotations

import grimp
import pytest

DESK_PACKAGES = (
    "hubdesk.services",
    "hubdesk.bootstrap",
    "hubdesk.store",
    "hubdesk.api",
    "hubdesk.web",
    "hubdesk.cli",
    "hubdesk.commands",
)


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("hubdesk", cache_dir=None)


@pytest.mark.parametrize("desk_package", DESK_PACKAGES)
def test_triage_reaches_no_desk_package_even_indirectly(graph, desk_package):
    assert not graph.chain_exists(
        importer="hubdesk.triage", imported=desk_package, as_packages=True
    )


def test_the_encoders_do_not_import_each_other_in_a_circle(graph):
    minilm, registry = "hubdesk.triage.intent.minilm", "hubdesk.triage.intent.embedding"
    assert graph.direct_import_exists(importer=registry, imported=minilm)
    assert not graph.chain_exists(importer=minilm, imported=registry)


def test_the_command_line_mounts_the_triage_commands(graph):
    assert graph.direct_import_exists(importer="hubdesk.cli", imported="hubdesk.commands.triage")
