"""Text from bytes in whatever charset a mail client claimed, including wrong claims.

The declared charset is tried first and strictly; then UTF-8; then, for text whose bytes say
it is in another script than Latin, the charset of that script they fit (`guessing.py`);
Windows-1252 (which decodes every byte) is the last resort, so decoding never fails and never
drops a message. A label of "us-ascii", "iso-8859-1" or "windows-1252" is what a client
writes when it knows no better: text so labelled is tried as UTF-8 and as another script
before it is read as labelled.
"""

from __future__ import annotations

import binascii
import codecs
import re
from urllib.parse import unquote_to_bytes

from hubdesk.channels.email.charsets import decoded_strictly
from hubdesk.channels.email.guessing import guess_charset
from hubdesk.channels.email.jis import ISO_2022_JP_CODECS, iso2022_jp_windows

# Labels senders use for a charset Python knows under another name, or a superset to prefer
# (Outlook labels Windows-1252 text as ISO-8859-1; GB2312 mail routinely holds GBK).
_SUPERSETS = {"latin-1": "windows-1252", "latin1": "windows-1252",
              "us-ascii": "windows-1252", "ascii": "windows-1252", "gb2312": "gb18030",
              "gbk": "gb18030", "x-gbk": "gb18030", "iso-2022-jp": "iso2022_jp_2",
              "shift_jis": "cp932", "shift-jis": "cp932", "x-sjis": "cp932",
              "ks_c_5601-1987": "cp949", "euc-kr": "cp949", "unicode-1-1-utf-7": "utf-7",
              "utf8": "utf-8", "x-unknown": "utf-8", "unknown-8bit": "utf-8",
              "iso8859_1": "windows-1252", "iso8859_11": "cp874"}


# Labels mail clients write (the WHATWG encoding standard lists them) for charsets Python
# knows by another name: Hebrew mail's "iso-8859-8-i", Thai Outlook's "windows-874", old Macs'
# "x-mac-roman", Korean Outlook's "ks_c_5601-1989".
_OTHER_LABELS = {"unicode-1-1-utf-8": "utf-8", "unicode11utf8": "utf-8",
                 "unicode20utf8": "utf-8", "x-unicode20utf8": "utf-8",
                 "visual": "iso8859_8", "logical": "iso8859_8", "sun_eu_greek": "iso8859_7",
                 "csisolatin9": "iso8859_15", "koi": "koi8_r", "koi8": "koi8_r",
                 "koi8-ru": "koi8_u", "mac": "mac_roman", "csmacintosh": "mac_roman",
                 "x-mac-roman": "mac_roman", "x-mac-cyrillic": "mac_cyrillic",
                 "x-mac-ukrainian": "mac_cyrillic", "x-mac-ce": "mac_latin2",
                 "x-mac-centraleurope": "mac_latin2", "x-mac-greek": "mac_greek",
                 "dos-874": "cp874", "windows-874": "cp874",
                 "csgb2312": "gb18030", "gb_2312": "gb18030", "gb_2312-80": "gb18030",
                 "big5": "big5hkscs", "cn-big5": "big5hkscs", "x-x-big5": "big5hkscs",
                 "csbig5": "big5hkscs", "x-euc-jp": "euc_jp", "cseucpkdfmtjapanese": "euc_jp",
                 "windows-31j": "cp932", "ms932": "cp932", "cseuckr": "cp949",
                 "csksc56011987": "cp949", "iso-ir-149": "cp949", "ks_c_5601-1989": "cp949",
                 "ksc_5601": "cp949", "ksc5601": "cp949", "windows-949": "cp949",
                 "korean": "cp949"}
# ISO 8859 however written ("iso88592", "iso_8859-1:1987", Hebrew's "iso-8859-8-i" and
# "csiso88598e", whose suffixes only say which way the text runs); Windows code pages
# written "x-cp1251" or "cp-850".
_ISO_8859 = re.compile(r"(?:cs)?iso[-_ ]?8859[-_ ]?(\d{1,2})(?:[-_:].*|[ie])?")
_CODE_PAGE = re.compile(r"(?:x-)?cp-?(\d{3,4})")


