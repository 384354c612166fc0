"""Rebuild the derived seeds and `seeds/_seeds.yml` with their provenance.

Authored seeds (superclass definitions, overlapping class pairs, OOV meta
labels, the expert category mapping, the dbt evaluator's exceptions) are edited
by hand; this only checks that every lemma and class they name exists, and
writes their documentation.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ingest.core.paths import SEEDS_DIR
from ingest.imagenet.metadata import class_wnids, timm_info_file
from ingest.imagenet.wordnet import WordNet
from ingest.seeds import classes
from ingest.seeds.provenance import package_version, sha256_of
from ingest.sources import expert_mistakes

SUPERCLASS_DEFINITIONS = "superclass_definitions"
OVERLAPPING_CLASS_PAIRS = "overlapping_class_pairs"
OOV_META_LABELS = "oov_meta_labels"
EXPERT_CATEGORY_MAPPING = "expert_category_mapping"
DBT_EVALUATOR_EXCEPTIONS = "dbt_evaluator_exceptions"


INTEGER_COLUMNS = {
    "class_id",
    "wordnet_offset",
    "distance",
    "lemma_rank",
    "hypernym_rank",
    "hyponym_rank",
    "path_rank",
    "path_position",
    "predicate_id",
    "label_class_id",
    "predicted_class_id",
}
BOOLEAN_COLUMNS = {"is_instance"}


@dataclass
class Seed:
    name: str
    description: str
    columns: dict[str, str]
    unique_key: list[str]
    provenance: dict[str, object] = field(default_factory=dict)
    rows: list[dict[str, object]] | None = None  # None: authored by hand
    # Columns an empty cell (null) is allowed in; every other one is tested not_null.
    nullable: tuple[str, ...] = ()


def doc(name: str) -> str:
    """A column description that is the doc block `name` of models/_docs/, shared with models."""
    return "{{ doc('" + name + "') }}"


def write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    temporary = path.with_suffix(".csv.tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        # Booleans as SQL writes them, not Python's `True`.
        writer.writerows(
            {k: str(v).lower() if isinstance(v, bool) else v for k, v in row.items()}
            for row in rows
        )
    temporary.replace(path)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def validate_authored(wordnet: WordNet, seeds_dir: Path) -> None:
    known_lemmas = {lemma for synset in wordnet.synsets.values() for lemma in synset.lemmas}
    definitions = seeds_dir / f"{SUPERCLASS_DEFINITIONS}.csv"
    for line, row in enumerate(read_csv(definitions), start=2):
        if row["lemma"] not in known_lemmas:
            raise ValueError(f"{definitions}:{line}: lemma {row['lemma']!r} is not in WordNet")
    pairs = seeds_dir / f"{OVERLAPPING_CLASS_PAIRS}.csv"
    for line, row in enumerate(read_csv(pairs), start=2):
        for column in ("label_class_id", "predicted_class_id"):
            if not 0 <= int(row[column]) < len(class_wnids()):
                raise ValueError(f"{pairs}:{line}: {column} {row[column]} is not a class index")
    meta_labels = seeds_dir / f"{OOV_META_LABELS}.csv"
    for line, row in enumerate(read_csv(meta_labels), start=2):
        if row["lemma"] not in known_lemmas:
            raise ValueError(f"{meta_labels}:{line}: lemma {row['lemma']!r} is not in WordNet")


def derived_seeds(wordnet: WordNet, mistakes: list[Path], samples: list[Path]) -> list[Seed]:
    wordnet_source = {
        "source": "WordNet 3.0 noun database (Debian package wordnet-base)",
        "file": str(wordnet.data_file),
        "sha256": sha256_of(wordnet.data_file),
    }
    timm_source = {
        "source": "timm ImageNet-1k class list (timm/data/_info/imagenet_synsets.txt)",
        "version": f"timm {package_version('timm')}",
        "sha256": sha256_of(timm_info_file("imagenet_synsets.txt")),
    }
    mistakes_source = {
        "source": "google-research/imagenet-mistakes metadata/ (Vasudevan et al. 2022)",
        "files": {path.name: sha256_of(path) for path in mistakes},
    }
    ancestors = classes.ancestor_rows(wordnet)
    closure = {row["ancestor_wnid"] for row in ancestors}
    siblings = classes.sibling_wnids(wordnet)
    reviewed = {
        image: "imagenet_mistakes" for image in expert_mistakes.reviewed_image_names(mistakes)
    }
    for path in samples:
        for row in read_csv(path):
            reviewed.setdefault(row["image"], "automated_error_analysis_samples")
    return [
        Seed(
            "imagenet_classes",
            "The 1,000 ImageNet-1k classes in class-index order, with WordNet offset, names and "
            "group (organism if the lemma `organism` is on a hypernym path, else artifact if "
            "`artifact` is, else other).",
            {
                "class_id": doc("class_id"),
                "wnid": doc("wnid"),
                "wordnet_offset": doc("wordnet_offset"),
                "class_name": doc("class_name"),
                "class_names": doc("class_names"),
                "wordnet_lemma": "First lemma of the synset in WordNet.",
                "class_group": doc("class_group"),
            },
            ["class_id"],
            {"derived_from": [timm_source, wordnet_source]},
            classes.class_rows(wordnet),
        ),
        Seed(
            "wordnet_class_ancestors",
            "Hypernym closure of every class: the class itself (distance 0) and every ancestor "
            "on every WordNet path, with the shortest distance to it.",
            {
                "class_id": doc("class_id"),
                "ancestor_wnid": doc("ancestor_wnid"),
                "distance": doc("distance"),
            },
            ["class_id", "ancestor_wnid"],
            {"derived_from": [timm_source, wordnet_source]},
            ancestors,
        ),
        Seed(
            "wordnet_synset_ancestors",
            "Hypernym closure of every synset in the class closure (the classes and all their "
            "ancestors): the synset itself (distance 0) and every ancestor on every WordNet "
            "path, with the shortest distance to it.",
            {
                "wnid": doc("wnid"),
                "ancestor_wnid": doc("ancestor_wnid"),
                "distance": doc("distance"),
            },
            ["wnid", "ancestor_wnid"],
            {"derived_from": [wordnet_source]},
            classes.synset_ancestor_rows(wordnet, closure),
        ),
        Seed(
            "wordnet_synset_lemmas",
            "Lemma names of every synset in the class closure and of every sibling of a class "
            "(direct hyponym of a class's direct hypernym), in WordNet's order. Lemmas are "
            "stored as WordNet writes them; models normalise them (lowercase, underscores to "
            "spaces) where they need prompt text.",
            {
                "wnid": doc("wnid"),
                "lemma_rank": doc("lemma_rank"),
                "lemma": doc("lemma_as_written"),
            },
            ["wnid", "lemma_rank"],
            {"derived_from": [wordnet_source]},
            classes.synset_lemma_rows(wordnet, closure | siblings),
        ),
        Seed(
            "wordnet_hypernym_edges",
            "Direct hypernym links (`@` and instance `@i` pointers) of every synset in the "
            "class closure and of every sibling of a class: the WordNet graph above the 1,000 "
            "classes and one level beside them.",
            {
                "wnid": doc("wnid"),
                "hypernym_wnid": "WordNet id of one of its direct hypernyms.",
                "is_instance": "The link is an instance pointer (`@i`: a named instance of a "
                "class), not a class hypernym (`@`).",
                "hypernym_rank": "Position of the hypernym among the synset's hypernyms as NLTK "
                "lists them (class pointers, then instance pointers, each in the file's order).",
                "hyponym_rank": "Position of the synset among the hypernym's hyponym pointers "
                "(`~` and `~i`, in the file's order, which NLTK's `hyponyms()` keeps).",
            },
            ["wnid", "hypernym_wnid"],
            {"derived_from": [wordnet_source]},
            classes.hypernym_edge_rows(wordnet, closure | siblings),
        ),
        Seed(
            "wordnet_class_hypernym_paths",
            "Every hypernym path from the root to each class, in the order of NLTK's "
            "`hypernym_paths()`, one row per synset on a path: the order in which the "
            "reference's open-world step proposes a prediction's ancestors.",
            {
                "class_id": doc("class_id"),
                "path_rank": "Position of the path among the class's paths (1 = first).",
                "path_position": "Position of the synset on the path (1 = the root, entity; "
                "the last is the class itself).",
                "wnid": doc("wnid"),
            },
            ["class_id", "path_rank", "path_position"],
            {"derived_from": [timm_source, wordnet_source]},
            classes.hypernym_path_rows(wordnet),
        ),
        Seed(
            "non_prototypical_images",
            "Validation images that the experts labelled `Non-prototypical` in either model's "
            "mistakes file.",
            {
                "image_id": doc("image_id"),
                "annotated_in": "Which mistakes files say so (| separated).",
            },
            ["image_id"],
            {"derived_from": [mistakes_source]},
            expert_mistakes.non_prototypical_rows(mistakes),
        ),
        Seed(
            "multilabel_set_images",
            "Validation images known to be in the 20,000-image multi-label set of Shankar et "
            "al. (reviewed by Vasudevan et al.'s experts, or classified by the reference "
            "study). The co-occurrence rule excludes them like the evaluated images.",
            {
                "image_id": doc("image_id"),
                "evidence": "The public file that shows the image is in the set.",
            },
            ["image_id"],
            {
                "derived_from": [
                    mistakes_source,
                    {
                        "source": "eth-sri/automated-error-analysis common_error_samples/",
                        "files": {path.name: sha256_of(path) for path in samples},
                    },
                ]
            },
            [{"image_id": image, "evidence": reviewed[image]} for image in sorted(reviewed)],
        ),
    ]


AUTHORED_SEEDS = [
    Seed(
        SUPERCLASS_DEFINITIONS,
        "Superclasses authored by this project (the reference's file is not public): a class "
        "is in a superclass when, for any of its predicates, every lemma of that predicate is "
        "among the lemmas of the class's closure. Written by `imagenet-errors superclasses "
        "refine`: the named groups of ingest/superclasses/prior.yml, refined on the "
        "reference's classified errors. Each superclass's rationale (the prior's `why` and "
        "what the refinement changed) and classes are in the generated "
        "ingest/superclasses/taxonomy.md (`python -m ingest.superclasses.taxonomy`). Edit "
        "prior.yml and refine again, or edit this file by hand and regenerate the taxonomy.",
        {
            "superclass": doc("superclass"),
            "predicate_id": doc("predicate_id"),
            "lemma": doc("lemma_as_written"),
        },
        ["superclass", "predicate_id", "lemma"],
        {
            "authored": "by hand (ingest/superclasses/prior.yml) and imagenet-errors "
            "superclasses refine",
            "rationales": "ingest/superclasses/taxonomy.md",
        },
    ),
    Seed(
        OVERLAPPING_CLASS_PAIRS,
        "The reference study's collapsed mappings: ImageNet classes that name the same thing. "
        "Predicting `predicted_class_id` for an image labelled `label_class_id` is an "
        "overlapping-classes error.",
        {
            "label_class_id": doc("label_class_id"),
            "predicted_class_id": doc("predicted_class_id"),
            "note": "Class names, for the reader.",
        },
        ["label_class_id", "predicted_class_id"],
        {"authored": "from Peychev et al. 2023, Section 3 (collapsed mappings)"},
    ),
    Seed(
        OOV_META_LABELS,
        "The reference study's meta labels of the open-world (fine-grained OOV) step: the "
        "proposals include the ancestors of the prediction from the first synset on a "
        "hypernym path (from the root) that has one of these lemmas, downwards.",
        {"lemma": doc("lemma_as_written")},
        ["lemma"],
        {"authored": "from Peychev et al. 2023 (open-world proposals), issue 4"},
    ),
    Seed(
        EXPERT_CATEGORY_MAPPING,
        "The failure categories of Vasudevan et al. (2022) mapped onto ours, for "
        "fct_expert_reviews. Their files spell the OOV category two ways. Fine-grained with "
        "Multilabel Options (one ViT-3B mistake) has no counterpart: an empty cell, reported "
        "without an agreement rate, as is any expert category missing from this list.",
        {
            "expert_category": doc("expert_category"),
            "mapped_error_category": doc("mapped_error_category"),
        },
        ["expert_category"],
        {"authored": "by this project, from the category definitions of both papers"},
        nullable=("mapped_error_category",),
    ),
    Seed(
        DBT_EVALUATOR_EXCEPTIONS,
        "The models exempt from one of the project-evaluator rules that "
        "tests/test_dbt_conventions.py checks over dbt's manifest (a grain test per model, at "
        "most six parents), each with the reason. An exception that is no longer needed "
        "fails the test too.",
        {
            "model_name": "The exempt model.",
            "rule": "The rule it is exempt from: grain_test or max_parents.",
            "reason": "Why the rule does not fit the model.",
        },
        ["model_name", "rule"],
        {"authored": "by this project, like dbt_project_evaluator's exceptions seed"},
    ),
]


class _NoAliasDumper(yaml.SafeDumper):
    """Repeat shared provenance in full: anchors would make the yml hard to read."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    # Doc references as the models' yml writes them: "{{ doc('name') }}".
    style = '"' if data.startswith("{{") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_NoAliasDumper.add_representer(str, _represent_str)


