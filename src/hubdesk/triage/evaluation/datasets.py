"""Readers for the public evaluation data sets, found beside the repository.

The data lives in `../shared/data/` relative to the repository root (or wherever
`HUBDESK_SHARED_DATA` points); nothing of it is copied into the project.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubdesk.triage.evaluation.unnamed_columns import (
    TwoColumns,
    is_line_aligned,
    line_aligned,
    two_columns,
)

SHARED_DATA_ENV = "HUBDESK_SHARED_DATA"
OUT_OF_SCOPE = "oos"

Pairs = list[tuple[str, str]]


class DataSetMissing(FileNotFoundError):
    """The shared data folder or one of its files is not there."""


def repository_root() -> Path:
    return Path(__file__).resolve().parents[4]


def shared_data_dir(override: str | Path | None = None) -> Path:
    """`override`, else $HUBDESK_SHARED_DATA, else ../shared/data beside the repository."""
    candidates = [override, os.environ.get(SHARED_DATA_ENV)]
    for candidate in candidates:
        if candidate:
            return Path(candidate)
    for base in (repository_root(), Path.cwd()):
        path = base.parent / "shared" / "data"
        if path.is_dir():
            return path
    return repository_root().parent / "shared" / "data"


def _require(path: Path) -> Path:
    if not path.exists():
        raise DataSetMissing(
            f"{path} is missing: put the shared data beside the repository "
            f"or point {SHARED_DATA_ENV} (or --data-dir) at it"
        )
    return path


# The names intent data sets give their two columns, the preferred first.
TEXT_COLUMNS = ("text", "utterance", "sentence", "query")
CATEGORY_COLUMNS = ("category", "intent", "label")
JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Columns:
    """Which column holds the examples' text and which their category; None: found by name
    (`TEXT_COLUMNS`, `CATEGORY_COLUMNS`)."""

    text: str | None = None
    category: str | None = None


def read_examples(path: str | Path, columns: Columns = Columns()) -> Pairs:
    """Examples from a file of text,category: a CSV as spreadsheets save it too (a byte-order
    mark, UTF-16 as "Unicode text", headers in any case, tabs or semicolons between the
    cells), JSON Lines (one object per line) or a JSON array of objects, with the columns
    named in ``columns`` or, without, by the names intent data sets use
    (utterance/sentence/query and intent/label); two columns without such names, or without
    a header at all, told apart by their values; or a folder holding ``seq.in`` and
    ``label``, line by line (`unnamed_columns.py`)."""
    path = Path(path)
    if is_line_aligned(path):
        return _unnamed_pairs(path, line_aligned(path), TwoColumns(0, 1, False))
    content = _text_of(path)
    if path.suffix.lower() in JSON_LINES_SUFFIXES or content.lstrip().startswith(("{", "[")):
        return _pairs(path, *_json_rows(path, content), columns)
    stream = io.StringIO(content, newline="")
    header = stream.readline()
    stream.seek(0)
    # The csv module's cell limit (128 KiB) is process-wide; a cell as long as the whole
    # file is refused only by the memory it takes.
    limit = csv.field_size_limit(max(csv.field_size_limit(), len(content) + 1))
    delimiter = _delimiter(content, header)
    reader = csv.DictReader(stream, delimiter=delimiter)
    try:
        if columns == Columns() and not _names_known(header, delimiter):
            rows = [(number, cells) for number, cells in _numbered(content, delimiter)
                    if any(cell.strip() for cell in cells)]
            choice = two_columns([cells for _, cells in rows])
            if choice is not None:
                return _unnamed_pairs(path, rows, choice)
        # A record's line is where it ends: a quoted cell may span lines.
        return _pairs(path, list(reader.fieldnames or ()),
                      ((reader.line_num, row) for row in reader), columns)
    except csv.Error as error:
        raise ValueError(f"{path}, line {reader.line_num}: {error}") from None
    finally:
        csv.field_size_limit(limit)


def _names_known(header: str, delimiter: str) -> bool:
    folded = {name.strip().lower() for name in next(csv.reader([header], delimiter=delimiter),
                                                   [])}
    return any(name in folded for name in TEXT_COLUMNS + CATEGORY_COLUMNS)


def _numbered(content: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    for cells in reader:
        yield reader.line_num, cells


def _unnamed_pairs(path: Path, rows: list[tuple[int, list[str]]], choice: TwoColumns) -> Pairs:
    """Examples from rows of two cells whose columns were told apart by their values."""
    return _examples(path, ((line, cells[choice.text], cells[choice.category])
                            for line, cells in (rows[1:] if choice.first_row_is_header
                                                else rows)))


def _examples(path: Path, cells: Iterator[tuple[int, str, str]]) -> Pairs:
    """(text, category) of each numbered row that has both, a blank row a spreadsheet left
    skipped; a ValueError for a row with one of them, or a file with none."""
    pairs: Pairs = []
    for line, example, label in cells:
        label = label.strip()
        if not example.strip() and not label:
            continue
        if not example.strip() or not label:
            raise ValueError(f"{path}, line {line}: an example needs both a text and a "
                             "category")
        pairs.append((example, label))
    if not pairs:
        raise ValueError(f"{path} holds no examples")
    return pairs


def _text_of(path: Path) -> str:
    """The file's text, or a ValueError that names the file and what is wrong with it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(f"{path} does not exist") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, not a file of examples") from None
    except OSError as error:
        raise ValueError(f"{path} cannot be read: {error.strerror}") from None
    encoding = "utf-16" if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else (
        "utf-8-sig")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start + 1} is not): "
                         "save it as UTF-8") from None


