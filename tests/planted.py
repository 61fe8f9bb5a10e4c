"""Personal data planted in failing requests; no log line of the whole test run may hold it
(checked at the end of the run by tests/conftest.py)."""

EMAIL = "planted.quillfeather@example.org"
CARD = "4000056655665556"
NAME = "Zebediah Quillfeather"
MARKERS = (EMAIL, CARD, NAME, "Quillfeather")
