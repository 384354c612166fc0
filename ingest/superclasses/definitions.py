"""Superclass definitions in memory, in the seed's CSV and in the reference's JSON lines.

The reference's `superclasses.json` holds one JSON object per line,
`{superclass_id: [[lemma, ...], ...]}`: a superclass and its predicates. The
seed `seeds/superclass_definitions.csv` holds the same as rows of
`superclass, predicate_id, lemma`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from ingest.core.paths import SEEDS_DIR

SEED_FILE = SEEDS_DIR / "superclass_definitions.csv"
SEED_COLUMNS = ("superclass", "predicate_id", "lemma")

Predicate = tuple[str, ...]
# Superclass name -> its predicates, in file order.
Definitions = dict[str, tuple[Predicate, ...]]


class DefinitionsError(ValueError):
    """A definitions file is not in the expected format."""


def read_seed(path: Path = SEED_FILE) -> Definitions:
    """The seed's rows, grouped by superclass and predicate (in order of first appearance)."""
    predicates: dict[str, dict[int, list[str]]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != SEED_COLUMNS:
            raise DefinitionsError(f"{path}: columns must be {', '.join(SEED_COLUMNS)}")
        for line, row in enumerate(reader, start=2):
            try:
                predicate_id = int(row["predicate_id"])
            except ValueError:
                raise DefinitionsError(
                    f"{path}:{line}: predicate_id {row['predicate_id']!r} is not a number"
                ) from None
            if not row["superclass"] or not row["lemma"]:
                raise DefinitionsError(f"{path}:{line}: empty superclass or lemma")
            lemmas = predicates.setdefault(row["superclass"], {}).setdefault(predicate_id, [])
            lemmas.append(row["lemma"])
    return {
        name: tuple(tuple(lemmas) for _, lemmas in sorted(by_id.items()))
        for name, by_id in predicates.items()
    }


def seed_rows(definitions: Definitions) -> Iterable[tuple[str, int, str]]:
    """(superclass, predicate_id, lemma) rows, predicates numbered from 1."""
    for name, predicates in definitions.items():
        for predicate_id, predicate in enumerate(predicates, start=1):
            # A lemma repeated within one predicate adds nothing to the rule.
            for lemma in dict.fromkeys(predicate):
                yield name, predicate_id, lemma


def write_seed(definitions: Definitions, path: Path = SEED_FILE) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(SEED_COLUMNS)
        writer.writerows(seed_rows(definitions))
    return path


def parse_json_lines(text: str, where: str) -> Definitions:
    """The reference's `superclasses.json`: one `{id: [[lemma, ...], ...]}` per line."""
    definitions: Definitions = {}
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        at = f"{where}:{line_number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise DefinitionsError(f"{at}: not JSON ({error.msg})") from None
        if not isinstance(entry, dict) or not entry:
            raise DefinitionsError(f"{at}: expected {{superclass_id: [[lemma, ...], ...]}}")
        for superclass, predicates in entry.items():
            if not _is_predicate_list(predicates):
                raise DefinitionsError(
                    f"{at}: superclass {superclass!r}: predicates must be a non-empty list "
                    "of non-empty lists of lemma strings"
                )
            name = str(superclass)
            if name in definitions:
                raise DefinitionsError(f"{at}: superclass {name!r} is defined twice")
            definitions[name] = tuple(tuple(predicate) for predicate in predicates)
    if not definitions:
        raise DefinitionsError(f"{where}: no superclass definitions")
    return definitions


def _is_predicate_list(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(
            isinstance(predicate, list)
            and bool(predicate)
            and all(isinstance(lemma, str) and lemma for lemma in predicate)
            for predicate in value
        )
    )


def to_json_lines(definitions: Definitions) -> str:
    """The reference's format, one superclass a line, in the given order."""
    return "".join(
        json.dumps({name: [list(p) for p in predicates]}) + "\n"
        for name, predicates in definitions.items()
    )
