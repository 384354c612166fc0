"""Cross-validate the superclasses: refine on K-1 folds of images, score the held-out one.

The project's superclasses come in two steps: a hand-written prior
(`ingest/superclasses/prior.yml`) and a refinement on the reference's samples
(`ingest/reference/refine.py`). Agreement on the rows the refinement saw
says little about the errors of a user's model, which are mostly not in any
sample. So the samples are split by image into K folds (a row never shares
its image with a row of another fold); for each fold the prior is refined on
the other folds' rows and the held-out rows are classified with the result
(by the Python replay of the rule chain, which a test holds equal to dbt's).
Every row is held out once: the pooled comparison is the cross-validated
figure, reported beside the mean of the folds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.reference.compare import Comparison, PairProposals, Sample
from ingest.reference.refine import refine_prior
from ingest.reference.replay import Replay
from ingest.superclasses.definitions import Definitions


def fold_of(image: str, folds: int) -> int:
    """A stable fold per image, independent of the row order and of Python's hash seed.

    Salted: `sha256(image) % 5` is far from uniform on error_samples_dev.csv
    (366 to 812 images a fold), as if the file had been drawn with it.
    """
    digest = hashlib.blake2b(image.encode(), person=b"imagenet-folds").digest()
    return int.from_bytes(digest[:8], "big") % folds


@dataclass(frozen=True)
class CrossValidation:
    folds: list[Comparison]
    # Every held-out row once, with the superclasses refined without it.
    pooled: PooledComparison


def cross_validate(
    samples: Sequence[Sample],
    prior: Definitions,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> CrossValidation:
    if folds < 2:
        raise ValueError(f"--folds must be at least 2, got {folds}")
    replay = Replay(samples)
    assignment = [fold_of(s.image, folds) for s in replay.samples]
    ours = [""] * len(replay.samples)
    proposals: dict[int, PairProposals] = {}
    per_fold = []
    for fold in range(folds):
        training = [s for s, f in zip(replay.samples, assignment, strict=True) if f != fold]
        refined = refine_prior(prior, replay, training)
        result = replay.compare(replay.classes.members(refined.definitions))
        held = [i for i, f in enumerate(assignment) if f == fold]
        held_samples = [replay.samples[i] for i in held]
        held_pairs = {(s.pred, s.target) for s in held_samples if s.oov_num_proposals is not None}
        fold_proposals = {p: v for p, v in result.proposals.items() if p in held_pairs}
        per_fold.append(Comparison(held_samples, [result.ours[i] for i in held], fold_proposals))
        for i in held:
            ours[i] = result.ours[i]
            pair = (replay.samples[i].pred, replay.samples[i].target)
            if pair in result.proposals:
                proposals[i] = result.proposals[pair]
        if progress:
            progress(
                f"fold {fold + 1}/{folds}: refined on {len(training)} rows, "
                f"{len(refined.definitions)} superclasses; held out {len(held)} rows"
            )
    pooled = PooledComparison(replay.samples, [o or "" for o in ours], proposals)
    return CrossValidation(per_fold, pooled)


class PooledComparison(Comparison):
    """Held-out rows of every fold: each row's proposals come from its own fold's refinement
    (a (prediction, target) pair may be held out in several folds)."""

    def __init__(
        self, samples: list[Sample], ours: list[str], row_proposals: dict[int, PairProposals]
    ) -> None:
        super().__init__(samples, ours, {})
        self.row_proposals = row_proposals
        self._row = {id(s): i for i, s in enumerate(samples)}

    def proposal_verdict(self, sample: Sample) -> str:
        found = self.row_proposals.get(self._row[id(sample)])
        self.proposals = {(sample.pred, sample.target): found} if found else {}
        return super().proposal_verdict(sample)


def fold_summary(validation: CrossValidation) -> list[str]:
    """One line per fold and the mean over folds, per category and for proposals."""
    lines = []
    categories = sorted({s.category for s in validation.pooled.samples})
    shares: dict[str, list[float]] = {c: [] for c in [*categories, "proposals", "overall"]}
    for index, comparison in enumerate(validation.folds, start=1):
        matching, checked = comparison.proposal_agreement
        total = len(comparison.samples)
        overall = 100 * comparison.agreeing / total
        proposals = 100 * matching / checked if checked else float("nan")
        lines.append(
            f"fold {index}: agreement {overall:.2f}% ({comparison.agreeing}/{total}), "
            f"proposals {proposals:.2f}% ({matching}/{checked})"
        )
        shares["overall"].append(overall)
        shares["proposals"].append(proposals)
        for category in categories:
            agree, count = comparison.category_agreement(category)
            if count:
                shares[category].append(100 * agree / count)
    lines.append("mean over folds (held-out rows):")
    for name, values in shares.items():
        if values:
            lines.append(f"  {name:<22}{sum(values) / len(values):>7.2f}%")
    return lines
