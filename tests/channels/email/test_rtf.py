"""Outlook's compressed RTF (MS-OXRTFCP) is decompressed and read into words, for a mail whose
only text is the rich-text body inside its winmail.dat."""

from __future__ import annotations

import struct

import pytest

from hubdesk.channels.email.parsing import StdlibMailParser
from hubdesk.channels.email.rtf import MAX_RTF_BYTES, UnreadableRtf, decompressed, rtf_text
from tests.channels.email import tnef_writer as w
from tests.channels.email.test_winmail_dat import TNEF, _mail

SAMPLE = (rb"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}\pard\f0 Hello team,"
          rb"\par my parcel never came. Gr\u252\'fc\u223\'dfe, J\'fcrgen\par}")
# SAMPLE as another implementation of MS-OXRTFCP compressed it (the compressed_rtf package).
SAMPLE_COMPRESSED = (
    b"v\x00\x00\x00\x8e\x00\x00\x00LZFu\xfb\xf2\xa7\x94\x03\x00\n\x00rcpg125~2\x00\xf4\x01"
    b"\xf7\x02\xa4\x03\xe4\x07\x13\x02\x80}C\n\xf4\x02\xc0 Hel\t\x00  team,\n\xa3my\n \n\xb1c"
    b"\x110 nev\t\x04\x90 c\x11\xa0e. Gfr\x0c`\x0e2'f\x00\xe0\x13\xb02\x023\x13\xf0dfe, J\xb1"
    b"\x13\xf2rge\x0b\x90\n\xb1}\x15\xd0")


def _literals_only(rtf: bytes) -> bytes:
    """A valid compressed stream that spells every byte out, then ends."""
    body = b""
    for start in range(0, len(rtf), 8):
        body += b"\x00" + rtf[start:start + 8]
    end_at = (207 + len(rtf)) % 4096
    marker = struct.pack(">H", end_at << 4)
    body += (b"\x01" + marker) if len(rtf) % 8 == 0 else b""
    if len(rtf) % 8:  # the last run's control byte gains the end marker's bit
        last = len(rtf) % 8
        body = body[:-(last + 1)] + bytes([1 << last]) + rtf[-last:] + marker
    return struct.pack("<IIII", len(body) + 12, len(rtf), 0x75465A4C, 0) + body


def test_another_implementations_compression_is_read_back():
    assert decompressed(SAMPLE_COMPRESSED) == SAMPLE


def test_references_into_the_preset_dictionary_and_plain_literals_are_read():
    # "{\rtf1" is the preset's first six bytes: one reference (offset 0, length 6).
    body = bytes([0b0010_0001]) + struct.pack(">H", (0 << 4) | (6 - 2)) + b" Hi}"
    body += struct.pack(">H", (207 + 10) << 4)  # the end: a reference to where it writes
    stream = struct.pack("<IIII", len(body) + 12, 10, 0x75465A4C, 0) + body
    assert decompressed(stream) == rb"{\rtf1 Hi}"
    assert decompressed(_literals_only(SAMPLE)) == SAMPLE
    for size in range(1, 17):
        assert decompressed(_literals_only(SAMPLE[:size])) == SAMPLE[:size]


def test_uncompressed_rtf_is_taken_as_it_is():
    stream = struct.pack("<IIII", len(SAMPLE) + 12, len(SAMPLE), 0x414C454D, 0) + SAMPLE
    assert decompressed(stream) == SAMPLE


@pytest.mark.parametrize("stream", [
    b"short",
    struct.pack("<IIII", 12, 10, 0x12345678, 0),
    # A control byte that promises a reference, and one byte of it.
    struct.pack("<IIII", 14, 10, 0x75465A4C, 0) + b"\x01\x00",
])
def test_what_is_not_compressed_rtf_is_refused(stream):
    with pytest.raises(UnreadableRtf):
        decompressed(stream)


def test_output_stops_at_its_bound_whatever_the_stream_claims():
    # Each two bytes are a reference copying 17 bytes (from half a window behind, never
    # where the end is marked): a megabyte from 140 KB, and the stream goes on.
    body = bytearray()
    write = 207
    for _ in range(8_000):
        body.append(0xFF)
        for _ in range(8):
            body += struct.pack(">H", ((write + 2048) % 4096) << 4 | 15)
            write = (write + 17) % 4096
    stream = struct.pack("<IIII", 0, 0xFFFFFFFF, 0x75465A4C, 0) + bytes(body)
    assert len(decompressed(stream)) == MAX_RTF_BYTES


def test_the_words_of_rtf():
    assert rtf_text(SAMPLE) == "Hello team,\nmy parcel never came. Grüße, Jürgen"
    cyrillic = (rb"{\rtf1\ansi\ansicpg1251{\fonttbl{\f0 Arial;}}{\*\generator Riched20;}"
                rb"\pard \'c7\'e4\'f0\'e0\'e2\'f1\'f2\'e2\'f3\'e9\'f2\'e5!\par}")
    assert rtf_text(cyrillic) == "Здравствуйте!"


def test_the_words_of_html_wrapped_in_rtf():
    wrapped = (rb"{\rtf1\ansi\ansicpg1252\fromhtml1 \deff0{\fonttbl{\f0\fswiss Arial;}}"
               rb"{\*\htmltag19 <html>}{\*\htmltag41 <style>p{color:red}</style>}"
               rb"{\*\htmltag64 <p>}\htmlrtf {\htmlrtf0 Where is my {\*\htmltag84 <b>}"
               rb"\htmlrtf {\b \htmlrtf0 parcel{\*\htmltag92 </b>}\htmlrtf }\htmlrtf0 ?"
               rb"\htmlrtf\par\htmlrtf0 {\*\htmltag72 </p>}{\*\htmltag64 <p>}Thanks"
               rb"{\*\htmltag72 </p>}}}")
    assert rtf_text(wrapped) == "Where is my parcel?\nThanks"


def test_a_mail_whose_only_text_is_rich_text_in_winmail_dat_shows_it():
    stream = w.tnef([w.File("photo.jpg", b"\xff\xd8\xff jpeg", [])], message_properties=[
        w.binary_property(w.PR_RTF_COMPRESSED, SAMPLE_COMPRESSED)])
    parsed = StdlibMailParser().parse(_mail((TNEF, stream)))
    assert parsed.text == "Hello team,\nmy parcel never came. Grüße, Jürgen"
    assert [a.filename for a in parsed.attachments] == ["photo.jpg"]
    assert parsed.notices == ()
