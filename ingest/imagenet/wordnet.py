"""Read the noun database of WordNet 3.0 straight from its `data.noun` file.

Parsing the file ourselves (about half a second for all 82,115 synsets) avoids
NLTK, which refuses data outside its own path and needs files Debian's
`wordnet-base` package does not ship.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

DEFAULT_WORDNET_DIR = Path("/usr/share/wordnet")
WORDNET_DIR_ENV = "IMAGENET_ERRORS_WORDNET_DIR"

# Pointer symbols that lead from a noun synset to a more general one, and back.
_HYPERNYM_POINTERS = {"@", "@i"}
_HYPONYM_POINTERS = {"~", "~i"}


class WordNetError(RuntimeError):
    """The WordNet database is missing or malformed."""


@dataclass(frozen=True)
class Synset:
    offset: int
    lemmas: tuple[str, ...]
    # Every more general synset: class hypernyms (`@`) and, for named
    # instances, instance hypernyms (`@i`), in the file's order.
    hypernyms: tuple[int, ...]
    gloss: str
    instance_hypernyms: tuple[int, ...] = ()
    # Every more specific synset (`~`, and `~i` named instances), in the file's
    # order: the order of NLTK's `hyponyms()`.
    hyponyms: tuple[int, ...] = ()

    @property
    def wnid(self) -> str:
        return wnid_of(self.offset)

    @property
    def ordered_hypernyms(self) -> tuple[int, ...]:
        """Class hypernyms, then instance hypernyms, each in the file's order: NLTK's
        `hypernyms() + instance_hypernyms()`, which `hypernym_paths` follows."""
        classes = tuple(h for h in self.hypernyms if h not in self.instance_hypernyms)
        return classes + self.instance_hypernyms

    @property
    def name(self) -> str:
        return self.lemmas[0]


def wnid_of(offset: int) -> str:
    return f"n{offset:08d}"


def offset_of(wnid: str) -> int:
    if len(wnid) != 9 or wnid[0] != "n" or not wnid[1:].isdigit():
        raise ValueError(f"not a WordNet noun id: {wnid!r}")
    return int(wnid[1:])


def resolve_wordnet_dir(path: str | os.PathLike[str] | None = None) -> Path:
    chosen = Path(path or os.environ.get(WORDNET_DIR_ENV) or DEFAULT_WORDNET_DIR)
    if not (chosen / "data.noun").is_file():
        raise WordNetError(
            f"WordNet 3.0 not found: {chosen / 'data.noun'} does not exist. "
            "Install Debian's `wordnet-base` package or pass --wordnet-dir "
            f"(or set {WORDNET_DIR_ENV}) to a folder holding data.noun."
        )
    return chosen


def _parse_line(line: str, path: Path, line_number: int) -> Synset:
    try:
        data, _, gloss = line.partition(" | ")
        fields = data.split()
        offset = int(fields[0])
        word_count = int(fields[3], 16)
        lemmas = tuple(fields[4 + 2 * i] for i in range(word_count))
        pointer_at = 4 + 2 * word_count
        pointer_count = int(fields[pointer_at])
        hypernyms, instance_hypernyms, hyponyms = [], [], []
        for i in range(pointer_count):
            symbol, target, pos = fields[pointer_at + 1 + 4 * i : pointer_at + 4 + 4 * i]
            if symbol in _HYPERNYM_POINTERS and pos == "n":
                hypernyms.append(int(target))
                if symbol == "@i":
                    instance_hypernyms.append(int(target))
            elif symbol in _HYPONYM_POINTERS and pos == "n":
                hyponyms.append(int(target))
    except (IndexError, ValueError) as error:
        raise WordNetError(f"{path}:{line_number}: cannot parse synset line ({error})") from error
    return Synset(
        offset,
        lemmas,
        tuple(hypernyms),
        gloss.strip(),
        tuple(instance_hypernyms),
        tuple(hyponyms),
    )


def _read_synsets(path: Path) -> Iterator[Synset]:
    with path.open(encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            # The licence header lines start with two spaces.
            if line.startswith(" "):
                continue
            yield _parse_line(line, path, line_number)


class WordNet:
    """The noun synsets of WordNet 3.0 and their hypernym graph."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = resolve_wordnet_dir(directory)
        self.data_file = self.directory / "data.noun"
        self.synsets: dict[int, Synset] = {s.offset: s for s in _read_synsets(self.data_file)}

    def __getitem__(self, offset: int) -> Synset:
        try:
            return self.synsets[offset]
        except KeyError:
            raise WordNetError(f"synset {wnid_of(offset)} is not in {self.data_file}") from None

    @cached_property
    def hyponyms(self) -> dict[int, tuple[int, ...]]:
        """Each synset's direct hyponyms, named instances included, in the file's order."""
        return {offset: s.hyponyms for offset, s in self.synsets.items() if s.hyponyms}

    def class_hyponyms(self, offset: int) -> tuple[int, ...]:
        """Direct hyponyms (`~`), without named instances (`~i`), in NLTK's `hyponyms()` order."""
        return tuple(
            child
            for child in self.hyponyms.get(offset, ())
            if offset not in self[child].instance_hypernyms
        )

    def ancestors(self, offset: int) -> dict[int, int]:
        """Every synset above `offset` on any hypernym path, with its shortest distance."""
        depth: dict[int, int] = {}
        frontier = list(self[offset].hypernyms)
        distance = 1
        while frontier:
            next_frontier = []
            for node in frontier:
                if node not in depth:
                    depth[node] = distance
                    next_frontier.extend(self[node].hypernyms)
            frontier = next_frontier
            distance += 1
        return depth

    def hypernym_paths(self, offset: int) -> list[list[int]]:
        """All root-to-synset paths, root first, as NLTK's `hypernym_paths` returns them."""
        synset = self[offset]
        if not synset.hypernyms:
            return [[offset]]
        return [
            [*path, offset]
            for parent in synset.ordered_hypernyms
            for path in self.hypernym_paths(parent)
        ]
