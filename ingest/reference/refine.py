"""Refine the hand-written prior on the reference's classified errors.

The prior (`prior.yml`) is what a domain expert would name; the reference's
rows say where its superclasses differ. Starting from the prior's members,
a greedy search edits one superclass at a time, each edit suggested by a
training row the current superclasses get wrong:

- a fine-grained row whose prediction shares no superclass with a label: add
  the prediction to a superclass of the label, or the label to one of the
  prediction's (a merge of the two, class by class);
- a row of a later category whose prediction shares one: take the prediction
  or the label out of it (a split);
- an fg-OOV row whose open-world proposals differ: its count minus what the
  prediction, its siblings and ancestors propose is the lemma count of the
  prediction's superclass mates, and its top-5 classes are mates. Add a
  missing top-5 class, join a superclass that makes up the count exactly (only
  one the prediction looks like, by the classifier rows' cosine: many groups
  have the right count), or take out a mate (or the prediction) when there
  are too many.

An edit is kept when it makes at least `min_gain` more training rows agree
(categories and proposals, a row each) than it breaks; the best edit goes
first and the search stops when none is left. Superclasses left empty or with
one class are dropped. The result is written back as lemma predicates: the
prior's predicates that still fit, then WordNet synsets whose classes all
remain, then single classes.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from ingest.reference.compare import REFERENCE_CATEGORIES, Sample
from ingest.reference.replay import Replay
from ingest.superclasses.definitions import Definitions, Predicate
from ingest.superclasses.membership import ClassLemmas, Membership
from ingest.superclasses.similarity import class_similarity

Change = tuple[str, int, bool]  # (superclass, class, add?)

# One edit: a change, or two when it starts a new superclass of a pair.
Edit = tuple[Change, ...]

# The mean classifier-row cosine a class needs with a superclass's classes to
# join it on a proposal count alone: about the 99th percentile of a class's
# mean cosine with 5 random classes (0.056), and below all but 5 % of the
# prior's classes with their own superclass (median 0.16).
MIN_JOIN_SIMILARITY = 0.05
# A new superclass is named after the nearest synset above both its classes
# unless more classes than this are below it (`artifact`, `instrumentality`).
MAX_NAMING_CLASSES = 40


@dataclass
class _Row:
    pred: int
    partners: tuple[int, ...]
    base_category: str
    wanted: str


@dataclass
class _ProposalRow:
    pred: int
    target: int
    wanted_count: int
    # Lemmas beyond the prediction, its siblings and ancestors: the mates' share.
    mate_lemmas: int
    base_synsets: frozenset[str]
    # Top-5 classes no base synset explains (None: a non-class no superclass adds).
    needed_classes: tuple[int | None, ...]


@dataclass
class Refinement:
    definitions: Definitions
    # Superclass -> what the refinement did to it, for the rationale.
    notes: dict[str, str]
    edits: list[Change] = field(default_factory=list)


class _State:
    def __init__(self, membership: Membership, lemma_counts: dict[int, int]) -> None:
        self.groups = {name: set(classes) for name, classes in membership.items()}
        self.of: dict[int, set[str]] = defaultdict(set)
        for name, classes in self.groups.items():
            for c in classes:
                self.of[c].add(name)
        self.lemma_counts = lemma_counts

    def share(self, a: int, b: int) -> bool:
        return bool(self.of[a] & self.of[b])

    def mates(self, c: int) -> set[int]:
        found: set[int] = set()
        for name in self.of[c]:
            found |= self.groups[name]
        found.discard(c)
        return found

    def apply(self, edit: Edit) -> None:
        for name, c, add in edit:
            if add:
                self.groups.setdefault(name, set()).add(c)
                self.of[c].add(name)
            else:
                self.groups[name].discard(c)
                self.of[c].discard(name)

    def undo(self, edit: Edit) -> None:
        self.apply(tuple((name, c, not add) for name, c, add in reversed(edit)))


class Refiner:
    def __init__(
        self,
        replay: Replay,
        training: Sequence[Sample],
        min_gain: int = 1,
        min_join_similarity: float = MIN_JOIN_SIMILARITY,
    ) -> None:
        self.replay = replay
        self.classes: ClassLemmas = replay.classes
        self.min_gain = min_gain
        self.similarity = class_similarity()
        self.min_join_similarity = min_join_similarity
        self.wnid_class = {w: c for c, w in self.classes.class_wnids.items()}
        self.lemma_counts = {
            c: len(self.classes.synset_lemmas.get(w, ()))
            for c, w in self.classes.class_wnids.items()
        }
        wanted_ids = {id(s) for s in training}
        self.rows: list[_Row] = []
        self.proposal_rows: list[_ProposalRow] = []
        for sample, facts in zip(replay.samples, replay.facts, strict=True):
            if id(sample) not in wanted_ids:
                continue
            wanted = REFERENCE_CATEGORIES[sample.category]
            if facts.partners:
                self.rows.append(_Row(sample.pred, facts.partners, facts.base_category, wanted))
            if sample.oov_num_proposals is not None:
                base = replay.pair_bases[(sample.pred, sample.target)]
                needed = tuple(
                    self.wnid_class.get(f"n{offset:08d}")
                    for offset, lemma in sample.oov_top5
                    if (offset, lemma) not in base.lemmas
                )
                self.proposal_rows.append(
                    _ProposalRow(
                        sample.pred,
                        sample.target,
                        sample.oov_num_proposals,
                        sample.oov_num_proposals - base.count,
                        base.synsets,
                        needed,
                    )
                )
        self.rows_of: dict[int, list[int]] = defaultdict(list)
        for index, row in enumerate(self.rows):
            for c in {row.pred, *row.partners}:
                self.rows_of[c].append(index)
        self.proposals_of: dict[int, list[int]] = defaultdict(list)
        for index, row in enumerate(self.proposal_rows):
            self.proposals_of[row.pred].append(index)

    # --- agreement of one row

    def _row_ok(self, state: _State, row: _Row) -> bool:
        linked = any(state.share(row.pred, m) for m in row.partners)
        return ("fine_grained" if linked else row.base_category) == row.wanted

    def _mate_lemmas(self, state: _State, row: _ProposalRow) -> tuple[int, set[int]]:
        mates = {
            c for c in state.mates(row.pred) if self.classes.class_wnids[c] not in row.base_synsets
        }
        return sum(self.lemma_counts[c] for c in mates), mates

    def _proposal_ok(self, state: _State, row: _ProposalRow) -> bool:
        if state.share(row.pred, row.target):
            return False
        count, mates = self._mate_lemmas(state, row)
        return count == row.mate_lemmas and all(c in mates for c in row.needed_classes)

    def _affected(self, state: _State, edit: Edit) -> tuple[set[int], set[int]]:
        rows: set[int] = set()
        proposal_rows: set[int] = set()
        for name, c, _ in edit:
            rows.update(self.rows_of.get(c, []))
            for member in state.groups.get(name, set()) | {c}:
                proposal_rows.update(self.proposals_of.get(member, []))
        return rows, proposal_rows

    def _score(self, state: _State, rows: Iterable[int], proposal_rows: Iterable[int]) -> int:
        return sum(self._row_ok(state, self.rows[i]) for i in rows) + sum(
            self._proposal_ok(state, self.proposal_rows[i]) for i in proposal_rows
        )

    def gain(self, state: _State, edit: Edit) -> int:
        rows, proposal_rows = self._affected(state, edit)
        before = self._score(state, rows, proposal_rows)
        state.apply(edit)
        after = self._score(state, rows, proposal_rows)
        state.undo(edit)
        return after - before

    # --- edits the failing rows suggest

    def _candidates(self, state: _State) -> set[Edit]:
        edits: set[Edit] = set()
        for row in self.rows:
            if self._row_ok(state, row):
                continue
            if row.wanted == "fine_grained":
                for m in row.partners:
                    edits.update(((g, row.pred, True),) for g in state.of[m])
                    edits.update(((g, m, True),) for g in state.of[row.pred])
                    if not state.of[m] and not state.of[row.pred]:
                        name = self._new_name(state, row.pred, m)
                        edits.add(((name, row.pred, True), (name, m, True)))
            else:
                for m in row.partners:
                    for g in state.of[row.pred] & state.of[m]:
                        edits.update({((g, row.pred, False),), ((g, m, False),)})
        for row in self.proposal_rows:
            if self._proposal_ok(state, row):
                continue
            count, mates = self._mate_lemmas(state, row)
            if count > row.mate_lemmas:
                for c in mates:
                    edits.update(((g, c, False),) for g in state.of[row.pred] & state.of[c])
                edits.update(((g, row.pred, False),) for g in state.of[row.pred])
            for c in row.needed_classes:
                if c is not None and c not in mates:
                    edits.update(((g, c, True),) for g in state.of[row.pred])
                    edits.update(((g, row.pred, True),) for g in state.of[c])
                    if not state.of[c] and not state.of[row.pred]:
                        name = self._new_name(state, row.pred, c)
                        edits.add(((name, row.pred, True), (name, c, True)))
            if count < row.mate_lemmas:
                missing = row.mate_lemmas - count
                for name, members in state.groups.items():
                    if name in state.of[row.pred] or not members:
                        continue
                    extra = members - mates - {row.pred}
                    extra = {
                        c for c in extra if self.classes.class_wnids[c] not in row.base_synsets
                    }
                    if sum(self.lemma_counts[c] for c in extra) == missing and self._looks_like(
                        row.pred, members
                    ):
                        edits.add(((name, row.pred, True),))
        return {
            edit
            for edit in edits
            if all((c in state.groups.get(name, set())) != add for name, c, add in edit)
        }

    def _looks_like(self, c: int, members: set[int]) -> bool:
        """Whether `c` looks like a superclass's classes to the classifier.

        A count alone is weak evidence: many groups have the lemma count an fg-OOV
        row is short of, and joining one that looks nothing like the class (a soup
        bowl among the pigs) fits that row and no other.
        """
        others = sorted(members - {c})
        return bool(others) and float(self.similarity[c, others].mean()) >= self.min_join_similarity

    def _new_name(self, state: _State, a: int, b: int) -> str:
        """A new superclass of two classes is named after their nearest common synset.

        When that synset is too general to say anything (`artifact` above a shoji
        and a sliding door), or names a superclass already, the name joins the
        two classes' own hypernyms instead (`door_and_screen`): what the classes
        are, not which they are.
        """
        wnids = self.classes.class_wnids
        ancestors = self.replay.synset_ancestors
        common = ancestors[wnids[a]].keys() & ancestors[wnids[b]].keys()
        nearest = min(common, key=lambda w: (ancestors[wnids[a]][w] + ancestors[wnids[b]][w], w))
        base = self._lemma_name(nearest)
        if self._classes_below[nearest] > MAX_NAMING_CLASSES or state.groups.get(base):
            parents = sorted({self._lemma_name(self._parent(wnids[c])) for c in (a, b)})
            base = "_and_".join(parents)
        name, suffix = base, 2
        while state.groups.get(name):
            name, suffix = f"{base}_{suffix}", suffix + 1
        return name

    def _lemma_name(self, wnid: str) -> str:
        return self.classes.synset_lemmas[wnid][0].lower().replace("-", "_").replace("'", "")

    def _parent(self, wnid: str) -> str:
        """The nearest hypernym (the first by id when there are several)."""
        above = self.replay.synset_ancestors[wnid]
        return min((w for w, d in above.items() if d == 1), default=wnid)

    @cached_property
    def _classes_below(self) -> Counter[str]:
        return Counter(
            w for c in self.classes.class_wnids.values() for w in self.replay.synset_ancestors[c]
        )

    def likeness(self, state: _State, edit: Edit) -> float:
        """How much more alike each superclass's classes look after the edit (tie-breaker)."""
        total = 0.0
        for name, c, add in edit:
            others = [m for m in state.groups.get(name, set()) if m != c]
            others += [m for n, m, a in edit if n == name and a and m != c]
            if others:
                mean = float(self.similarity[c, others].mean())
                total += mean if add else -mean
        return total

    def refine(self, membership: Membership) -> tuple[Membership, list[Change]]:
        state = _State(membership, self.lemma_counts)
        applied: list[Change] = []
        while True:
            scored = sorted(
                (
                    (self.gain(state, e), self.likeness(state, e), e)
                    for e in self._candidates(state)
                ),
                key=lambda item: (-item[0], -item[1], item[2]),
            )
            if not scored or scored[0][0] < self.min_gain:
                break
            state.apply(scored[0][2])
            applied.extend(scored[0][2])
        refined = {name: frozenset(m) for name, m in state.groups.items() if len(m) >= 2}
        return refined, applied


