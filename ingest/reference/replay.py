"""The rule chain replayed in Python on the reference's samples, for any superclasses.

`compare-reference` runs the samples through dbt; refining superclasses and
cross-validating them needs thousands of evaluations, so this decides the same
categories and open-world proposals in Python from the same seeds and labels.
Everything but the superclasses is fixed per sample (overlapping classes,
multi-label, the supplied OOV verdict, co-occurrence, non-prototypical) and
computed once; a superclass membership then decides which samples are
fine-grained and which lemmas each fg-OOV pair proposes. A test holds the
result equal to dbt's on the development samples.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.core.paths import SEEDS_DIR
from ingest.reference.compare import Comparison, PairProposals, Proposal, Sample
from ingest.sources import labels
from ingest.superclasses.membership import ClassLemmas, read_seed_rows, superclasses_of

# dbt_project.yml's min_cooccurrence_images.
MIN_COOCCURRENCE_IMAGES = 2


@dataclass(frozen=True)
class SampleFacts:
    """What decides a sample's category besides the superclasses."""

    # Our category when no superclass links the prediction with a label.
    base_category: str
    # The multi-labels a shared superclass makes it fine-grained with; empty
    # when an earlier rule (overlapping classes, multi-label) decides.
    partners: tuple[int, ...]


@dataclass(frozen=True)
class PairBase:
    """The proposals of a (prediction, target) pair that no superclass adds."""

    synsets: frozenset[str]
    count: int
    lemmas: frozenset[Proposal]


class Replay:
    def __init__(self, samples: Sequence[Sample], seeds: Path = SEEDS_DIR) -> None:
        self.samples = list(samples)
        self.seeds = seeds
        self.classes = ClassLemmas(seeds)
        self.facts = [self._facts(s) for s in self.samples]
        self.pair_bases = {
            (s.pred, s.target): self._pair_base(s.pred, s.target)
            for s in self.samples
            if s.category == "fg-OOV"
        }

    # --- superclass-independent facts

    @cached_property
    def _overlapping(self) -> set[tuple[int, int]]:
        return {
            (int(r["label_class_id"]), int(r["predicted_class_id"]))
            for r in read_seed_rows("overlapping_class_pairs", self.seeds)
        }

    @cached_property
    def _non_prototypical(self) -> set[str]:
        return {r["image_id"] for r in read_seed_rows("non_prototypical_images", self.seeds)}

    @cached_property
    def _images_by_class(self) -> dict[int, set[str]]:
        """Images outside the evaluation set holding each class (ReaL plus original label)."""
        excluded = {s.image for s in self.samples} | {
            r["image_id"] for r in read_seed_rows("multilabel_set_images", self.seeds)
        }
        original = labels.original_validation_labels()
        images: dict[int, set[str]] = defaultdict(set)
        for image, classes in labels.real_labels().items():
            if image in excluded:
                continue
            for class_id in {*classes, original[image]}:
                images[class_id].add(image)
        return images

    def _cooccurs(self, a: int, b: int) -> bool:
        images = self._images_by_class
        return len(images.get(a, set()) & images.get(b, set())) >= MIN_COOCCURRENCE_IMAGES

    def _facts(self, sample: Sample) -> SampleFacts:
        if (sample.target, sample.pred) in self._overlapping:
            return SampleFacts("overlapping_classes", ())
        if sample.pred in sample.multi_labels:
            return SampleFacts("multi_label", ())
        partners = tuple(m for m in sample.multi_labels if m != sample.pred)
        if sample.category == "fg-OOV":
            category = "fine_grained_oov"
        elif any(self._cooccurs(sample.pred, m) for m in partners):
            category = "spurious_correlation"
        elif sample.image in self._non_prototypical:
            category = "non_prototypical"
        else:
            category = "model_failure"
        return SampleFacts(category, partners)

    # --- open-world proposals (int_oov_class_proposals, int_oov_pair_proposals)

    @cached_property
    def _wordnet(self) -> tuple[dict, dict, dict, set]:
        parents: dict[str, set[str]] = defaultdict(set)
        children: dict[str, set[str]] = defaultdict(set)
        for row in read_seed_rows("wordnet_hypernym_edges", self.seeds):
            if row["is_instance"] != "true":
                parents[row["wnid"]].add(row["hypernym_wnid"])
                children[row["hypernym_wnid"]].add(row["wnid"])
        ancestors: dict[str, dict[str, int]] = defaultdict(dict)
        for row in read_seed_rows("wordnet_synset_ancestors", self.seeds):
            ancestors[row["wnid"]][row["ancestor_wnid"]] = int(row["distance"])
        meta = {row["lemma"] for row in read_seed_rows("oov_meta_labels", self.seeds)}
        meta_synsets = {w for w, names in self.classes.synset_lemmas.items() if meta & set(names)}
        meta_rooted = {w for w, above in ancestors.items() if meta_synsets & above.keys()}
        return parents, children, ancestors, meta_rooted

    @property
    def synset_ancestors(self) -> dict[str, dict[str, int]]:
        return self._wordnet[2]

    def _pair_base(self, pred: int, target: int) -> PairBase:
        parents, children, ancestors, meta_rooted = self._wordnet
        pred_wnid = self.classes.class_wnids[pred]
        target_ancestors = set(ancestors[self.classes.class_wnids[target]])
        siblings = {kid for parent in parents[pred_wnid] for kid in children[parent]} - {pred_wnid}
        above = {a for a, d in ancestors[pred_wnid].items() if d > 0 and a in meta_rooted}
        synsets = frozenset({pred_wnid} | ((siblings | above) - target_ancestors))
        return PairBase(synsets, *self._lemmas(synsets))

    def _lemmas(self, synsets: frozenset[str]) -> tuple[int, frozenset[Proposal]]:
        count, lemmas = 0, set()
        for wnid in synsets:
            names = self.classes.synset_lemmas.get(wnid, ())
            count += len(names)
            lemmas.update((int(wnid[1:]), name.replace("_", " ").lower()) for name in names)
        return count, frozenset(lemmas)

    # --- one membership

    def compare(self, membership: Mapping[str, frozenset[int]]) -> Comparison:
        """The categories and proposals dbt would give with these superclasses."""
        of = superclasses_of(membership)
        empty: frozenset[str] = frozenset()

        def share(a: int, b: int) -> bool:
            return bool(of.get(a, empty) & of.get(b, empty))

        ours = [
            "fine_grained" if any(share(s.pred, m) for m in facts.partners) else facts.base_category
            for s, facts in zip(self.samples, self.facts, strict=True)
        ]
        proposals = {}
        wnids = self.classes.class_wnids
        for (pred, target), base in self.pair_bases.items():
            if share(pred, target):
                continue
            mates = frozenset().union(*(membership[n] for n in of.get(pred, ()))) - {pred}
            added = frozenset(wnids[c] for c in mates) - base.synsets
            count, lemmas = self._lemmas(added)
            proposals[(pred, target)] = PairProposals(base.count + count, base.lemmas | lemmas)
        return Comparison(self.samples, ours, proposals)