def python_codec(label: str | None) -> str | None:
    """Python's name for the charset ``label`` names (as mail clients write it, or "cp" and a
    Windows code page number), or None when Python knows none by it."""
    if not label:
        return None
    name = label.strip().strip('"').lower()
    if (iso := _ISO_8859.fullmatch(name)) is not None:
        name = f"iso8859_{int(iso[1])}"
    elif (page := _CODE_PAGE.fullmatch(name)) is not None:
        name = f"cp{page[1]}"
    name = _SUPERSETS.get(name, _OTHER_LABELS.get(name, name))
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError: a NUL byte inside the label
        return None


# The escape sequence that starts JIS X 0208 in ISO-2022-JP (its older form, "ESC $ @", too).
_JIS_ESCAPE = b"\x1b$"
# What "us-ascii", "iso-8859-1" and "windows-1252" all come to: the labels a client writes
# when it knows no better, so text labelled so may well be UTF-8 or another script.
_DEFAULT_LABEL = "cp1252"


def decode_text(payload: bytes, declared: str | None) -> tuple[str, bool]:
    """``payload`` as text, and whether the declared charset was right."""
    first = python_codec(declared)
    if first is not None and first != _DEFAULT_LABEL:
        text = decoded_strictly(payload, first)
        if text is not None:
            return text, True
    if _JIS_ESCAPE in payload and (first is None or first in ISO_2022_JP_CODECS
                                   or first == _DEFAULT_LABEL):
        # Japanese written with Windows' additions, or sent without its label: 7-bit, so
        # UTF-8 would take the escape sequences as they are.
        text = decoded_strictly(payload, "iso2022_jp_2") or iso2022_jp_windows(payload)
        if text is not None:
            return text, first in ISO_2022_JP_CODECS
    if first != "utf-8" and (text := decoded_strictly(payload, "utf-8")) is not None:
        return text, first is not None and payload.isascii()  # ASCII is what any label says
    guessed = guess_charset(payload)
    # The guess is made on the text's start: what follows may still not fit it.
    if guessed is not None and (text := decoded_strictly(payload, guessed)) is not None:
        return text, False
    if guessed is None and first in (None, "utf-8", _DEFAULT_LABEL) \
            and _UTF8_LETTER.search(payload) and _few_misfits(payload):
        return payload.decode("utf-8", _WINDOWS_1252_BYTES), False
    if first == _DEFAULT_LABEL and (text := decoded_strictly(payload, first)) is not None:
        return text, True
    return payload.decode("windows-1252", "replace"), False


# A letter written in UTF-8 (two to four bytes no Western text puts together, "Ã©" and the
# like), in text that is not UTF-8 throughout: a UTF-8 message a server added a Windows-1252
# disclaimer to, or a Latin-1 reply quoting a UTF-8 one. Each part is read as it was written.
_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                          rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_WINDOWS_1252_BYTES = "hubdesk-windows-1252"
# Each byte that is not UTF-8 costs a call into Python when read as Windows-1252 in UTF-8
# text: a text that is mostly not UTF-8 (bytes at random: 20 MB of them took 9 s) is read as
# Windows-1252 at once.
_MAX_MISFITS = 100_000


def _few_misfits(payload: bytes) -> bool:
    return payload.decode("utf-8", "replace").count("\ufffd") <= _MAX_MISFITS


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    piece = error.object[error.start:error.end]
    return bytes(piece).decode("windows-1252", "replace"), error.end


codecs.register_error(_WINDOWS_1252_BYTES, _as_windows_1252)