def seed_yaml(seeds: list[Seed]) -> dict[str, object]:
    entries = []
    for seed in seeds:
        columns = []
        for name, text in seed.columns.items():
            column: dict[str, object] = {"name": name, "description": text}
            tests = [] if name in seed.nullable else ["not_null"]
            if seed.unique_key == [name]:
                tests.append("unique")
            if tests:
                column["data_tests"] = tests
            columns.append(column)
        entry: dict[str, object] = {
            "name": seed.name,
            "description": seed.description,
            "config": {
                # Typed explicitly: inference would read a lemma like `1000` as a number.
                # `string` is a name both DuckDB (VARCHAR) and Spark know.
                "column_types": {
                    name: "integer"
                    if name in INTEGER_COLUMNS
                    else "boolean"
                    if name in BOOLEAN_COLUMNS
                    else "string"
                    for name in seed.columns
                },
                "meta": {"provenance": seed.provenance},
            },
            "columns": columns,
        }
        if len(seed.unique_key) > 1:
            entry["data_tests"] = [
                {"unique_combination_of_columns": {"arguments": {"columns": seed.unique_key}}}
            ]
        entries.append(entry)
    return {"version": 2, "seeds": entries}


def build_seeds(
    wordnet_dir: Path | None,
    mistakes_dir: Path | None,
    samples: list[Path],
    seeds_dir: Path = SEEDS_DIR,
) -> list[str]:
    wordnet = WordNet(wordnet_dir)
    mistakes = expert_mistakes.locate_mistakes_files(mistakes_dir)
    seeds = derived_seeds(wordnet, mistakes, samples)
    for seed in seeds:
        assert seed.rows is not None
        write_csv(seeds_dir / f"{seed.name}.csv", list(seed.columns), seed.rows)
    validate_authored(wordnet, seeds_dir)
    header = "# Generated by `imagenet-errors seeds`; edit ingest/seeds/build.py instead.\n"
    body = yaml.dump(
        seed_yaml(seeds + AUTHORED_SEEDS), Dumper=_NoAliasDumper, sort_keys=False, width=100
    )
    (seeds_dir / "_seeds.yml").write_text(header + body)
    return [seed.name for seed in seeds]
