"""Training texts labelled with more than one category.

A desk's export often holds the same message twice, filed by two agents under two categories.
The model cannot learn both, and when one copy is held out to choose the abstain threshold its
answer counts as wrong however sure it is: ten per cent of BANKING77's training queries copied
under another category doubled the share of test messages abstained on (10.2 % to 19.7 %,
the cap). Training goes on; whoever trains is told which categories the copies are split
between, never the texts themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

CONFLICTS_KEY = "conflicting_labels"
PAIRS_SHOWN = 5


def same_text(text: str) -> str:
    """Two examples are one message when they differ only in case and spacing."""
    return " ".join(text.casefold().split())


def conflicting_labels(texts: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """How many texts carry more than one category, and the commonest pairs of categories
    they are split between; empty when none is."""
    categories: dict[str, set[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        categories.setdefault(same_text(text), set()).add(label)
    split = [sorted(found) for found in categories.values() if len(found) > 1]
    if not split:
        return {}
    pairs = Counter(" / ".join(found[:2]) for found in split)
    return {"texts": len(split),
            "commonest": dict(sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
                              [:PAIRS_SHOWN])}


def conflicts_warning(conflicts: dict[str, Any] | None) -> str | None:
    """One line saying how many texts are labelled twice, or None."""
    if not conflicts:
        return None
    shown = ", ".join(f"{pair} ({count})" for pair, count in conflicts["commonest"].items())
    count = conflicts["texts"]
    which = "1 text is" if count == 1 else f"{count} texts are"
    return (f"{which} labelled with more than one category, so the model cannot learn them "
            f"and they raise the abstain threshold: {shown}")
