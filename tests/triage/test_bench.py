from hubdesk.bench import triage as bench


def test_bench_returns_timings_without_printing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("HUBDESK_MODEL_DIR", str(tmp_path))
    monkeypatch.setenv("HUBDESK_SHARED_DATA", str(tmp_path / "absent"))
    report = bench.run(messages=50)
    assert report["messages"] == 50
    assert report["ms_per_message"] > 0 and report["p99_ms"] >= report["p50_ms"]
    assert report["messages_with_errors"] == 0
    assert report["intent_model"] == "trained on generated examples"
    assert capsys.readouterr().out == ""
