"""Read the reference study's own superclass definitions.

The reference (github.com/eth-sri/automated-error-analysis) ships them as
`superclasses.json` inside its artefacts archive `artefacts.tar.gz`. A user
passes either file; the archive must be the published one (sha256 below),
since a different archive may hold different definitions under the same name.
"""

from __future__ import annotations

import hashlib
import tarfile
from dataclasses import dataclass
from pathlib import Path

from ingest.superclasses.definitions import Definitions, DefinitionsError, parse_json_lines

ARTEFACTS_SHA256 = "efd9b00879fc48c12494cde15477040ed04a1d50b815aec15d33985ffb10adf1"
MEMBER_NAME = "superclasses.json"


@dataclass(frozen=True)
class ReferenceDefinitions:
    definitions: Definitions
    # What they were read from, for dim_classes and the summary.
    description: str


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_reference_definitions(
    path: Path, expected_archive_sha256: str = ARTEFACTS_SHA256
) -> ReferenceDefinitions:
    """`superclasses.json` itself, or the artefacts archive holding it (checksum verified)."""
    if not path.is_file():
        raise DefinitionsError(f"{path}: no such file")
    checksum = sha256_of(path)
    if tarfile.is_tarfile(path):
        if checksum != expected_archive_sha256:
            raise DefinitionsError(
                f"{path}: sha256 {checksum} is not that of the reference's artefacts.tar.gz "
                f"({expected_archive_sha256}); refusing its definitions"
            )
        text, member = _member_text(path)
        where = f"{path}!{member}"
        return ReferenceDefinitions(
            parse_json_lines(text, where), f"{path.name}!{member} (sha256 {checksum})"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise DefinitionsError(
            f"{path}: neither a tar archive nor a UTF-8 JSON-lines file"
        ) from None
    return ReferenceDefinitions(
        parse_json_lines(text, str(path)), f"{path.name} (sha256 {checksum})"
    )


def _member_text(archive: Path) -> tuple[str, str]:
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and Path(m.name).name == MEMBER_NAME]
        if len(members) != 1:
            raise DefinitionsError(
                f"{archive}: expected one {MEMBER_NAME} inside, found {len(members)}"
            )
        handle = tar.extractfile(members[0])
        assert handle is not None  # a regular file
        try:
            return handle.read().decode("utf-8"), members[0].name
        except UnicodeDecodeError:
            raise DefinitionsError(f"{archive}!{members[0].name}: not UTF-8") from None