def render(
    membership: Membership, prior: Definitions, classes: ClassLemmas
) -> dict[str, tuple[Predicate, ...]]:
    """Lemma predicates selecting each superclass's classes (as near as WordNet allows)."""
    rendered: dict[str, tuple[Predicate, ...]] = {}
    for name in sorted(membership):
        wanted = membership[name]
        predicates: list[Predicate] = []
        covered: set[int] = set()
        for predicate in prior.get(name, ()):
            members = classes.predicate_members(predicate)
            if members and members <= wanted:
                predicates.append(predicate)
                covered |= members
        for c in sorted(wanted - covered):
            if c in covered:
                continue
            predicate = _class_predicate(c, wanted, classes)
            if predicate is not None:
                predicates.append(predicate)
                covered |= classes.predicate_members(predicate)
        if predicates:
            rendered[name] = tuple(predicates)
    return rendered


def _class_predicate(c: int, allowed: frozenset[int], classes: ClassLemmas) -> Predicate | None:
    """The shortest predicate selecting `c` and only classes in `allowed`."""
    own = classes.synset_lemmas[classes.class_wnids[c]]
    candidates: list[Predicate] = [(lemma,) for lemma in own]
    candidates += [(own[0], other) for other in sorted(classes.closure[c] - set(own))]
    for predicate in candidates:
        members = classes.predicate_members(predicate)
        if c in members and members <= allowed:
            return predicate
    return None


def refine_prior(
    prior: Definitions, replay: Replay, training: Sequence[Sample], min_gain: int = 1
) -> Refinement:
    classes = replay.classes
    start = classes.members(prior)
    refined, edits = Refiner(replay, training, min_gain).refine(start)
    definitions = render(refined, prior, classes)
    notes = {}
    names = classes.class_names
    for name in definitions:
        added = sorted(refined[name] - start.get(name, frozenset()))
        removed = sorted(start.get(name, frozenset()) - refined[name])
        parts = []
        if added:
            parts.append("added " + ", ".join(names[c] for c in added))
        if removed:
            parts.append("removed " + ", ".join(names[c] for c in removed))
        if parts:
            notes[name] = "; ".join(parts)
    return Refinement(definitions, notes, edits)
