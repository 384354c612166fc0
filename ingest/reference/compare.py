"""Run the reference study's classified errors through our dbt models and compare.

Each row of a samples file (the format of the reference's
`error_samples_dev.csv`) is one wrong prediction on one image. Its
`multi_labels` become the image's annotation, its `target` the original label,
and rows the reference called `fg-OOV` supply the OOV verdict (CLIP is a later
step). Several rows on one image become predictions of different models.

For `fg-OOV` rows it also checks the open-world proposals
(`int_oov_pair_proposals`): our proposal count for (prediction, target) must
equal the reference's `oov_num_proposals`, and each of its top-5 proposals
`(WordNet offset, lemma)` must be among ours.
"""

from __future__ import annotations

import ast
import csv
import os
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ingest.core.paths import SPARK_DIR_ENV
from ingest.sources import labels
from ingest.sources.oov_verdicts import write_oov_verdicts
from ingest.sources.predictions import write_predictions
from ingest.warehousing.dbt_runner import DUCKDB_TARGET, run_dbt
from ingest.warehousing.spark_warehouse import spark_tables_connection

# Reference category names -> ours.
REFERENCE_CATEGORIES = {
    "overlapping_classes": "overlapping_classes",
    "multi_label": "multi_label",
    "fg": "fine_grained",
    "fg-OOV": "fine_grained_oov",
    "spurious_correlation": "spurious_correlation",
    "non-proto": "non_prototypical",
    "model_failure": "model_failure",
}
REQUIRED_COLUMNS = ("category", "image", "target", "multi_labels", "pred")
# Categories the acceptance criteria hold to a per-category threshold.
GATED_CATEGORIES = (
    "fg",
    "spurious_correlation",
    "model_failure",
    "multi_label",
    "overlapping_classes",
)


class SamplesError(ValueError):
    """The samples file is not in the reference's format."""


Proposal = tuple[int, str]  # (WordNet offset, normalised lemma)


@dataclass(frozen=True)
class Sample:
    image: str
    target: int
    multi_labels: tuple[int, ...]
    pred: int
    category: str
    # The reference's open-world step, on fg-OOV rows.
    oov_num_proposals: int | None = None
    oov_top5: tuple[Proposal, ...] = ()


@dataclass(frozen=True)
class PairProposals:
    count: int
    lemmas: frozenset[Proposal]


@dataclass
class Comparison:
    samples: list[Sample]
    ours: list[str]
    # Our open-world proposals per (predicted class, target) pair.
    proposals: dict[tuple[int, int], PairProposals] = field(default_factory=dict)

    def proposal_samples(self) -> list[Sample]:
        return [s for s in self.samples if s.oov_num_proposals is not None]

    def proposal_verdict(self, sample: Sample) -> str:
        """`match`, or why our proposals differ from the reference's."""
        ours = self.proposals.get((sample.pred, sample.target), PairProposals(0, frozenset()))
        if ours.count == 0:
            return "no proposals (the pair shares a superclass)"
        count = "count equal"
        if ours.count != sample.oov_num_proposals:
            count = "too many" if ours.count > (sample.oov_num_proposals or 0) else "too few"
        missing = any(p not in ours.lemmas for p in sample.oov_top5)
        if count == "count equal" and not missing:
            return "match"
        return count + (", top-5 missing" if missing else "")

    @property
    def proposal_agreement(self) -> tuple[int, int]:
        checked = self.proposal_samples()
        return sum(self.proposal_verdict(s) == "match" for s in checked), len(checked)

    def pairs(self) -> list[tuple[Sample, str]]:
        return list(zip(self.samples, self.ours, strict=True))

    @property
    def agreeing(self) -> int:
        return sum(REFERENCE_CATEGORIES[s.category] == o for s, o in self.pairs())

    def category_agreement(self, category: str) -> tuple[int, int]:
        pairs = [(s, o) for s, o in self.pairs() if s.category == category]
        return sum(REFERENCE_CATEGORIES[s.category] == o for s, o in pairs), len(pairs)

    def confusion(self) -> Counter[tuple[str, str]]:
        return Counter((s.category, o) for s, o in self.pairs())


