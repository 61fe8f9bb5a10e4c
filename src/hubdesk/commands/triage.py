"""`hubdesk triage ...`: train the intent model and benchmark every detector.

Every command prints JSON on standard output (one object, or a list for `--backend all`);
progress goes to standard error so the output can be piped. `eval` needs only the triage
package (`hubdesk.triage.cli`); `train` and `learn-signals` read the desk's settings and, with
`--from-db`, its database, and hand the examples to triage's training as plain data.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.markup import escape

from hubdesk.config import Settings, get_settings
from hubdesk.triage import cli as triage_cli
from hubdesk.triage.evaluation import datasets
from hubdesk.triage.intent.classifier import BACKENDS

app = typer.Typer(help="Triage models: train the intent classifier, benchmark the detectors.")
triage_cli.register(app)


@app.command("train")
def train_command(
    csv_path: Path | None = typer.Option(
        None, "--csv", help=f"Categorised examples: {triage_cli.EXAMPLES_HELP}."
    ),
    text_column: str | None = typer.Option(None, help=triage_cli.TEXT_COLUMN_HELP),
    category_column: str | None = typer.Option(None, help=triage_cli.CATEGORY_COLUMN_HELP),
    out_of_scope_label: str | None = typer.Option(None, help=triage_cli.OUT_OF_SCOPE_HELP),
    from_db: bool = typer.Option(
        False, "--from-db", help="Learn from this desk's categorised tickets (agents' "
        "corrections included) in the configured database."
    ),
    backend: str = typer.Option("default", help=f"One of {', '.join(BACKENDS)}."),
    model_dir: Path | None = typer.Option(
        None, help="Where models are stored (default: the server's, HUBDESK_DATA_DIR/models/"
        "intent)."
    ),
) -> None:
    """Train the intent classifier and store it, versioned, as the current model; servers
    pick it up when they start."""
    from hubdesk.triage.intent.embedding import EmbeddingBackendUnavailable
    from hubdesk.triage.intent.store import ModelStore
    from hubdesk.triage.intent.training import (
        TrainingDataError,
        TrainingOptions,
        train_and_save,
    )

    triage_cli.chosen_backends(backend)
    if (csv_path is None) == (not from_db):
        triage_cli.stderr.print(
            "[red]say where the examples come from: --csv FILE or --from-db[/red]"
        )
        raise typer.Exit(2)
    settings = get_settings()
    store = ModelStore(model_dir or settings.data_dir / "models" / "intent")
    try:
        columns = datasets.Columns(text_column, category_column)
        examples = (datasets.read_examples(csv_path, columns) if csv_path is not None
                    else _examples_from_database(settings))
        options = TrainingOptions(backend=backend, out_of_scope_label=out_of_scope_label)
        with triage_cli.progress_bar() as progress:
            stored = train_and_save(examples, options, store, progress)
    except (datasets.DataSetMissing, ValueError, TrainingDataError,
            EmbeddingBackendUnavailable) as error:
        triage_cli.stderr.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    triage_cli.warn_of_training_data(stored.meta["metrics"])
    triage_cli.emit({"version": stored.version, "path": str(stored.path),
                     **stored.meta["metrics"]})


def _examples_from_database(settings: Settings) -> list[tuple[str, str]]:
    from hubdesk.bootstrap import build_hub
    from hubdesk.services.auth import LOCAL_OPERATOR

    hub = build_hub(settings.model_copy(update={"triage_enabled": False}))
    try:
        return hub.app.tickets.training_examples(LOCAL_OPERATOR)
    finally:
        hub.close()


@app.command("learn-signals")
def learn_signals_command(
    model_dir: Path | None = typer.Option(
        None, help="Where the desk's models are stored (default: the server's, "
        "HUBDESK_DATA_DIR/models/desk)."
    ),
) -> None:
    """Train the desk's own anger ("difficult") and abuse models from its agents' corrections
    in the configured database; servers pick them up when they start."""
    from hubdesk.triage.desk_models import DeskModelStore, learn_from_corrections

    settings = get_settings()
    store = DeskModelStore(model_dir or settings.data_dir / "models" / "desk")
    triage_cli.emit(learn_from_corrections(_corrections_from_database(settings), store))


def _corrections_from_database(settings: Settings) -> dict[str, list[tuple[str, bool]]]:
    from hubdesk.bootstrap import build_hub
    from hubdesk.domain.triage import Verdict
    from hubdesk.services.auth import LOCAL_OPERATOR

    hub = build_hub(settings.model_copy(update={"triage_enabled": False}))
    try:
        return {v.value: hub.app.triage.examples(LOCAL_OPERATOR, v) for v in Verdict}
    finally:
        hub.close()


def main() -> None:  # pragma: no cover - for `python -m hubdesk.commands.triage`
    app(prog_name="hubdesk triage")
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
