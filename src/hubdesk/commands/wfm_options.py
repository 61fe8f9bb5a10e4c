"""Options the wfm commands that read an arrivals export share, spelled once."""

from __future__ import annotations

from typing import Annotated

import typer

DateOrder = Annotated[str | None, typer.Option(
    help="dmy or mdy: the order of dates such as 03/04/2026, where no date in the file "
         "shows it")]
Queue = Annotated[str | None, typer.Option(
    help="the queue to read: a value of the queue column, or a count column of a wide "
         "export; all adds them (the default for a queue column)")]
