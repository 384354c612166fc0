"""Superclass membership in Python, exactly as `int_superclass_members` computes it.

A class is in a superclass when, for one of its predicates, every lemma is a
lemma name of a synset on the class's hypernym paths (the class's own synset
included), read from the WordNet seeds. The refinement and the fast replay of
the reference's samples use this; a test holds it equal to the SQL.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.core.paths import SEEDS_DIR
from ingest.superclasses.definitions import Definitions, Predicate

Membership = dict[str, frozenset[int]]


def read_seed_rows(name: str, seeds: Path = SEEDS_DIR) -> list[dict[str, str]]:
    with (seeds / f"{name}.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class ClassLemmas:
    """Every class's lemma closure and WordNet ids, from the seeds."""

    seeds: Path = SEEDS_DIR

    @cached_property
    def synset_lemmas(self) -> dict[str, tuple[str, ...]]:
        lemmas: dict[str, list[str]] = defaultdict(list)
        for row in sorted(
            read_seed_rows("wordnet_synset_lemmas", self.seeds),
            key=lambda r: (r["wnid"], int(r["lemma_rank"])),
        ):
            lemmas[row["wnid"]].append(row["lemma"])
        return {wnid: tuple(names) for wnid, names in lemmas.items()}

    @cached_property
    def class_wnids(self) -> dict[int, str]:
        return {
            int(r["class_id"]): r["wnid"] for r in read_seed_rows("imagenet_classes", self.seeds)
        }

    @cached_property
    def class_names(self) -> dict[int, str]:
        return {
            int(r["class_id"]): r["class_name"]
            for r in read_seed_rows("imagenet_classes", self.seeds)
        }

    @cached_property
    def closure(self) -> dict[int, frozenset[str]]:
        """Each class's own lemmas and those of every synset above it."""
        lemmas: dict[int, set[str]] = defaultdict(set)
        for row in read_seed_rows("wordnet_class_ancestors", self.seeds):
            lemmas[int(row["class_id"])].update(self.synset_lemmas.get(row["ancestor_wnid"], ()))
        return {class_id: frozenset(names) for class_id, names in lemmas.items()}

    def predicate_members(self, predicate: Predicate) -> frozenset[int]:
        wanted = set(predicate)
        return frozenset(c for c, names in self.closure.items() if wanted <= names)

    def members(self, definitions: Definitions) -> Membership:
        return {
            name: frozenset().union(*(self.predicate_members(p) for p in predicates))
            for name, predicates in definitions.items()
        }


def superclasses_of(membership: Mapping[str, frozenset[int]]) -> dict[int, frozenset[str]]:
    """Class -> the superclasses it is in (classes in none are absent)."""
    found: dict[int, set[str]] = defaultdict(set)
    for name, classes in membership.items():
        for class_id in classes:
            found[class_id].add(name)
    return {class_id: frozenset(names) for class_id, names in found.items()}
