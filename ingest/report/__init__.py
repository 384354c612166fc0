"""`imagenet-errors report`: an HTML page and PNG plots from the marts.

Reads the warehouse read-only (a BI tool may hold it too), never runs dbt and
never recomputes a figure: queries.py selects, plots.py draws, html.py lays out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.core.paths import PROJECT_DIR
from ingest.report import html, plots, queries

DEFAULT_OUTPUT = PROJECT_DIR / "report"
USER_MART = "agg_model_group_errors"
REFERENCE_MART = "agg_reference_model_errors"


class ReportError(RuntimeError):
    """The warehouse cannot make a report; the message says what to run."""


@dataclass(frozen=True)
class Report:
    html: Path
    plots: list[Path]
    notes: list[str]


def _sections(connection: duckdb.DuckDBPyConnection, notes: list[str]) -> list[html.Section]:
    tables = queries.existing_tables(connection)
    missing = {USER_MART, "agg_common_errors", "agg_class_error_profile"} - tables
    if missing:
        raise ReportError(
            f"the warehouse has no {', '.join(sorted(missing))}: run `imagenet-errors build`"
        )
    user = queries.model_points(connection, USER_MART)
    if not user:
        raise ReportError(f"{USER_MART} is empty: ingest predictions, then `imagenet-errors build`")
    reference = queries.model_points(connection, REFERENCE_MART) if REFERENCE_MART in tables else []
    if not reference:
        notes.append(
            "no reference models in the warehouse, so the plots lack the 962 grey points: run "
            "`imagenet-errors reference fetch`, `imagenet-errors reference-models` and "
            "`imagenet-errors build`"
        )
    background = "grey: the reference study's 962 models" if reference else "no reference models"
    sections = [
        html.Section(
            "Error categories against accuracy",
            "Each category's share of the top-1 errors and its count, against top-1 and "
            "multi-label accuracy; one point per model, coloured by pre-training data "
            f"({background}).",
            [
                (f"category_{c}", plots.category_plot(c, user, reference))
                for c in queries.CATEGORIES
            ],
        ),
        html.Section(
            "Multi-label accuracy and its variants",
            "MLA against MLA counting minor errors correct, and minor and explainable "
            "errors correct.",
            [("mla_variants", plots.mla_variants_plot(user, reference))],
        ),
        html.Section(
            "Organisms vs artifacts",
            "An image is in a group when any of its accepted multi-labels is.",
            [("organism_vs_artifact", plots.groups_plot(user, reference))],
        ),
        html.Section(
            "Categories per model",
            "",
            [("categories_per_model", plots.categories_bar(user))],
            [queries.model_summary(connection)],
        ),
        html.Section(
            "Most common errors",
            "",
            tables=[queries.common_errors(connection), queries.class_profile(connection)],
        ),
    ]
    if "agg_expert_agreement" in tables:
        agreement = queries.expert_agreement(connection)
        if agreement.rows:
            sections.append(html.Section("Expert agreement", "", tables=[agreement]))
    return sections


def write_report(database: Path, output: Path) -> Report:
    if not database.is_file():
        raise ReportError(
            f"{database} does not exist: run `imagenet-errors build` first "
            "(after the demo: `imagenet-errors --database demo.duckdb report`)"
        )
    notes: list[str] = []
    with duckdb.connect(str(database), read_only=True) as connection:
        sections = _sections(connection, notes)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for section in sections:
        for name, png in section.plots:
            path = output / f"{name}.png"
            path.write_bytes(png)
            written.append(path)
    page = output / "report.html"
    intro = f"From {database.name}. " + " ".join(notes)
    page.write_text(html.render("ImageNet error analysis", intro, sections), encoding="utf-8")
    return Report(page, written, notes)
