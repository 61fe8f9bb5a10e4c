"""Text signed inline with OpenPGP (RFC 4880, section 7: "-----BEGIN PGP SIGNED
MESSAGE-----", "Hash: SHA256", the text, then the signature's armored block), as Enigmail,
Mailvelope and scripts write it: the desk shows the signed words, as a signed MIME message
shows its text; the original message keeps the signature."""

from __future__ import annotations

from bisect import bisect_right

BEGIN_SIGNED = "-----BEGIN PGP SIGNED MESSAGE-----"
_BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----"
_END_SIGNATURE = "-----END PGP SIGNATURE-----"


def signed_words(text: str) -> str:
    """``text`` with each whole clear-signed block replaced by the words it signs: its armor
    headers ("Hash: …") and its signature taken out, its dash-escaped lines ("- -- ") given
    back their dash. A block without its signature is left as it came."""
    if BEGIN_SIGNED not in text:
        return text
    lines = text.split("\n")
    signatures = [n for n, line in enumerate(lines) if line.strip() == _BEGIN_SIGNATURE]
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        after = bisect_right(signatures, index)
        if line.strip() != BEGIN_SIGNED or after == len(signatures):
            kept.append(line)
            index += 1
            continue
        start = _after_armor_headers(lines, index + 1)
        signature = signatures[after]
        kept.extend(line[2:] if line.startswith("- ") else line
                    for line in lines[start:signature])
        index = _after_signature(lines, signature + 1)
    return "\n".join(kept)


def _after_armor_headers(lines: list[str], index: int) -> int:
    """The first line of the signed text: after the "Hash: …" lines and the blank line."""
    while index < len(lines) and lines[index].strip() and ":" in lines[index]:
        index += 1
    return index + 1 if index < len(lines) and not lines[index].strip() else index


def _after_signature(lines: list[str], index: int) -> int:
    while index < len(lines) and lines[index].strip() != _END_SIGNATURE:
        index += 1
    return index + 1
