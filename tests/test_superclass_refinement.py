"""The Python replay of the rule chain, the refinement of the prior and the folds."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.reference.compare import Sample, classify_samples, read_samples
from ingest.reference.folds import cross_validate, fold_of
from ingest.reference.refine import MIN_JOIN_SIMILARITY, Refiner, _State, refine_prior, render
from ingest.reference.replay import Replay
from ingest.superclasses import taxonomy
from ingest.superclasses.definitions import DefinitionsError, read_seed
from ingest.superclasses.membership import ClassLemmas
from ingest.superclasses.prior import read_prior

DEV = Path("automated_error_analysis/error_samples_dev.csv")


@pytest.fixture(scope="module")
def classes() -> ClassLemmas:
    return ClassLemmas()


def test_prior_is_named_and_explained(classes: ClassLemmas) -> None:
    prior = read_prior()
    assert 100 <= len(prior.definitions) <= 250
    assert not [name for name in prior.definitions if "_or_" in name]
    assert set(prior.rationales) == set(prior.definitions)
    members = classes.members(prior.definitions)
    # Every predicate selects a class: no misspelt lemma.
    for name, predicates in prior.definitions.items():
        for predicate in predicates:
            assert classes.predicate_members(predicate), (name, predicate)
    assert {151, 172, 176} & members["sighthound"] == {172, 176}  # whippet, Saluki
    assert 178 not in members["sighthound"]  # Weimaraner


def test_python_membership_follows_the_hypernym_paths(classes: ClassLemmas) -> None:
    # A class's own lemma selects it; a higher synset's lemma everything below.
    assert classes.predicate_members(("Saluki",)) == {176}
    assert classes.predicate_members(("greyhound",)) == {171, 172}
    # Every lemma of a predicate must match: `crane` the bird, not the machine.
    assert classes.predicate_members(("crane",)) == {134, 517}
    assert classes.predicate_members(("crane", "wading_bird")) == {134}


def test_replay_equals_dbt_on_the_dev_samples(reference_dir: Path, tmp_path: Path) -> None:
    samples = read_samples(reference_dir / DEV)
    by_dbt = classify_samples(samples, tmp_path)
    replayed = Replay(samples).compare(ClassLemmas().members(read_seed()))
    assert replayed.ours == by_dbt.ours
    # dbt proposes for every pair of the samples; the replay for the fg-OOV rows' pairs.
    assert len(replayed.proposals) > 400
    assert replayed.proposals == {pair: by_dbt.proposals[pair] for pair in replayed.proposals}
    assert replayed.proposal_agreement == by_dbt.proposal_agreement


def _sample(image: str, pred: int, labels: tuple[int, ...], category: str) -> Sample:
    return Sample(image, labels[0], labels, pred, category)


def test_refinement_splits_and_merges_on_the_rows(classes: ClassLemmas, tmp_path: Path) -> None:
    prior = {"sighthound": (("Saluki",), ("whippet",), ("Weimaraner",))}
    samples = [
        # Weimaraner for a whippet is a model failure: the refinement splits it off.
        _sample("ILSVRC2012_val_00000001.JPEG", 178, (172,), "model_failure"),
        # Ibizan hound for a Saluki is fine-grained (they co-occur, so without a
        # shared superclass it reads as spurious): it joins.
        _sample("ILSVRC2012_val_00000002.JPEG", 173, (176,), "fg"),
    ]
    replay = Replay(samples)
    before = replay.compare(classes.members(prior))
    assert before.ours == ["fine_grained", "spurious_correlation"]
    refined = refine_prior(prior, replay, samples)
    members = classes.members(refined.definitions)
    assert members["sighthound"] == {172, 173, 176}
    assert replay.compare(members).ours == ["model_failure", "fine_grained"]
    assert "added Ibizan hound" in refined.notes["sighthound"]
    assert "removed Weimaraner" in refined.notes["sighthound"]


def test_render_keeps_prior_predicates_that_still_fit(classes: ClassLemmas) -> None:
    prior = {"hound": (("greyhound",), ("Saluki",))}
    wanted = {"hound": frozenset({171, 172, 173})}
    rendered = render(wanted, prior, classes)
    assert rendered["hound"][0] == ("greyhound",)
    assert classes.members(rendered) == wanted


def test_folds_split_by_image(reference_dir: Path) -> None:
    with (reference_dir / DEV).open(newline="") as handle:
        images = {row["image"] for row in csv.DictReader(handle)}
    folds = {image: fold_of(image, 5) for image in images}
    assert set(folds.values()) == set(range(5))
    sizes = sorted(list(folds.values()).count(f) for f in range(5))
    assert sizes[0] > 0.8 * sizes[-1]


def test_cross_validation_holds_out_every_row_once() -> None:
    prior = {"sighthound": (("Saluki",), ("whippet",))}
    samples = [
        _sample(
            f"ILSVRC2012_val_{i:08d}.JPEG", 176 if i % 2 else 172, (172 if i % 2 else 176,), "fg"
        )
        for i in range(1, 21)
    ]
    validation = cross_validate(samples, prior, folds=4)
    assert sum(len(c.samples) for c in validation.folds) == len(samples)
    assert validation.pooled.agreeing == len(samples)
    with pytest.raises(ValueError, match="at least 2"):
        cross_validate(samples, prior, folds=1)


def test_a_why_cut_short_by_a_comma_is_refused(tmp_path: Path) -> None:
    # Unquoted, the comma ends the `why` in a flow mapping: "Spiders" would be all.
    prior = tmp_path / "prior.yml"
    prior.write_text("arachnid: {why: Spiders, ticks., lemmas: [arachnid]}\n")
    with pytest.raises(DefinitionsError, match="quote a `why`"):
        read_prior(prior)
    prior.write_text('arachnid: {why: "Spiders, ticks.", lemmas: [arachnid]}\n')
    assert read_prior(prior).rationales == {"arachnid": "Spiders, ticks."}


def test_the_seed_is_a_named_taxonomy_with_a_rationale_each(classes: ClassLemmas) -> None:
    seed = read_seed()
    assert 100 <= len(seed) <= 250
    assert not [name for name in seed if "_or_" in name]
    found = taxonomy.entries(read_prior(), seed, classes)
    assert [e.name for e in found] == sorted(seed)
    assert all(e.rationale and e.classes for e in found)
    # Most superclasses are the prior's, not pairs the refinement started.
    assert sum(e.rationale != taxonomy.NEW_GROUP for e in found) >= 0.8 * len(found)
    # The generated table the README points to is current.
    assert taxonomy.TAXONOMY_FILE.read_text(encoding="utf-8") == taxonomy.current_text()


def test_a_proposal_count_alone_joins_only_a_superclass_that_looks_alike(
    classes: ClassLemmas,
) -> None:
    refiner = Refiner(Replay([_sample("ILSVRC2012_val_00000001.JPEG", 178, (172,), "fg")]), [])
    assert refiner.min_join_similarity == MIN_JOIN_SIMILARITY
    pigs = set(classes.predicate_members(("swine",)))
    hounds = set(classes.predicate_members(("greyhound",))) | {176}  # and Saluki
    soup_bowl, whippet = 809, 172
    assert not refiner._looks_like(soup_bowl, pigs)
    assert refiner._looks_like(whippet, hounds)


def test_a_new_superclass_is_named_after_what_its_classes_are() -> None:
    refiner = Refiner(Replay([_sample("ILSVRC2012_val_00000001.JPEG", 178, (172,), "fg")]), [])
    state = _State({}, refiner.lemma_counts)
    cleaver, hatchet, shoji, sliding_door = 499, 596, 789, 799
    # The nearest synset above both when it says something ...
    assert refiner._new_name(state, cleaver, hatchet) == "edge_tool"
    # ... else their own hypernyms (`artifact` is above a shoji and a sliding door).
    assert refiner._new_name(state, shoji, sliding_door) == "door_and_screen"
    # ... or when a superclass has that name already.
    state.apply((("edge_tool", cleaver, True),))
    assert refiner._new_name(state, cleaver, hatchet) == "ax_and_knife"
