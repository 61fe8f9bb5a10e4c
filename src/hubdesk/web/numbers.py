"""Numbers typed into forms and query strings: ids, counts and minutes.

One reading for every screen, because ``str.isdigit`` accepts digits no ``int`` reads (``²``)
and numbers no database column holds; either would otherwise end a request in an error page
instead of a refusal naming the field."""

from __future__ import annotations

from starlette.convertors import Convertor

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.ids import ID_DIGITS


def whole_number(value: object, *, digits: int = ID_DIGITS) -> int | None:
    """``value`` as a whole number of at most ``digits`` ASCII digits, else None (blank,
    a sign, a fraction, another script's digits, too long) for the caller to refuse or
    ignore."""
    text = str(value or "").strip()
    if not text or len(text) > digits or not text.isascii() or not text.isdigit():
        return None
    return int(text)


def required_number(value: object, field: str, refusal: str, *, reason: str = "invalid",
                    digits: int = ID_DIGITS) -> int:
    """``value`` as :func:`whole_number` reads it; anything else is refused with ``refusal``,
    naming ``field``."""
    number = whole_number(value, digits=digits)
    if number is None:
        raise ValidationFailed(refusal, {field: reason})
    return number


class IdConvertor(Convertor[int]):
    """``{name:id}`` in a page's path: an id as :func:`whole_number` reads one, so a longer
    number is a page that does not exist rather than a query no database column answers."""

    regex = f"[0-9]{{1,{ID_DIGITS}}}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)
