"""Compare the oracle with the published warehouse, every row, and report differences."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from oracle.inputs import Workload
from oracle.rules import Oracle
from oracle.summary import summarise

FCT_COLUMNS = (
    "label_class_id",
    "predicted_class_id",
    "predicted_probability",
    "is_problematic",
    "is_imagenet_m",
    "is_in_organism_group",
    "is_in_artifact_group",
    "is_in_other_group",
    "is_top1_correct",
    "is_multi_label_correct",
    "error_category",
    "error_severity",
    "label_status",
    "shared_superclass",
    "similar_label_class_id",
    "cooccurring_label_class_id",
    "cooccurrence_image_count",
    "oov_decided_by",
    "oov_check",
    "oov_best_lemma",
    "oov_best_wnid",
    "oov_best_similarity",
    "oov_num_proposals",
    "oov_num_gate_neighbours",
)
# Similarities: DuckDB scores in float32, the oracle in float64.
TOLERANCE = {"oov_best_similarity": 1e-5, "predicted_probability": 1e-6}
SUMMARY_TOLERANCE = 1e-9
EXAMPLES = 10


def _equal(column: str, ours: object, theirs: object) -> bool:
    if ours is None or theirs is None:
        return ours is None and theirs is None
    if isinstance(ours, float) or isinstance(theirs, float):
        tolerance = TOLERANCE.get(column, SUMMARY_TOLERANCE)
        return math.isclose(float(ours), float(theirs), rel_tol=tolerance, abs_tol=tolerance)
    return ours == theirs


@dataclass
class Differences:
    rows: int = 0
    errors: int = 0
    agreeing_errors: int = 0
    near_ties: int = 0
    by_column: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    missing: int = 0

    def add(self, where: str, columns: list[str], ours: dict, theirs: dict) -> None:
        self.by_column.update(columns)
        if len(self.examples) < EXAMPLES:
            shown = ", ".join(
                f"{c}: oracle {ours.get(c)!r} warehouse {theirs.get(c)!r}" for c in columns
            )
            self.examples.append(f"{where}: {shown}")

    @property
    def any(self) -> bool:
        return bool(self.by_column or self.missing)

    def report(self) -> str:
        share = 100.0 * self.agreeing_errors / self.errors if self.errors else 100.0
        lines = [
            f"rows compared: {self.rows:,}; top-1 errors: {self.errors:,}; "
            f"errors agreeing in every column: {self.agreeing_errors:,} ({share:.4f} %); "
            f"decided by a numerical tie of two prompts: {self.near_ties}",
        ]
        if self.missing:
            lines.append(f"rows the warehouse lacks or has beyond the oracle's: {self.missing}")
        for column, count in self.by_column.most_common():
            lines.append(f"  {column}: {count} rows differ")
        lines += [f"  e.g. {example}" for example in self.examples]
        return "\n".join(lines)


def _warehouse_rows(
    connection: duckdb.DuckDBPyConnection, model: str
) -> Iterator[tuple[str, dict]]:
    cursor = connection.execute(
        f"select image_id, {', '.join(FCT_COLUMNS)} from fct_prediction_errors where model_id = ?",
        [model],
    )
    while batch := cursor.fetchmany(10_000):
        for values in batch:
            yield values[0], dict(zip(FCT_COLUMNS, values[1:], strict=True))


def compare_rows(
    oracle: Oracle, workload: Workload, connection: duckdb.DuckDBPyConnection
) -> tuple[Differences, dict[str, dict[str, dict]]]:
    """Every row of `fct_prediction_errors` against the oracle's; the oracle's summaries."""
    found = Differences()
    summaries = {}
    for model in sorted(workload.predictions):
        predictions = workload.predictions[model]
        expected = {}
        for image, predicted, probability in zip(
            predictions.images, predictions.predicted, predictions.probability, strict=True
        ):
            if image in workload.evaluation:
                row = oracle.row(image, predicted)
                row["predicted_class_id"] = predicted
                row["predicted_probability"] = probability
                expected[image] = row
        oracle_rows = []
        for image, theirs in _warehouse_rows(connection, model):
            ours = expected.pop(image, None)
            if ours is None:
                found.missing += 1
                continue
            found.rows += 1
            is_error = not ours["is_top1_correct"]
            found.errors += is_error
            differing = [c for c in FCT_COLUMNS if not _equal(c, ours[c], theirs[c])]
            if differing and is_error:
                # A numerical tie of two prompt texts: the warehouse may take either.
                for decision in oracle.alternatives(image, theirs["predicted_class_id"]):
                    alternative = {
                        **ours,
                        **oracle.row(image, ours["predicted_class_id"], decision),
                    }
                    if all(_equal(c, alternative[c], theirs[c]) for c in FCT_COLUMNS):
                        found.near_ties += 1
                        ours, differing = alternative, []
                        break
            if differing:
                found.add(f"{model} {image}", differing, ours, theirs)
            else:
                found.agreeing_errors += is_error
            oracle_rows.append(ours)
        found.missing += len(expected)
        summaries[model] = summarise(oracle_rows)
    return found, summaries


def compare_summaries(
    summaries: dict[str, dict[str, dict]], connection: duckdb.DuckDBPyConnection
) -> Differences:
    found = Differences()
    columns = next(iter(next(iter(summaries.values())).values())).keys()
    held = {
        (model, group): dict(zip(columns, values, strict=True))
        for model, group, *values in connection.execute(
            f"select model_id, class_group, {', '.join(columns)} from agg_model_error_summary"
        ).fetchall()
    }
    for model, groups in summaries.items():
        for group, ours in groups.items():
            theirs = held.pop((model, group), None)
            if theirs is None:
                found.missing += 1
                continue
            found.rows += 1
            differing = [c for c in ours if not _equal(c, ours[c], theirs[c])]
            if differing:
                found.add(f"{model} {group}", differing, ours, theirs)
    found.missing += len(held)
    return found


def compare_warehouse(
    oracle: Oracle, workload: Workload, database: Path
) -> tuple[Differences, Differences]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows, summaries = compare_rows(oracle, workload, connection)
        return rows, compare_summaries(summaries, connection)


def paths_exercised(oracle: Oracle, workload: Workload) -> Counter[str]:
    """How often the workload takes each path of the rules: a test that passes on a
    workload that never reaches a rule proves nothing about it."""
    paths: Counter[str] = Counter()
    for model in workload.predictions.values():
        for image, predicted in zip(model.images, model.predicted, strict=True):
            evaluated = workload.evaluation.get(image)
            if evaluated is None:
                continue
            if predicted == evaluated.label:
                paths[f"label status {oracle.label_status(image, predicted)}"] += 1
                continue
            decision = oracle.decide(image, predicted)
            paths[f"category {decision.category}"] += 1
            paths[f"label status {oracle.label_status(image, predicted)}"] += 1
            if decision.oov is not None:
                oov = decision.oov
                paths[f"oov check {oov.check}"] += 1
                if evaluated.is_problematic:
                    paths["oov check on a problematic image"] += 1
                if oov.best_lemma is not None:
                    same_text = [
                        wnid
                        for wnid, lemma in oracle.taxonomy.proposals(predicted, evaluated.label)
                        if lemma == oov.best_lemma
                    ]
                    if len(same_text) > 1:
                        paths["best prompt text proposed by several synsets"] += 1
                        if min(same_text) != oov.best_wnid:
                            paths["such a tie that wnid order would break otherwise"] += 1
                if oov.num_gate_neighbours and not oracle.taxonomy.superclasses[predicted]:
                    paths["gate opened by a prediction in no superclass"] += 1
            pair = (predicted, decision.cooccurring_label_class_id)
            if pair in oracle.cooccurrence_by_original:
                paths["co-occurrence that needs outside images' original labels"] += 1
    return paths
