"""Readable plain text from an HTML e-mail body (for the ticket, the index and triage)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hubdesk.html import structure_for_text

_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                     "blockquote", "pre", "table", "ul", "ol", "hr", "section", "article"})
_SKIPPED = frozenset({"script", "style", "head", "title"})
_CELLS = frozenset({"td", "th"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        elif tag == "blockquote":
            self._quote_depth += 1
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("- ")
        if tag in _CELLS and self.parts and not self.parts[-1].endswith(("\n", "\t")):
            self.parts.append("\t")  # "Name</td><td>Ana": two words, as a table copies
        if tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(f"[{alt}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "blockquote":
            self._quote_depth = max(0, self._quote_depth - 1)
            self.parts.append("\n")
        elif tag in _BLOCKS and tag != "tr":  # a table's rows are its lines, not paragraphs
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        text = re.sub(r"\s+", " ", data)
        if self._quote_depth:
            text = text.replace("\n", "\n> ")
            if not self.parts or self.parts[-1].endswith("\n"):
                text = "> " * self._quote_depth + text.lstrip()
        self.parts.append(text)


def html_to_text(html: str) -> str:
    """The words of ``html`` with paragraphs and line breaks kept, quoted parts as "> "."""
    html = structure_for_text(html)  # well-formed: the parser is slow on anything else
    collector = _TextCollector()
    try:
        collector.feed(html)
        collector.close()
    except Exception:  # html.parser copes with almost anything; never let it cost the mail
        return re.sub(r"<[^>]*>", " ", html)
    lines = [line.strip() for line in "".join(collector.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
