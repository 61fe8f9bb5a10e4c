"""`hubdesk triage eval` and what every `hubdesk triage` command shares.

Every command prints JSON on standard output (one object, or a list for `--backend all`);
progress goes to standard error so the output can be piped. The commands that read the desk's
database or settings live in `hubdesk.commands.triage`, which mounts this one beside them:
nothing here reaches past the triage package and its data files.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from hubdesk.triage.evaluation import datasets
from hubdesk.triage.intent.classifier import BACKENDS, ProgressCallback

# Refusals name files by their whole path: a wrapped line would split it where the width falls.
stderr = Console(stderr=True, soft_wrap=True)

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
def progress_bar() -> Iterator[ProgressCallback]:
    """Yields a callback(stage, done, total) that draws a bar on standard error."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage, total=total)
            progress.update(tasks[stage], completed=done, total=total)

        yield update


def emit(payload: object) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False))


def chosen_backends(choice: str) -> list[str]:
    if choice == "all":
        return list(BACKENDS)
    if choice not in BACKENDS:
        raise typer.BadParameter(f"unknown backend {choice!r}; choose from {(*BACKENDS, 'all')}")
    return [choice]


def warn_of_training_data(metrics: dict[str, Any]) -> None:
    """The lines on standard error that say what in the examples hinders the model: too few
    examples of a category, texts labelled with two."""
    from hubdesk.triage.intent.label_conflicts import CONFLICTS_KEY, conflicts_warning
    from hubdesk.triage.intent.training import FEW_EXAMPLES_KEY, few_examples_warning

    for warning in (few_examples_warning(metrics.get(FEW_EXAMPLES_KEY) or {}),
                    conflicts_warning(metrics.get(CONFLICTS_KEY))):
        if warning:
            stderr.print(f"[yellow]{escape(warning)}[/yellow]")


def register(app: typer.Typer) -> None:
    """Mount the commands that need only the triage package."""
    app.command("eval")(evaluate)


TEXT_COLUMN_HELP = ("The column holding each example's text (default: the first of "
                    f"{', '.join(datasets.TEXT_COLUMNS)}).")
CATEGORY_COLUMN_HELP = ("The column holding each example's category (default: the first of "
                        f"{', '.join(datasets.CATEGORY_COLUMNS)}).")
OUT_OF_SCOPE_HELP = ("The category of examples that belong to none of the others (CLINC150's "
                     "'oos'): they only tune the abstain threshold, and abstaining on them is "
                     "right.")
EXAMPLES_HELP = ("columns text,category; a CSV (comma, tab or semicolon) or JSON Lines "
                 "or a JSON array; two columns of other names, or with no header, are told "
                 "apart by their values; or a folder of seq.in and label files")


def evaluate(
    dataset: DataSetName | None = typer.Option(None, help="A public data set to benchmark on."),
    train: Path | None = typer.Option(None, help=f"Training examples: {EXAMPLES_HELP}."),
    test: Path | None = typer.Option(None, help="Test examples, in the training file's form."),
    text_column: str | None = typer.Option(None, help=TEXT_COLUMN_HELP),
    category_column: str | None = typer.Option(None, help=CATEGORY_COLUMN_HELP),
    backend: str = typer.Option("default", help=f"One of {', '.join(BACKENDS)}, or 'all'."),
    out_of_scope_label: str | None = typer.Option(None, help=OUT_OF_SCOPE_HELP),
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

            emit(evaluate_signals(dataset.value, folder))
            return
        data = _intent_data(dataset, train, test, folder,
                            datasets.Columns(text_column, category_column), out_of_scope_label)
        with progress_bar() as progress:
            results = evaluate_intent(data, chosen_backends(backend), progress)
    except (datasets.DataSetMissing, ValueError, EmbeddingBackendUnavailable,
            TrainingDataError) as error:
        stderr.print(f"[red]{escape(str(error))}[/red]")
        raise typer.Exit(2) from error
    for result in results[:1]:
        warn_of_training_data(result)
        if unseen := result.get("unseen_test_categories"):
            stderr.print(f"[yellow]{sum(unseen.values())} test examples are of categories the "
                         f"training set does not have, counted as misses: "
                         f"{escape(', '.join(list(unseen)[:5]))}"
                         f"{' …' if len(unseen) > 5 else ''}[/yellow]")
        if repeated := result.get("leakage", {}).get("test_examples_in_training"):
            stderr.print(f"[yellow]{repeated} test examples are word for word in the training "
                         "set: the accuracy overstates what new messages will get "
                         f"({result['leakage']['accuracy_without_them']} % without them)"
                         "[/yellow]")
    emit(results if backend == "all" else results[0])


def _intent_data(
    dataset: DataSetName | None, train: Path | None, test: Path | None, folder: Path,
    columns: datasets.Columns, out_of_scope_label: str | None,
) -> datasets.IntentDataSet:
    if dataset is DataSetName.banking77:
        return datasets.banking77(folder)
    if dataset is DataSetName.clinc150:
        return datasets.clinc150(folder)
    if train is None or test is None:
        raise typer.BadParameter("give --dataset, or both --train and --test files")
    return datasets.IntentDataSet(
        train.stem,
        datasets.read_examples(train, columns),
        datasets.read_examples(test, columns),
        out_of_scope_label,
    )
