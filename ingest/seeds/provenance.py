"""Checksums and package versions recorded next to every derived seed."""

from __future__ import annotations

from importlib import metadata

from ingest.core.checksums import sha256_of

__all__ = ["package_version", "sha256_of"]


def package_version(distribution: str) -> str:
    return metadata.version(distribution)
