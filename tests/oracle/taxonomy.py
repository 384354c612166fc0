"""The WordNet side of the rules: superclasses and the open-world proposals.

From the README: a class is in a superclass when all lemmas of one of its
predicates are among the lemmas of the class's WordNet closure; a class in no
superclass is a superclass of its own (the reference's singletons). The
proposals of a prediction P for a target T, in the reference's order: P's
lemmas, the classes sharing a superclass with P in class-index order, P's
siblings (class hyponyms of P's class hypernyms) in WordNet's order, P's
ancestors from the first meta-label synset of each hypernym path downwards;
siblings and ancestors that are T or above T are left out; each synset once,
its lemmas in WordNet's order.
"""

from __future__ import annotations

from functools import cache

from oracle.inputs import Seeds


def prompt_text(lemma: str) -> str:
    return lemma.lower().replace("_", " ")


class Taxonomy:
    def __init__(self, seeds: Seeds) -> None:
        self.seeds = seeds
        self.class_of = {wnid: class_id for class_id, wnid in enumerate(seeds.class_wnids)}
        self.superclasses: list[frozenset[str]] = []
        for wnid in seeds.class_wnids:
            closure_lemmas = {lemma for node in self.closure(wnid) for lemma in self.lemmas(node)}
            self.superclasses.append(
                frozenset(
                    name
                    for name, predicates in seeds.superclass_predicates.items()
                    if any(predicate <= closure_lemmas for predicate in predicates)
                )
            )

    def lemmas(self, wnid: str) -> list[str]:
        return self.seeds.lemmas.get(wnid, [])

    @cache  # noqa: B019 - one taxonomy per test session; the cache is the point
    def closure(self, wnid: str) -> frozenset[str]:
        """The synset and every synset above it, over class and instance links."""
        found = {wnid}
        for _, parent, _ in self.seeds.hypernyms.get(wnid, []):
            found |= self.closure(parent)
        return frozenset(found)

    def shared_superclasses(self, one: int, other: int) -> frozenset[str]:
        """Superclasses of two distinct classes in common (none for a singleton)."""
        if one == other:
            return frozenset()
        return self.superclasses[one] & self.superclasses[other]

    def shares_superclass_or_is(self, one: int, other: int) -> bool:
        """True for the same class (its singleton, or any of its superclasses) too."""
        return one == other or bool(self.shared_superclasses(one, other))

    @cache  # noqa: B019
    def superclass_mates(self, class_id: int) -> tuple[int, ...]:
        """The other classes sharing a superclass with the class, in class-index order."""
        return tuple(
            other
            for other in range(len(self.superclasses))
            if self.shared_superclasses(class_id, other)
        )

    @cache  # noqa: B019
    def hypernym_paths(self, wnid: str) -> tuple[tuple[str, ...], ...]:
        """Root-to-synset paths in NLTK's order: by hypernym rank, depth first."""
        parents = self.seeds.hypernyms.get(wnid, [])
        if not parents:
            return ((wnid,),)
        return tuple(
            (*path, wnid) for _, parent, _ in parents for path in self.hypernym_paths(parent)
        )

    def _proposal_synsets(self, predicted: int, target: int) -> list[str]:
        own = self.seeds.class_wnids[predicted]
        excluded = self.closure(self.seeds.class_wnids[target])
        synsets = [own]
        synsets += [self.seeds.class_wnids[other] for other in self.superclass_mates(predicted)]
        for _, parent, is_instance in self.seeds.hypernyms.get(own, []):
            if is_instance:
                continue
            synsets += [
                child
                for _, child, child_is_instance in self.seeds.hyponyms.get(parent, [])
                if not child_is_instance and child != own and child not in excluded
            ]
        for path in self.hypernym_paths(own):
            start = next(
                (
                    i
                    for i, node in enumerate(path)
                    if set(self.lemmas(node)) & self.seeds.meta_labels
                ),
                None,
            )
            if start is not None:
                synsets += [node for node in path[start:-1] if node not in excluded]
        return list(dict.fromkeys(synsets))

    @cache  # noqa: B019
    def proposals(self, predicted: int, target: int) -> tuple[tuple[str, str], ...]:
        """(synset, prompt lemma) in the reference's order."""
        return tuple(
            (wnid, prompt_text(lemma))
            for wnid in self._proposal_synsets(predicted, target)
            for lemma in self.lemmas(wnid)
        )