def _delimiter(content: str, header: str) -> str:
    """The separator of a comma and what spreadsheets save in its place (a tab, or a
    semicolon where the comma is the decimal mark): the one that cuts the first lines into
    as many cells each, at least two; else the header's commonest, as the arrivals reader
    reads it (`workforce/arrival_export.py`). A file with no header row may hold commas in
    its texts between tabs."""
    lines = [line for line in content.splitlines()[:_SEPARATOR_LINES] if line.strip()]
    even = [mark for mark in "\t;," if lines and _cuts_evenly(lines, mark)]
    return even[0] if len(even) == 1 else max(",;\t", key=header.count)


def _cuts_evenly(lines: list[str], mark: str) -> bool:
    try:
        counts = {len(cells) for cells in csv.reader(lines, delimiter=mark)}
    except csv.Error:  # the reading proper says where and why
        return False
    return len(counts) == 1 and min(counts) >= 2


_SEPARATOR_LINES = 20


def _json_rows(path: Path, content: str) -> tuple[list[str], list[tuple[int, Any]]]:
    """A JSON array of objects, or JSON Lines: each object with the line it starts on."""
    if content.lstrip().startswith("["):
        try:
            items = json.loads(content)
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}, line {error.lineno}: not valid JSON") from None
        numbered = [(number, item) for number, item in enumerate(items, start=1)]
        where = "item"
    else:
        numbered = []
        for line, raw in enumerate(content.splitlines(), start=1):
            if not raw.strip():
                continue
            try:
                numbered.append((line, json.loads(raw)))
            except ValueError:
                if line == 1 and _is_json(content):
                    raise ValueError(f"{path} is one JSON object: give one object per line "
                                     "(JSON Lines) or an array of objects") from None
                raise ValueError(f"{path}, line {line}: not a JSON object") from None
        where = "line"
    fields: dict[str, None] = {}
    for number, row in numbered:
        if not isinstance(row, dict):
            raise ValueError(f"{path}, {where} {number}: not a JSON object")
        fields.update(dict.fromkeys(row))
    return list(fields), numbered


def _is_json(content: str) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


