"""`hubdesk bench compare` without the network: the peer project, payloads and the result."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy.engine import make_url

from hubdesk.bench import compare
from hubdesk.bench.compare import PeerError, Plan

DATABASE = make_url('postgresql+psycopg://postgres:we"ird\'pw@127.0.0.1:5432/hubdesk_bench_peer')


def _settings(project: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile((project / "peerdesk" / "settings.py").read_text(), "settings.py", "exec"),
         namespace)
    return namespace


def test_the_project_renders_to_valid_python_with_the_database_filled_in(
        tmp_path: Path) -> None:
    project = compare.render_project(tmp_path / "project", DATABASE, secret_key="s3cret")

    for path in [project / "prepare.py", *(project / "peerdesk").glob("*.py")]:
        source = path.read_text()
        assert "$" not in source, path
        compile(source, str(path), "exec")
    settings = _settings(project)
    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["USER"], database["PASSWORD"]) == (
        "hubdesk_bench_peer", "postgres", "we\"ird'pw")
    assert (database["HOST"], database["PORT"]) == ("127.0.0.1", "5432")
    assert settings["DEBUG"] is False and settings["SECRET_KEY"] == "s3cret"
    assert settings["HELPDESK_API_ENABLED"] is True
    assert "helpdesk" in settings["INSTALLED_APPS"]
    assert settings["ALLOWED_HOSTS"] == ["127.0.0.1"]
    assert "helpdesk.urls" in (project / "peerdesk" / "urls.py").read_text()
    assert repr(compare.PEER_USERNAME) in (project / "prepare.py").read_text()


def test_rendering_again_replaces_the_earlier_project(tmp_path: Path) -> None:
    project = compare.render_project(tmp_path, DATABASE, secret_key="first")
    (project / "peerdesk" / "stale.py").write_text("")

    compare.render_project(tmp_path, DATABASE.set(database="other"), secret_key="second")

    assert not (project / "peerdesk" / "stale.py").exists()
    assert _settings(project)["DATABASES"]["default"]["NAME"] == "other"


def test_peer_payloads_carry_the_same_texts_as_hubdesk_intake() -> None:
    body = orjson.dumps({"subject": "Parcel never arrived", "body": "Order 42 is late.",
                         "requester": {"email": "ana@example.com", "name": "Ana"},
                         "priority": "urgent", "tags": ["late"]})

    assert orjson.loads(compare.peer_payload(body, 7)) == {
        "queue": 7, "title": "Parcel never arrived", "description": "Order 42 is late.",
        "submitter_email": "ana@example.com", "priority": 1}


def _plan(tmp_path: Path) -> Plan:
    return Plan(tickets=100, concurrency=8, warmup=10, work_dir=tmp_path, log_dir=tmp_path)


def test_the_result_is_one_object_with_both_sides_and_their_ratio(tmp_path: Path) -> None:
    def ours(plan: Plan) -> dict[str, Any]:
        return {"tickets_per_s": 450.0, "p50_ms": 15.0, "p95_ms": 30.0, "p99_ms": 60.0,
                "errors": 0}

    def theirs(plan: Plan) -> dict[str, Any]:
        assert (plan.tickets, plan.concurrency) == (100, 8)
        return {"tickets_per_s": 100.0, "p50_ms": 80.0, "p95_ms": 120.0, "p99_ms": 150.0,
                "errors": 0, "version": "2.6.1"}

    result = compare.run(tickets=100, concurrency=8, work_dir=tmp_path, log_dir=tmp_path,
                         measure_ours=ours, measure_theirs=theirs)

    assert orjson.loads(orjson.dumps(result)) == result
    assert {"tickets", "concurrency", "hubdesk", "django_helpdesk", "ratio"} <= set(result)
    assert (result["tickets"], result["concurrency"]) == (100, 8)
    assert set(compare.SUMMARY_KEYS) <= set(result["hubdesk"])
    assert set(compare.SUMMARY_KEYS) | {"version"} <= set(result["django_helpdesk"])
    assert result["ratio"] == 4.5
    assert result["warmup"] == compare.warmup_size(100, 8)


def test_a_peer_that_cannot_be_installed_is_reported_not_raised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_index(work_dir: Path) -> Path:
        raise PeerError("installing django-helpdesk 2.6.1 failed (exit 1): no network")

    monkeypatch.setattr(compare, "ensure_environment", no_index)

    peer = compare.measure_peer(_plan(tmp_path))
    result = compare.summarise(_plan(tmp_path), {"tickets_per_s": 400.0}, peer)

    assert peer == {"error": "installing django-helpdesk 2.6.1 failed (exit 1): no network",
                    "version": "2.6.1"}
    assert result["ratio"] is None and result["django_helpdesk"] is peer


def test_a_failing_step_names_itself_with_the_output_tail() -> None:
    with pytest.raises(PeerError, match=r"migrate failed \(exit 3\): tables are missing"):
        compare._run([sys.executable, "-c",
                      "import sys; sys.stderr.write('tables are missing'); sys.exit(3)"],
                     step="migrate")
    with pytest.raises(PeerError, match="gunicorn"):
        compare._run([str(Path("no-such-dir") / "gunicorn")], step="gunicorn")


def test_an_installed_environment_is_reused_without_pip(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    python = compare._bin(tmp_path / "venv", "python")
    python.parent.mkdir(parents=True)
    python.write_text("")
    (tmp_path / "venv" / "hubdesk-peer-requirements.txt").write_text(
        "\n".join(compare.PEER_REQUIREMENTS) + "\n")

    def forbidden(command: list[str], **_: Any) -> str:
        raise AssertionError(f"ran {command}")

    monkeypatch.setattr(compare, "_run", forbidden)

    assert compare.ensure_environment(tmp_path) == python


def test_the_peer_runs_in_its_usual_set_ups_scaled_to_the_cores() -> None:
    setups = compare.peer_setups(cores=2)

    assert [(s.name, s.worker_class, s.workers, s.threads) for s in setups] == [
        ("sync-2", "sync", 2, 1), ("sync-5", "sync", 5, 1), ("gthread-2x4", "gthread", 2, 4)]
    assert compare.peer_setups(cores=4)[1].workers == 9
    threaded = compare.PeerServer(Path("python"), Path("project"), setup=setups[2],
                                  log_path=Path("peer.log")).command()
    assert threaded[threaded.index("--worker-class") + 1] == "gthread"
    assert threaded[threaded.index("--threads") + 1] == "4"
    assert threaded[threaded.index("--workers") + 1] == "2"


def test_hubdesk_is_compared_with_the_best_set_up_that_ran_cleanly(tmp_path: Path) -> None:
    setups = [{"setup": "sync-2", "tickets_per_s": 90.0, "errors": 0},
              {"setup": "sync-5", "tickets_per_s": 140.0, "errors": 3},
              {"setup": "gthread-2x4", "tickets_per_s": 120.0, "errors": 0},
              {"setup": "broken", "error": "gunicorn exited with 1"}]
    best = compare.best_of(setups)
    assert best is not None and best["setup"] == "gthread-2x4"
    all_failing = compare.best_of([{"setup": "a", "tickets_per_s": 10.0, "errors": 2},
                                   {"setup": "b", "tickets_per_s": 20.0, "errors": 5}])
    assert all_failing is not None and all_failing["setup"] == "b"
    assert compare.best_of([{"setup": "broken", "error": "no"}]) is None

    result = compare.summarise(_plan(tmp_path), {"tickets_per_s": 480.0},
                               {**best, "setups": setups})

    assert result["ratio"] == 4.0 and result["ratio_against"] == "gthread-2x4"
    assert result["django_helpdesk"]["setups"] == setups
