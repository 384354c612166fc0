"""Vasudevan et al. (2022)'s mistakes files: the images their experts reviewed, and how."""

from __future__ import annotations

import json
from pathlib import Path

from ingest.core.errors import BadInput
from ingest.core.paths import expert_mistakes_dir

MISTAKES_FILES = ("vit3b_mistakes.json", "greedy_soups_mistakes.json")
NON_PROTOTYPICAL = "Non-prototypical"


class AnnotationError(BadInput):
    """An expert annotation file is missing or not in the expected format."""


def locate_mistakes_files(directory: Path | None = None) -> list[Path]:
    """The mistakes files in `directory`, by default the reference folder's."""
    directory = directory or expert_mistakes_dir()
    paths = [directory / name for name in MISTAKES_FILES]
    for path in paths:
        if not path.is_file():
            raise AnnotationError(
                f"{path} not found (expected {', '.join(MISTAKES_FILES)}): run "
                "`imagenet-errors reference fetch`, or pass --mistakes-dir"
            )
    return paths


def read_mistakes(path: Path) -> dict[str, dict[str, object]]:
    try:
        entries = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise AnnotationError(f"{path}: not readable as JSON ({error})") from error
    if not isinstance(entries, dict):
        raise AnnotationError(f"{path}: expected an object of image name -> annotation")
    for image, entry in entries.items():
        if not isinstance(entry, dict) or "failure category" not in entry:
            raise AnnotationError(f"{path}: entry {image!r} has no 'failure category'")
    return entries


def non_prototypical_rows(paths: list[Path]) -> list[dict[str, object]]:
    sources: dict[str, list[str]] = {}
    for path in paths:
        for image, entry in read_mistakes(path).items():
            if entry["failure category"] == NON_PROTOTYPICAL:
                sources.setdefault(image, []).append(path.stem)
    return [
        {"image_id": image, "annotated_in": "|".join(sorted(files))}
        for image, files in sorted(sources.items())
    ]


def reviewed_image_names(paths: list[Path]) -> set[str]:
    return {image for path in paths for image in read_mistakes(path)}