def parse_oov_top5(text: str) -> tuple[Proposal, ...]:
    """`[(offset, 'lemma', 'p%'), ...]` as the reference printed a Python list.

    Some rows of the published file escape every single quote (`\\'`), a
    quirk of how it was written; the lemma keeps its apostrophe (`pj's`).
    """
    if "\\'" in text:
        text = text.replace("\\'", "'")
    try:
        entries = ast.literal_eval(text)
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"oov_top5 is not a list of tuples ({error})") from None
    if not isinstance(entries, list):
        raise ValueError("oov_top5 is not a list of tuples")
    proposals = []
    for entry in entries:
        if not (
            isinstance(entry, tuple)
            and len(entry) >= 2
            and isinstance(entry[0], int)
            and isinstance(entry[1], str)
        ):
            raise ValueError(f"oov_top5 entry {entry!r} is not (offset, lemma, probability)")
        proposals.append((entry[0], entry[1]))
    return tuple(proposals)


def read_samples(path: Path) -> list[Sample]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise SamplesError(f"{path}: missing columns {missing}")
        samples = []
        for line, row in enumerate(reader, start=2):
            where = f"{path}:{line}"
            if row["category"] not in REFERENCE_CATEGORIES:
                raise SamplesError(f"{where}: unknown category {row['category']!r}")
            try:
                multi = tuple(int(c) for c in row["multi_labels"].split())
                count = (row.get("oov_num_proposals") or "").strip()
                top5 = (row.get("oov_top5") or "").strip()
                sample = Sample(
                    row["image"],
                    int(row["target"]),
                    multi,
                    int(row["pred"]),
                    row["category"],
                    int(count) if count else None,
                    parse_oov_top5(top5) if top5 else (),
                )
            except ValueError as error:
                raise SamplesError(f"{where}: {error}") from error
            if not multi:
                raise SamplesError(f"{where}: no multi-labels")
            samples.append(sample)
    if not samples:
        raise SamplesError(f"{path}: no rows")
    return samples


def write_sample_inputs(samples: list[Sample], root: Path) -> None:
    """The samples as a data root: labels, multi-labels, predictions, OOV verdicts."""
    original = labels.original_validation_labels()
    annotations: dict[str, dict[str, list[int]]] = {}
    for sample in samples:
        original[sample.image] = sample.target
        correct = annotations.setdefault(sample.image, {"correct": []})["correct"]
        correct.extend(c for c in sample.multi_labels if c not in correct)
    labels.write_image_labels(original, root)
    labels.write_multi_labels(annotations, "reference_samples", root=root)
    labels.write_cooccurrence_labels(labels.real_labels(), root)

    # One image, several wrong predictions: spread them over as many models.
    per_model: dict[int, tuple[list[str], list[list[int]]]] = {}
    seen: dict[str, set[int]] = {}
    for sample in samples:
        predicted = seen.setdefault(sample.image, set())
        if sample.pred in predicted:
            continue
        predicted.add(sample.pred)
        images, classes = per_model.setdefault(len(predicted), ([], []))
        images.append(sample.image)
        classes.append([sample.pred])
    for index, (images, classes) in per_model.items():
        write_predictions(f"reference_sample_{index}", images, classes, root=root)

    oov = sorted({(s.image, s.pred) for s in samples if s.category == "fg-OOV"})
    write_oov_verdicts(dict.fromkeys(oov, True), "reference_samples", root)


# The dbt build that classifies the samples: the rules and the open-world
# proposals, with the seeds they need.
SAMPLE_BUILD = (
    "build",
    "--select",
    "+int_error_categories",
    "+int_oov_pair_proposals",
    "--resource-type",
    "seed",
    "--resource-type",
    "model",
    # No CLIP embeddings here, and the proposals are checked all the same.
    "--vars",
    '{"oov_proposals_for_all_pairs": true}',
)
# What a comparison reads of that build.
SAMPLE_RESULTS = ("int_error_categories", "int_oov_pair_proposals")


