"""The hand-written prior (`prior.yml`): named superclasses with a rationale each."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ingest.superclasses.definitions import Definitions, DefinitionsError

PRIOR_FILE = Path(__file__).with_name("prior.yml")


@dataclass(frozen=True)
class Prior:
    definitions: Definitions
    rationales: dict[str, str]


def read_prior(path: Path = PRIOR_FILE) -> Prior:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(document, dict):
        raise DefinitionsError(f"{path}: expected a mapping of superclass names")
    definitions: Definitions = {}
    rationales: dict[str, str] = {}
    for name, entry in document.items():
        if not isinstance(entry, dict) or not entry.get("why") or not entry.get("lemmas"):
            raise DefinitionsError(f"{path}: superclass {name!r} needs `why` and `lemmas`")
        if extra := sorted(str(key) for key in entry if key not in ("why", "lemmas")):
            # In a flow mapping an unquoted comma ends the `why`: the rest of the
            # sentence becomes keys, and the rationale would be cut short silently.
            raise DefinitionsError(
                f"{path}: superclass {name!r}: unexpected keys {', '.join(extra)} "
                "(quote a `why` that holds a comma)"
            )
        predicates = []
        for predicate in entry["lemmas"]:
            lemmas = (predicate,) if isinstance(predicate, str) else tuple(predicate)
            if not lemmas or not all(isinstance(lemma, str) and lemma for lemma in lemmas):
                raise DefinitionsError(f"{path}: superclass {name!r}: bad predicate {predicate!r}")
            predicates.append(lemmas)
        definitions[str(name)] = tuple(predicates)
        rationales[str(name)] = str(entry["why"])
    return Prior(definitions, rationales)