def _pairs(path: Path, fields: list[str], rows: Any, columns: Columns) -> Pairs:
    names = {str(name).strip().lower(): name for name in fields if name is not None}
    text = _column(path, names, columns.text, TEXT_COLUMNS)
    category = _column(path, names, columns.category, CATEGORY_COLUMNS)
    if text is None or category is None:
        raise ValueError(f"{path} needs the columns text,category (or one of "
                         f"{', '.join(TEXT_COLUMNS)} and one of "
                         f"{', '.join(CATEGORY_COLUMNS)}, or name them); it has "
                         f"{list(names)}")
    return _examples(path, ((line, _cell(row.get(text)), _cell(row.get(category)))
                            for line, row in rows))


def _column(path: Path, names: dict[str, Any], chosen: str | None,
            known: tuple[str, ...]) -> Any:
    if chosen is None:
        return next((names[c] for c in known if c in names), None)
    found = names.get(chosen.strip().lower())
    if found is None:
        raise ValueError(f"{path} has no column {chosen!r}; it has {list(names)}")
    return found


def _cell(value: object) -> str:
    """A cell as text: JSON Lines may hold numbers for labels; a missing cell is empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 3.0 in one file and 3 in another are the same label
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class IntentDataSet:
    name: str
    train: Pairs
    test: Pairs
    out_of_scope_label: str | None = None


def banking77(data_dir: Path) -> IntentDataSet:
    folder = data_dir / "banking77"
    return IntentDataSet(
        "banking77",
        read_examples(_require(folder / "train.csv")),
        read_examples(_require(folder / "test.csv")),
    )


def clinc150(data_dir: Path) -> IntentDataSet:
    """Full CLINC150; out-of-scope training examples only tune the abstain threshold."""
    raw = json.loads(_require(data_dir / "clinc150" / "data_full.json").read_text())

    def pairs(key: str) -> Pairs:
        return [(text, label) for text, label in raw[key]]

    return IntentDataSet(
        "clinc150",
        pairs("train") + pairs("oos_train"),
        pairs("test") + pairs("oos_test"),
        out_of_scope_label=OUT_OF_SCOPE,
    )


def language_samples(data_dir: Path, kind: str) -> Iterator[tuple[str, str]]:
    """(text, iso code) from lingua's test data; kind is 'sentences' or 'word-pairs'."""
    folder = _require(data_dir / "lingua_langid_testdata" / kind)
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield line.strip(), path.stem


def uci_sentiment(data_dir: Path) -> dict[str, list[tuple[str, int]]]:
    folder = _require(data_dir / "uci_sentiment_labelled_sentences")
    sets = {}
    for source in ("amazon_cells", "imdb", "yelp"):
        rows = []
        for line in (folder / f"{source}_labelled.txt").read_text(encoding="utf-8").splitlines():
            text, _, label = line.rstrip().rpartition("\t")
            if text and label in ("0", "1"):
                rows.append((text.strip(), int(label)))
        sets[source.split("_")[0]] = rows
    return sets


def goemotions_anger(data_dir: Path, split: str) -> list[tuple[str, int]]:
    """GoEmotions with Ekman groups: 1 when a comment is labelled anger (group 0)."""
    folder = _require(data_dir / "goemotions" / "ekman")
    labels = (folder / "labels.txt").read_text().split()
    anger = str(labels.index("anger"))
    rows = []
    for line in (folder / f"{split}.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2:
            rows.append((parts[0], int(anger in parts[1].split(","))))
    return rows


def davidson(data_dir: Path) -> list[tuple[str, int]]:
    """Tweets: 1 for hate speech or offensive language, 0 for neither."""
    path = _require(data_dir / "davidson_hate_offensive" / "labeled_data.csv")
    with path.open(newline="", encoding="utf-8") as stream:
        return [(row["tweet"], int(row["class"] != "2")) for row in csv.DictReader(stream)]


def presidio_synthetic(data_dir: Path) -> list[dict[str, Any]]:
    path = _require(data_dir / "presidio_synth_pii" / "synth_dataset_v2.json")
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return records