# An HTML document's own declaration of its charset, among its first bytes:
# <meta charset="koi8-r"> or <meta http-equiv="Content-Type" content="text/html; charset=…">.
_HTML_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]{1,40})""", re.I)
_HTML_PRESCAN_BYTES = 4096


def html_charset(document: bytes) -> str | None:
    """The charset an HTML document declares in a meta tag near its start, if any: where
    mail clients that leave it out of the part's header say what they wrote."""
    found = _HTML_CHARSET.search(document[:_HTML_PRESCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


def repair_header(value: str) -> str:
    """A decoded header that still holds raw 8-bit bytes (smuggled in as surrogates when a
    client wrote UTF-8 or Latin-1 without encoded words)."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    text, _ = decode_text(raw, None)
    return text


# RFC 2047: =?charset[*language]?B|Q?text?=
_ENCODED_WORD = re.compile(rb"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_ONLY_SPACE = re.compile(rb"\s*")


def decode_raw_header(raw: str, hint: str | None = None) -> str:
    """A header's text from its raw value, where the standard library's reading lost
    characters: 8-bit bytes in a charset other than UTF-8 (old clients write Latin-1 or
    KOI8-R headers unencoded, most likely in the charset of their text, ``hint``) and encoded
    words in a charset it does not know or a sender got wrong. Encoded words are decoded as
    `decode_text` decodes a text part, the bytes between them in ``hint``; space between two
    encoded words is dropped (RFC 2047, 6.2). Neighbouring words in one charset are decoded
    together: some mailers cut a long name between the two bytes of a letter."""
    data = raw.encode("utf-8", "surrogateescape")  # smuggled 8-bit bytes come back as bytes
    parts: list[str] = []
    held: tuple[str, bytes] | None = None  # neighbouring encoded words in one charset
    end = 0
    after_word = False
    for word in _ENCODED_WORD.finditer(data):
        between = data[end:word.start()]
        neighbour = after_word and _ONLY_SPACE.fullmatch(between) is not None
        found = _word_bytes(word)
        if neighbour and found is not None and held is not None and found[0] == held[0]:
            held = (held[0], held[1] + found[1])
        else:
            if held is not None:
                parts.append(decode_text(held[1], held[0])[0])
            held = found
            if between and not neighbour:
                parts.append(decode_text(between, hint)[0])
            if found is None:
                parts.append(word.group(0).decode("ascii", "replace"))  # shown as it came
        end = word.end()
        after_word = True
    if held is not None:
        parts.append(decode_text(held[1], held[0])[0])
    if end < len(data):
        parts.append(decode_text(data[end:], hint)[0])
    return " ".join("".join(parts).split())


def _word_bytes(word: re.Match[bytes]) -> tuple[str, bytes] | None:
    """An encoded word's charset (as labelled) and bytes; None if they cannot be decoded."""
    charset = word.group(1).decode("ascii", "replace").partition("*")[0].lower()
    payload = word.group(3)
    try:
        if word.group(2) in (b"B", b"b"):
            return charset, binascii.a2b_base64(payload + b"=" * (-len(payload) % 4))
        return charset, binascii.a2b_qp(payload, header=True)
    except (binascii.Error, ValueError):
        return None


# One parameter of a Content-Type or Content-Disposition header as it came: its name, the
# star of RFC 2231's charset'language'percent-encoded form, and its value, quoted or bare. A
# quote left open takes the rest of the header (never read again from each ";" in it).
_PARAMETER = re.compile(r"""(?:^|;)\s*([\w.-]{1,40})(\*)?\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)""")
_QUOTED_PAIR = re.compile(r"\\(.)")


def raw_parameter(value: str, name: str, hint: str | None = None) -> str | None:
    """The parameter ``name`` of a header's raw ``value``, decoded where the standard
    library could not: a bare encoded word (``name==?utf-8?B?…?=``, which it drops), 8-bit
    bytes in a charset other than UTF-8 (read in ``hint``, the charset of the message's
    text), RFC 2231 bytes its charset refuses. None when the header has no such parameter."""
    for found in _PARAMETER.finditer(value):
        if found[1].lower() != name:
            continue
        text = found[3].strip()
        if found[2]:
            charset, _, rest = text.strip('"').partition("'")
            encoded = rest.partition("'")[2]
            payload = unquote_to_bytes(encoded.encode("utf-8", "surrogateescape"))
            return decode_text(payload, charset or hint)[0]
        if len(text) > 1 and text[0] == text[-1] == '"':
            text = _QUOTED_PAIR.sub(r"\1", text[1:-1])
        return decode_raw_header(text, hint)
    return None
