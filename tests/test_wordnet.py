from __future__ import annotations

from pathlib import Path

import pytest

from ingest.imagenet.wordnet import WordNet, WordNetError, offset_of, wnid_of


def test_tench_ancestors_reach_fish_vertebrate_and_entity(wordnet: WordNet) -> None:
    lemmas = {wordnet[node].name for node in wordnet.ancestors(offset_of("n01440764"))}
    assert {"cyprinid", "fish", "vertebrate", "animal", "organism", "entity"} <= lemmas
    assert "artifact" not in lemmas


def test_distances_are_shortest_hops(wordnet: WordNet) -> None:
    ancestors = wordnet.ancestors(offset_of("n01440764"))
    assert ancestors[offset_of("n01439121")] == 1  # cyprinid, its direct hypernym
    assert max(ancestors.values()) == len(wordnet.hypernym_paths(offset_of("n01440764"))[0]) - 1


def test_instance_hypernyms_count_as_ancestors(wordnet: WordNet) -> None:
    # Mars is an instance of planet; NLTK's paths follow instance hypernyms too.
    mars = next(
        s
        for s in wordnet.synsets.values()
        if s.name == "Mars" and "planet" in {wordnet[h].name for h in s.hypernyms} | {"planet"}
    )
    assert any(wordnet[node].name == "celestial_body" for node in wordnet.ancestors(mars.offset))


def test_class_hyponyms_leave_out_named_instances(wordnet: WordNet) -> None:
    clock = offset_of("n03046257")
    big_ben = next(s for s in wordnet.hyponyms[clock] if wordnet[s].name == "Big_Ben")
    assert wordnet[big_ben].instance_hypernyms == (clock,)
    assert big_ben not in wordnet.class_hyponyms(clock)
    assert offset_of("n02694662") in wordnet.class_hyponyms(clock)  # alarm clock
    assert wordnet[offset_of("n02694662")].instance_hypernyms == ()


def test_wnid_round_trip() -> None:
    assert wnid_of(offset_of("n01440764")) == "n01440764"
    with pytest.raises(ValueError, match="not a WordNet noun id"):
        offset_of("01440764")


def test_missing_database_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(WordNetError, match=str(tmp_path / "data.noun")):
        WordNet(tmp_path)


def test_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "data.noun").write_text("  licence header\n00001740 03 n zz\n")
    with pytest.raises(WordNetError, match=r"data.noun:2"):
        WordNet(tmp_path)
