"""The text of Outlook's compressed RTF body (MS-OXRTFCP), as kept inside winmail.dat.

Outlook keeps a message's body as RTF compressed with a small LZ77 dictionary ("LZFu"), and
HTML mail as HTML wrapped in that RTF (`\\fromhtml1`). Only the words are wanted here, for
a message whose mail carried no other text: the RTF is read front to back once, skipping
what is not text (font and colour tables, pictures, the wrapped HTML's tags), and the
decompression stops at `MAX_RTF_BYTES` whatever its header claims, so neither a forged size
nor a reference loop costs more than that.
"""

from __future__ import annotations

import re
import struct

from hubdesk.channels.email.decoding import python_codec

# The dictionary every compressed stream starts from (MS-OXRTFCP 2.1.2.1), 207 bytes.
_PRESET = (b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
           b"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
           b"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx")
_COMPRESSED, _UNCOMPRESSED = 0x75465A4C, 0x414C454D  # "LZFu", "MELA"
_WINDOW = 4096
MAX_RTF_BYTES = 1024 * 1024


class UnreadableRtf(ValueError):
    """Not compressed RTF, or compressed RTF cut short."""


def decompressed(data: bytes) -> bytes:
    """The RTF that ``data`` (a PidTagRtfCompressed value) holds."""
    if len(data) < 16:
        raise UnreadableRtf("shorter than its header")
    _, raw_size, kind, _ = struct.unpack_from("<IIII", data)
    if kind == _UNCOMPRESSED:
        return data[16:16 + min(raw_size, MAX_RTF_BYTES)]
    if kind != _COMPRESSED:
        raise UnreadableRtf(f"unknown compression {kind:#010x}")
    window = bytearray(_PRESET.ljust(_WINDOW, b"\0"))
    write = len(_PRESET)
    out = bytearray()
    position = 16
    while position < len(data) and len(out) < MAX_RTF_BYTES:
        control = data[position]
        position += 1
        for bit in range(8):
            if position >= len(data):
                break
            if not control & (1 << bit):  # a literal byte
                window[write] = data[position]
                out.append(data[position])
                write = (write + 1) % _WINDOW
                position += 1
                continue
            if position + 1 >= len(data):
                raise UnreadableRtf("a reference cut short")
            reference = (data[position] << 8) | data[position + 1]
            position += 2
            offset, length = reference >> 4, (reference & 0xF) + 2
            if offset == write:  # the end marker
                return bytes(out[:MAX_RTF_BYTES])
            for step in range(length):
                byte = window[(offset + step) % _WINDOW]
                window[write] = byte
                out.append(byte)
                write = (write + 1) % _WINDOW
    return bytes(out[:MAX_RTF_BYTES])


# A control word (with its number and the one space that ends it), an escaped byte, a
# control symbol, a group's brace, a line break of the file (not of the text), or text.
_TOKEN = re.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])"
                    rb"|[\r\n]+|([^\\{}\r\n]+)", re.DOTALL)
# Groups whose content is not the text: tables, pictures, the document's information.
_NOT_TEXT = frozenset({b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict",
                       b"object", b"header", b"footer", b"listtable", b"listoverridetable",
                       b"revtbl", b"rsidtbl", b"generator", b"xmlnstbl", b"themedata",
                       b"datastore", b"latentstyles", b"fldinst"})
_BREAKS = {b"par": "\n", b"line": "\n", b"sect": "\n", b"page": "\n", b"row": "\n",
           b"tab": "\t", b"cell": "\t", b"emdash": "—", b"endash": "–", b"bullet": "•",
           b"lquote": "‘", b"rquote": "’", b"ldblquote": "“", b"rdblquote": "”"}
# Control symbols: a no-break space, an optional hyphen, a no-break hyphen, a line break.
_SYMBOLS = {b"~": "\u00a0", b"-": "", b"_": "-", b"\n": "\n", b"\r": "\n"}


def rtf_text(rtf: bytes) -> str:
    """The words of an RTF document, paragraphs as lines; of RTF wrapping HTML, the HTML's
    words (its tags, kept in `\\*\\htmltag` groups, are left out, as is the text only the
    RTF rendering shows, between `\\htmlrtf` and `\\htmlrtf0`)."""
    reader = _Reader()
    for token in _TOKEN.finditer(rtf):
        reader.read(*token.groups())
    lines = [" ".join(line.split()) for line in "".join(reader.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Reader:
    def __init__(self) -> None:
        self.out: list[str] = []
        self.codepage = "cp1252"
        self.skipping = [False]  # per open group: whether its content is left out
        self.html_only = False
        self.unicode_stand_ins = 1  # characters after each \uN standing in for it
        self.to_drop = 0

    def read(self, word: bytes | None, number: bytes | None, hexbyte: bytes | None,
             symbol: bytes | None, brace: bytes | None, text: bytes | None) -> None:
        if self.to_drop and (hexbyte or symbol or text):
            if text is None or len(text) <= self.to_drop:
                self.to_drop -= 1 if text is None else len(text)
                return
            text, self.to_drop = text[self.to_drop:], 0
        if brace is not None or word is not None:
            self.to_drop = 0
        if brace == b"{":
            self.skipping.append(self.skipping[-1])
        elif brace == b"}":
            if len(self.skipping) > 1:
                self.skipping.pop()
        elif symbol == b"*" or word in _NOT_TEXT:
            self.skipping[-1] = True  # an optional destination, or a table: not text
        elif word is not None:
            self._control(word, number)
        elif not self.skipping[-1] and not self.html_only:
            self._text(hexbyte, symbol, text)

    def _control(self, word: bytes, number: bytes | None) -> None:
        if word == b"ansicpg" and number:
            self.codepage = python_codec(f"cp{int(number)}") or self.codepage
        elif word == b"uc" and number:
            self.unicode_stand_ins = max(0, min(int(number), 8))
        elif word == b"htmlrtf":
            self.html_only = number != b"0"
        elif self.skipping[-1]:
            return
        elif word == b"u" and number and not self.html_only:
            self.out.append(chr(int(number) % 0x10000))
            self.to_drop = self.unicode_stand_ins
        elif word in _BREAKS and (word in (b"par", b"line") or not self.html_only):
            self.out.append(_BREAKS[word])  # breaks of the rendering shape the HTML's too

    def _text(self, hexbyte: bytes | None, symbol: bytes | None, text: bytes | None) -> None:
        if hexbyte is not None:
            self.out.append(bytes([int(hexbyte, 16)]).decode(self.codepage, "replace"))
        elif symbol is not None:
            self.out.append(_SYMBOLS.get(symbol, symbol.decode("latin-1")))
        elif text:
            self.out.append(text.decode(self.codepage, "replace"))

