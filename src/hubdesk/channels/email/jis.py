"""ISO-2022-JP as Windows and Japanese phones write it.

Japanese mail is sent as ISO-2022-JP: ASCII, and JIS X 0208 between escape sequences. Outlook
and most Japanese clients write Microsoft's form of it (CP50220/CP50221), whose JIS rows also
hold NEC's and IBM's additions: circled numbers ("①"), "㈱", "㍉", and kanji of names such as
"髙" and "﨑". Python's ISO-2022-JP codecs refuse those, so one circled number made the whole
text unreadable. Here each JIS pair is moved to its Shift_JIS place (an arithmetic
mapping) and the text read as Windows' Shift_JIS, which holds the additions, as the WHATWG
encoding standard (and every browser) reads ISO-2022-JP.
"""

from __future__ import annotations

from hubdesk.channels.email.charsets import decoded_strictly

ISO_2022_JP_CODECS = frozenset({"iso2022_jp", "iso2022_jp_1", "iso2022_jp_2",
                                "iso2022_jp_2004", "iso2022_jp_3", "iso2022_jp_ext"})
ESCAPE = 0x1B
_TO_ASCII = (b"\x1b(B", b"\x1b(J")
_TO_JIS = (b"\x1b$B", b"\x1b$@")
_TO_KANA = b"\x1b(I"  # JIS X 0201 half-width katakana
_LINE_ENDS = (0x0A, 0x0D)


def iso2022_jp_windows(payload: bytes) -> str | None:
    """``payload`` read as Windows' ISO-2022-JP; None where it is not that."""
    converted = bytearray()
    mode = "ascii"
    index = 0
    while index < len(payload):
        byte = payload[index]
        if byte == ESCAPE:
            sequence = payload[index:index + 3]
            mode = "ascii" if sequence in _TO_ASCII else "jis" if sequence in _TO_JIS \
                else "kana" if sequence == _TO_KANA else ""
            if not mode:
                return None  # another set (JIS X 0212, a Chinese or Korean one)
            index += 3
            continue
        if byte > 0x7F:
            return None
        if byte in _LINE_ENDS or mode == "ascii" or byte < 0x21:
            converted.append(byte)
            mode = "ascii" if byte in _LINE_ENDS else mode
            index += 1
        elif mode == "kana":
            converted.append(byte + 0x80)
            index += 1
        else:
            if index + 1 >= len(payload) or not 0x21 <= payload[index + 1] <= 0x7E:
                return None
            converted += _shift_jis(byte, payload[index + 1])
            index += 2
    return decoded_strictly(bytes(converted), "cp932")


def _shift_jis(first: int, second: int) -> bytes:
    """A JIS X 0208 pair (row ``first``, cell ``second``, each 0x21-0x7E) in Shift_JIS."""
    lead = (first + 1) // 2 + 0x70
    lead += 0x40 if lead >= 0xA0 else 0
    # Odd rows take the first half of the lead byte's cells (skipping 0x7F), even the second.
    trail = second + 0x1F + (second >= 0x60) if first % 2 else second + 0x7E
    return bytes((lead, trail))
