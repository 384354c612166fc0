"""Each model's figures as the reference's `compute_mla` and `collect_results` make them.

Per model and class group (all, organism, artifact, other; an image is in a
group when any of its accepted multi-labels is), over the non-problematic
images: the samples, top-1, the multi-label accuracies averaged per class of
the original label in percent (MLA counts the label, an overlapping class and
an accepted multi-label as correct; the two variants also count the minor,
then the minor and explainable errors), and the count of each category.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

GROUPS = ("all", "organism", "artifact", "other")
CATEGORIES = (
    "overlapping_classes",
    "multi_label",
    "fine_grained",
    "fine_grained_oov",
    "spurious_correlation",
    "non_prototypical",
    "model_failure",
)


def _per_class_percent(correct: dict[object, int], samples: dict[object, int]) -> float:
    return 100.0 * sum(correct[c] / samples[c] for c in samples) / len(samples)


def summarise(rows: Iterable[dict]) -> dict[str, dict]:
    """One model's fct rows -> {class group: the summary's figures}."""
    samples: dict[str, dict[object, int]] = {g: defaultdict(int) for g in GROUPS}
    mla = {g: defaultdict(int) for g in GROUPS}
    minor = {g: defaultdict(int) for g in GROUPS}
    explainable = {g: defaultdict(int) for g in GROUPS}
    counts: dict[str, dict[str, int]] = {g: defaultdict(int) for g in GROUPS}
    for row in rows:
        if row["is_problematic"]:
            continue
        groups = ["all"] + [g for g in GROUPS[1:] if row[f"is_in_{g}_group"]]
        severity = row["error_severity"]
        label = row["label_class_id"]
        for group in groups:
            count = counts[group]
            samples[group][label] += 1
            mla[group][label] += row["is_multi_label_correct"]
            minor[group][label] += row["is_multi_label_correct"] or severity in (
                "correct",
                "minor",
            )
            explainable[group][label] += row["is_multi_label_correct"] or severity in (
                "correct",
                "minor",
                "explainable",
            )
            count["num_samples"] += 1
            count["num_top1_correct"] += row["is_top1_correct"]
            count[f"num_{row['error_category']}"] += 1
            count["num_oov_checks"] += row["oov_check"] is not None
            count["num_oov_not_evaluated"] += row["oov_check"] == "not_evaluated"
            count["num_imagenet_m_samples"] += row["is_imagenet_m"]
            count["num_imagenet_m_errors"] += (
                row["is_imagenet_m"] and not row["is_multi_label_correct"]
            )
    summary = {}
    for group in GROUPS:
        if not samples[group]:
            continue
        count = counts[group]
        figures = {
            "num_samples": count["num_samples"],
            "num_top1_correct": count["num_top1_correct"],
            "num_top1_errors": count["num_samples"] - count["num_top1_correct"],
            "top1_accuracy": 100.0 * count["num_top1_correct"] / count["num_samples"],
            "mla": _per_class_percent(mla[group], samples[group]),
            "mla_minor_errors_correct": _per_class_percent(minor[group], samples[group]),
            "mla_minor_explainable_errors_correct": _per_class_percent(
                explainable[group], samples[group]
            ),
            **{f"num_{c}": count[f"num_{c}"] for c in CATEGORIES},
            "num_oov_checks": count["num_oov_checks"],
            "num_oov_not_evaluated": count["num_oov_not_evaluated"],
            "num_imagenet_m_samples": count["num_imagenet_m_samples"],
            "num_imagenet_m_errors": count["num_imagenet_m_errors"],
        }
        checks, not_evaluated = figures["num_oov_checks"], figures["num_oov_not_evaluated"]
        figures["oov_check_status"] = (
            "no errors reached it"
            if checks == 0
            else "checked"
            if not_evaluated == 0
            else "not evaluated"
            if not_evaluated == checks
            else "partly evaluated"
        )
        summary[group] = figures
    return summary
