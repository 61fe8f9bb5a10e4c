"""Files of examples whose columns are not named as intent data sets name them: two columns
with no header at all (``text<TAB>category``, as many sets are kept), or with a header of
other names (``Document,Topic_group``); and the line-aligned pair of files ``seq.in`` and
``label`` that few-shot benchmark collections keep their sets in.

Of two columns, the one whose values repeat is the category and the other the text; the
first row is examples, not names, when its category cell recurs below it, as a category
does and a column's name does not."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

TEXT_FILE, CATEGORY_FILE = "seq.in", "label"


@dataclass(frozen=True)
class TwoColumns:
    text: int
    category: int
    first_row_is_header: bool


def two_columns(rows: list[list[str]]) -> TwoColumns | None:
    """Which of two columns holds the text and which the category, and whether the first row
    names them; None unless every row has two cells and the columns can be told apart."""
    if len(rows) < 3 or any(len(row) != 2 for row in rows):
        return None
    below = rows[1:]
    distinct = [len({_key(row[i]) for row in below}) for i in (0, 1)]
    if distinct[0] == distinct[1]:
        return None
    category = 0 if distinct[0] < distinct[1] else 1
    named = _key(rows[0][category]) not in {_key(row[category]) for row in below}
    return TwoColumns(text=1 - category, category=category, first_row_is_header=named)


def is_line_aligned(folder: Path) -> bool:
    return folder.is_dir() and (folder / TEXT_FILE).is_file() and (
        folder / CATEGORY_FILE).is_file()


def line_aligned(folder: Path) -> list[tuple[int, list[str]]]:
    """Each line of ``seq.in`` with the same line of ``label``, numbered; a ValueError when
    the two files do not have as many lines."""
    texts = _lines(folder / TEXT_FILE)
    categories = _lines(folder / CATEGORY_FILE)
    if len(texts) != len(categories):
        raise ValueError(f"{folder}: {TEXT_FILE} has {len(texts)} lines and {CATEGORY_FILE} "
                         f"{len(categories)}; each line of one is the other's example")
    return [(number, [text, category])
            for number, (text, category) in enumerate(zip(texts, categories, strict=True),
                                                      start=1)]


def _lines(path: Path) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not UTF-8 text (byte {error.start + 1} is not): "
                         "save it as UTF-8") from None
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _key(cell: str) -> str:
    return " ".join(cell.split()).casefold()
