"""The 1,000 ImageNet classes, their WordNet ancestry and their group."""

from __future__ import annotations

from ingest.imagenet.metadata import class_names, class_wnids
from ingest.imagenet.wordnet import WordNet, offset_of

# The reference study splits results by whether a class is a living thing,
# a made thing, or anything else (food, geological formations, ...).
GROUP_LEMMAS = (("organism", "organism"), ("artifact", "artifact"))
OTHER_GROUP = "other"


def class_group(wordnet: WordNet, offset: int) -> str:
    ancestor_lemmas = {
        lemma for node in wordnet.ancestors(offset) for lemma in wordnet[node].lemmas
    }
    for group, lemma in GROUP_LEMMAS:
        if lemma in ancestor_lemmas:
            return group
    return OTHER_GROUP


def class_rows(wordnet: WordNet) -> list[dict[str, object]]:
    names = class_names()
    rows = []
    for class_id, wnid in enumerate(class_wnids()):
        offset = offset_of(wnid)
        synset = wordnet[offset]
        rows.append(
            {
                "class_id": class_id,
                "wnid": wnid,
                "wordnet_offset": offset,
                "class_name": names.get(wnid, synset.name).split(",")[0].strip(),
                "class_names": names.get(wnid, ", ".join(synset.lemmas)),
                "wordnet_lemma": synset.name,
                "class_group": class_group(wordnet, offset),
            }
        )
    return rows


def ancestor_rows(wordnet: WordNet) -> list[dict[str, object]]:
    """Each class with itself (distance 0) and every ancestor on every hypernym path."""
    rows = []
    for class_id, wnid in enumerate(class_wnids()):
        offset = offset_of(wnid)
        closure = {offset: 0, **wordnet.ancestors(offset)}
        for ancestor, distance in sorted(closure.items(), key=lambda item: (item[1], item[0])):
            rows.append(
                {
                    "class_id": class_id,
                    "ancestor_wnid": wordnet[ancestor].wnid,
                    "distance": distance,
                }
            )
    return rows


def sibling_wnids(wordnet: WordNet) -> set[str]:
    """Every direct hyponym of a direct hypernym of a class: the open-world
    proposals' siblings. Named instances (`~i`) are not siblings, as NLTK's
    `hyponyms()` leaves them out; the class itself is included."""
    siblings = set()
    for wnid in class_wnids():
        for parent in wordnet[offset_of(wnid)].hypernyms:
            siblings.update(wordnet[child].wnid for child in wordnet.class_hyponyms(parent))
    return siblings


def synset_ancestor_rows(wordnet: WordNet, wnids: set[str]) -> list[dict[str, object]]:
    """Each synset with itself (distance 0) and every ancestor, shortest distance."""
    rows = []
    for wnid in sorted(wnids):
        offset = offset_of(wnid)
        closure = {offset: 0, **wordnet.ancestors(offset)}
        for ancestor, distance in sorted(closure.items(), key=lambda item: (item[1], item[0])):
            rows.append(
                {"wnid": wnid, "ancestor_wnid": wordnet[ancestor].wnid, "distance": distance}
            )
    return rows


def synset_lemma_rows(wordnet: WordNet, wnids: set[str]) -> list[dict[str, object]]:
    rows = []
    for wnid in sorted(wnids):
        for rank, lemma in enumerate(wordnet[offset_of(wnid)].lemmas, start=1):
            rows.append({"wnid": wnid, "lemma_rank": rank, "lemma": lemma})
    return rows


def hypernym_edge_rows(wordnet: WordNet, wnids: set[str]) -> list[dict[str, object]]:
    """Every direct hypernym link of the given synsets, instance links marked, with
    its place in both synsets' pointer lists: the order in which NLTK lists a
    synset's hypernyms and a hypernym's hyponyms, which the reference's open-world
    proposals follow."""
    rows = []
    for wnid in sorted(wnids):
        synset = wordnet[offset_of(wnid)]
        for rank, parent in enumerate(synset.ordered_hypernyms, start=1):
            rows.append(
                {
                    "wnid": wnid,
                    "hypernym_wnid": wordnet[parent].wnid,
                    "is_instance": parent in synset.instance_hypernyms,
                    "hypernym_rank": rank,
                    "hyponym_rank": wordnet[parent].hyponyms.index(synset.offset) + 1,
                }
            )
    return rows


def hypernym_path_rows(wordnet: WordNet) -> list[dict[str, object]]:
    """Every root-to-class hypernym path of every class, in NLTK's `hypernym_paths()`
    order (the order of the reference's ancestor proposals), one row per synset on it."""
    rows = []
    for class_id, wnid in enumerate(class_wnids()):
        for path_rank, path in enumerate(wordnet.hypernym_paths(offset_of(wnid)), start=1):
            for position, node in enumerate(path, start=1):
                rows.append(
                    {
                        "class_id": class_id,
                        "path_rank": path_rank,
                        "path_position": position,
                        "wnid": wordnet[node].wnid,
                    }
                )
    return rows
