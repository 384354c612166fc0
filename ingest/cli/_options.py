"""Options and argument plumbing that several commands share."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ingest.predict.image_sets import ImageSet

Subcommands = argparse._SubParsersAction


def add_image_set_options(parser: argparse.ArgumentParser) -> None:
    """The image-set options of `predict` and `embed` (read by `load_image_set`)."""
    parser.add_argument(
        "--images",
        choices=["demo", "imagenet-val", "imagenet-a", "folder"],
        default="demo",
        help="which image set (default: the embedded demo)",
    )
    parser.add_argument("--image-dir", type=Path, help="folder of the image set")
    parser.add_argument(
        "--labels-file",
        type=Path,
        help="labels of a flat ImageNet validation folder (default: packaged)",
    )


def load_image_set(args: argparse.Namespace) -> ImageSet:
    from ingest.core.paths import data_root
    from ingest.predict import image_sets
    from ingest.sources.labels import original_validation_labels

    if args.images == "demo":
        return image_sets.demo(data_root())
    if args.image_dir is None:
        raise ValueError(f"--images {args.images} needs --image-dir")
    if args.images == "imagenet-val":
        known = original_validation_labels(args.labels_file) if args.labels_file else None
        return image_sets.imagenet_validation(args.image_dir, known)
    if args.images == "imagenet-a":
        return image_sets.imagenet_a(args.image_dir)
    return image_sets.wnid_folders(args.image_dir)


def add_progress_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
