"""Checksums and package versions recorded next to every derived seed."""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_version(distribution: str) -> str:
    return metadata.version(distribution)
