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


def add_target_option(parser: argparse.ArgumentParser, duckdb_gives: str, spark_gives: str) -> None:
    """--target: which target of profiles.yml dbt builds on (checked by `check_target`)."""
    parser.add_argument(
        "--target",
        default="duckdb",
        help=f"profiles.yml target: duckdb (default, {duckdb_gives}) or spark (local Spark "
        f"after `bin/setup --spark`; {spark_gives})",
    )


def check_target(target: str) -> None:
    """A target profiles.yml has, whose adapter is installed; BadInput otherwise."""
    import importlib.util

    import yaml

    from ingest.core.errors import BadInput
    from ingest.core.paths import PROJECT_DIR

    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())["imagenet_errors"]
    if target not in profile["outputs"]:
        raise BadInput(
            f"no target {target} in profiles.yml (there are: {', '.join(profile['outputs'])})"
        )
    adapter = profile["outputs"][target]["type"]
    if importlib.util.find_spec(f"dbt.adapters.{adapter}") is None:
        raise BadInput(f"target {target} needs dbt-{adapter}: run bin/setup --{adapter}")
