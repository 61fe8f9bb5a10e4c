"""`hubdesk triage ...`: train the intent model and benchmark every detector.

Every command prints JSON on standard output (one object, or a list for `--backend all`);
progress goes to standard error so the output can be piped.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from hubdesk.triage.evaluation import datasets
from hubdesk.triage.intent.classifier import BACKENDS

app = typer.Typer(help="Triage models: train the intent classifier, benchmark the detectors.")
_stderr = Console(stderr=True)

SIGNAL_DATASETS = ("lingua", "uci", "goemotions", "davidson", "presidio")
INTENT_DATASETS = ("banking77", "clinc150")


class DataSetName(StrEnum):
    banking77 = "banking77"
    clinc150 = "clinc150"
    lingua = "lingua"
    uci = "uci"
    goemotions = "goemotions"
    davidson = "davidson"
    presidio = "presidio"


@contextmanager
def _progress_bar():  # type: ignore[no-untyped-def]
    """Yields a callback(stage, done, total) that draws a bar on standard error."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=_stderr,
        transient=True,
    ) as progress:
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def _emit(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False))


def _backends(choice: str) -> list[str]:
    if choice == "all":
        return list(BACKENDS)
    if choice not in BACKENDS:
        raise typer.BadParameter(f"unknown backend {choice!r}; choose from {(*BACKENDS, 'all')}")
    return [choice]


@app.command("eval")
def evaluate(
    dataset: DataSetName | None = typer.Option(None, help="A public data set to benchmark on."),
    train: Path | None = typer.Option(None, help="Training CSV with columns text,category."),
    test: Path | None = typer.Option(None, help="Test CSV with columns text,category."),
    backend: str = typer.Option("default", help=f"One of {', '.join(BACKENDS)}, or 'all'."),
    data_dir: Path | None = typer.Option(
        None, help=f"Shared data folder (default: ${datasets.SHARED_DATA_ENV} or ../shared/data)."
    ),
) -> None:
    """Benchmark intent (banking77, clinc150, or --train/--test) or the other detectors."""
    from hubdesk.triage.evaluation.intent import evaluate_intent
    from hubdesk.triage.intent.embedding import EmbeddingBackendUnavailable
    from hubdesk.triage.intent.training import TrainingDataError

    folder = datasets.shared_data_dir(data_dir)
    try:
        if dataset is not None and dataset.value in SIGNAL_DATASETS:
            from hubdesk.triage.evaluation.signals import evaluate_signals

            _emit(evaluate_signals(dataset.value, folder))
            return
        data = _intent_data(dataset, train, test, folder)
        with _progress_bar() as progress:
            results = evaluate_intent(data, _backends(backend), progress)
    except (datasets.DataSetMissing, EmbeddingBackendUnavailable, TrainingDataError) as error:
        _stderr.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    _emit(results if backend == "all" else results[0])


def _intent_data(
    dataset: DataSetName | None, train: Path | None, test: Path | None, folder: Path
) -> datasets.IntentDataSet:
    if dataset is DataSetName.banking77:
        return datasets.banking77(folder)
    if dataset is DataSetName.clinc150:
        return datasets.clinc150(folder)
    if train is None or test is None:
        raise typer.BadParameter("give --dataset, or both --train and --test CSV files")
    return datasets.IntentDataSet(
        train.stem,
        datasets.read_text_category_csv(train),
        datasets.read_text_category_csv(test),
    )


@app.command("train")
def train_command(
    csv_path: Path | None = typer.Option(
        None, "--csv", help="Categorised examples: columns text,category."
    ),
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
    from hubdesk.config import get_settings
    from hubdesk.triage.intent.embedding import EmbeddingBackendUnavailable
    from hubdesk.triage.intent.store import ModelStore
    from hubdesk.triage.intent.training import (
        TrainingDataError,
        TrainingOptions,
        train_and_save,
    )

    _backends(backend)
    if (csv_path is None) == (not from_db):
        _stderr.print("[red]say where the examples come from: --csv FILE or --from-db[/red]")
        raise typer.Exit(2)
    settings = get_settings()
    store = ModelStore(model_dir or settings.data_dir / "models" / "intent")
    try:
        examples = (datasets.read_text_category_csv(csv_path) if csv_path is not None
                    else _examples_from_database(settings))
        with _progress_bar() as progress:
            stored = train_and_save(examples, TrainingOptions(backend=backend), store, progress)
    except (datasets.DataSetMissing, ValueError, TrainingDataError,
            EmbeddingBackendUnavailable) as error:
        _stderr.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    _emit({"version": stored.version, "path": str(stored.path), **stored.meta["metrics"]})


def _examples_from_database(settings: Any) -> list[tuple[str, str]]:
    from hubdesk.bootstrap import build_hub
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.tickets import training_examples

    hub = build_hub(settings.model_copy(update={"triage_enabled": False}))
    try:
        return training_examples(hub.uows, LOCAL_OPERATOR)
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
    from hubdesk.config import get_settings
    from hubdesk.triage.desk_models import DeskModelStore, learn_from_corrections

    settings = get_settings()
    store = DeskModelStore(model_dir or settings.data_dir / "models" / "desk")
    _emit(learn_from_corrections(_corrections_from_database(settings), store))


def _corrections_from_database(settings: Any) -> dict[str, list[tuple[str, bool]]]:
    from hubdesk.bootstrap import build_hub
    from hubdesk.domain.triage import Verdict
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.feedback import verdict_examples

    hub = build_hub(settings.model_copy(update={"triage_enabled": False}))
    try:
        return {v.value: verdict_examples(hub.uows, LOCAL_OPERATOR, v) for v in Verdict}
    finally:
        hub.close()


def main() -> None:  # pragma: no cover - for `python -m hubdesk.triage.cli`
    app(prog_name="hubdesk triage")
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