def classify_samples(
    samples: list[Sample], work_dir: Path | None = None, target: str = DUCKDB_TARGET
) -> Comparison:
    """Build the samples on `target` of profiles.yml (a scratch DuckDB file, or a
    scratch local Spark warehouse) and compare its categories with the reference's."""
    with tempfile.TemporaryDirectory(prefix="compare-reference-") as scratch:
        base = work_dir or Path(scratch)
        root, database, spark_dir = base / "data", base / "compare.duckdb", base / "spark"
        write_sample_inputs(samples, root)
        if target == DUCKDB_TARGET:
            run_dbt(SAMPLE_BUILD, root=root, database=database, quiet=True, work_dir=base)
            with duckdb.connect(str(database), read_only=True) as connection:
                return sample_comparison(samples, connection)
        # The scratch warehouse, whatever IMAGENET_ERRORS_SPARK_DIR says.
        saved = os.environ.get(SPARK_DIR_ENV)
        os.environ[SPARK_DIR_ENV] = str(spark_dir)
        try:
            run_dbt(SAMPLE_BUILD, root=root, quiet=True, work_dir=base, target=target)
        finally:
            if saved is None:
                os.environ.pop(SPARK_DIR_ENV, None)
            else:
                os.environ[SPARK_DIR_ENV] = saved
        with spark_tables_connection(spark_dir, SAMPLE_RESULTS) as connection:
            return sample_comparison(samples, connection)


def sample_comparison(samples: list[Sample], connection: duckdb.DuckDBPyConnection) -> Comparison:
    """The comparison of `samples` with what a build of them holds (SAMPLE_RESULTS)."""
    decided = dict(
        ((image, pred), category)
        for image, pred, category in connection.execute(
            "select image_id, predicted_class_id, error_category from int_error_categories"
        ).fetchall()
    )
    ours = [decided.get((s.image, s.pred), "not_an_error") for s in samples]
    return Comparison(samples, ours, _pair_proposals(connection))


def _pair_proposals(
    connection: duckdb.DuckDBPyConnection,
) -> dict[tuple[int, int], PairProposals]:
    lemmas: dict[tuple[int, int], list[Proposal]] = {}
    for pred, target, offset, lemma in connection.execute(
        "select predicted_class_id, label_class_id, wordnet_offset, lemma "
        "from int_oov_pair_proposals"
    ).fetchall():
        lemmas.setdefault((pred, target), []).append((offset, lemma))
    return {pair: PairProposals(len(rows), frozenset(rows)) for pair, rows in lemmas.items()}


def report(comparison: Comparison) -> str:
    reference_counts = Counter(s.category for s in comparison.samples)
    lines = [f"{'category':<22}{'reference':>10}{'ours':>8}{'agree':>8}{'share':>9}"]
    ours_counts = Counter(comparison.ours)
    for reference, ours in REFERENCE_CATEGORIES.items():
        agree, total = comparison.category_agreement(reference)
        share = f"{100 * agree / total:.1f}%" if total else "-"
        lines.append(
            f"{reference:<22}{reference_counts[reference]:>10}{ours_counts[ours]:>8}{agree:>8}{share:>9}"
        )
    disagreements = [
        (k, v) for k, v in comparison.confusion().items() if REFERENCE_CATEGORIES[k[0]] != k[1]
    ]
    if disagreements:
        lines.append("disagreements (reference -> ours):")
        for (reference, ours), count in sorted(disagreements, key=lambda item: -item[1]):
            lines.append(f"  {reference} -> {ours}: {count}")
    matching, checked = comparison.proposal_agreement
    if checked:
        reasons = Counter(comparison.proposal_verdict(s) for s in comparison.proposal_samples())
        del reasons["match"]
        if reasons:
            lines.append("proposal mismatches (fg-OOV rows):")
            for reason, count in reasons.most_common():
                lines.append(f"  {reason}: {count}")
        lines.append(f"proposals: {100 * matching / checked:.2f}% ({matching}/{checked})")
    total = len(comparison.samples)
    lines.append(
        f"agreement: {100 * comparison.agreeing / total:.2f}% ({comparison.agreeing}/{total})"
    )
    return "\n".join(lines)


def failed_thresholds(
    comparison: Comparison, overall: float, per_category: float, proposals: float = 0.0
) -> list[str]:
    failures = []
    matching, checked = comparison.proposal_agreement
    if checked and 100 * matching / checked < proposals:
        failures.append(f"proposal agreement {100 * matching / checked:.1f}% below {proposals}%")
    total = len(comparison.samples)
    if 100 * comparison.agreeing / total < overall:
        failures.append(f"overall agreement below {overall}%")
    for category in GATED_CATEGORIES:
        agree, count = comparison.category_agreement(category)
        if count and 100 * agree / count < per_category:
            failures.append(
                f"{category} agreement {100 * agree / count:.1f}% below {per_category}%"
            )
    return failures
