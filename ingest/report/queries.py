"""What the report shows, read from the marts. Every figure comes from SQL on
the warehouse (opened read-only); nothing is recomputed here."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

CATEGORIES = (
    "overlapping_classes",
    "multi_label",
    "fine_grained",
    "fine_grained_oov",
    "spurious_correlation",
    "non_prototypical",
    "model_failure",
)
MLA_COLUMNS = ("mla", "mla_minor_errors_correct", "mla_minor_explainable_errors_correct")
_POINT_COLUMNS = (
    "model_id",
    "class_group",
    "pretraining_data",
    "num_top1_errors",
    "top1_accuracy",
    *MLA_COLUMNS,
    *(f"num_{c}" for c in CATEGORIES),
    *(f"share_{c}" for c in CATEGORIES),
)


@dataclass(frozen=True)
class Table:
    """A table as the report prints it: a title, column names and rows."""

    title: str
    columns: tuple[str, ...]
    rows: list[tuple]
    note: str = ""


def _rows(connection: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, object]]:
    result = connection.execute(sql)
    names = [column[0] for column in result.description]
    return [dict(zip(names, row, strict=True)) for row in result.fetchall()]


def existing_tables(connection: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        row[0]
        for row in connection.execute("select table_name from information_schema.tables").fetchall()
    }


def model_points(connection: duckdb.DuckDBPyConnection, table: str) -> list[dict[str, object]]:
    """One dict per model and class group of agg_model_group_errors or
    agg_reference_model_errors (their columns line up)."""
    return _rows(
        connection,
        f"select {', '.join(_POINT_COLUMNS)} from {table} "
        "where num_samples > 0 order by model_id, class_group",
    )


def model_summary(connection: duckdb.DuckDBPyConnection) -> Table:
    columns = (
        "model_id",
        "pretraining_data",
        "num_samples",
        "top1_accuracy",
        "mla",
        "mla_minor_errors_correct",
        "mla_minor_explainable_errors_correct",
        "num_top1_errors",
        *(f"num_{c}" for c in CATEGORIES),
    )
    rows = connection.execute(
        f"select {', '.join(columns)} from agg_model_group_errors "
        "where class_group = 'all' order by model_id"
    ).fetchall()
    return Table("Your models (class group all)", columns, rows)


def common_errors(connection: duckdb.DuckDBPyConnection, limit: int = 25) -> Table:
    columns = (
        "num_models",
        "image_id",
        "label_class_name",
        "multi_label_class_ids",
        "predicted_class_name",
        "error_category",
    )
    rows = connection.execute(
        f"select {', '.join(columns)} from agg_common_errors where not is_problematic "
        "order by num_models desc, image_id, predicted_class_id limit ?",
        [limit],
    ).fetchall()
    return Table(
        f"The {limit} most common errors (non-problematic images)",
        columns,
        rows,
        "multi_label_class_ids: the image's accepted multi-labels (class indices).",
    )


def class_profile(connection: duckdb.DuckDBPyConnection, limit: int = 20) -> Table:
    columns = (
        "label_class_name",
        "num_class_errors",
        "error_category",
        "num_category_errors",
        "predicted_class_name",
        "num_errors",
    )
    rows = connection.execute(
        f"select {', '.join(columns)} from agg_class_error_profile "
        "where predicted_class_rank = 1 and label_class_id in ("
        "  select label_class_id from agg_class_error_profile"
        "  group by label_class_id order by max(num_class_errors) desc, label_class_id limit ?"
        ") order by num_class_errors desc, label_class_name, num_category_errors desc, "
        "error_category",
        [limit],
    ).fetchall()
    return Table(
        f"The {limit} classes with the most errors: each category's most frequent prediction",
        columns,
        rows,
    )


def expert_agreement(connection: duckdb.DuckDBPyConnection) -> Table:
    columns = (
        "model_id",
        "expert_category",
        "mapped_error_category",
        "num_expert_category_mistakes",
        "agreement_rate",
        "num_mapped_mistakes",
        "agreement_rate_on_mistakes",
    )
    rows = connection.execute(
        f"select distinct {', '.join(columns)} from agg_expert_agreement "
        "order by model_id, num_expert_category_mistakes desc, expert_category"
    ).fetchall()
    return Table(
        "Agreement with the experts of Vasudevan et al. (2022)",
        columns,
        rows,
        "agreement_rate: percent of the experts' mistakes of that category that we put in its "
        "counterpart; _on_mistakes: among those our labels also see as mistakes.",
    )
