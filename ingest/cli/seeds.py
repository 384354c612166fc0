"""`imagenet-errors seeds`: rebuild the derived dbt seeds."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest.cli._options import Subcommands


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "seeds",
        help="rebuild the derived dbt seeds (classes, WordNet closure, expert annotations)",
        description="Rebuild seeds/*.csv that derive from WordNet, timm and the expert "
        "mistakes files, and seeds/_seeds.yml with their sources and sha256.",
    )
    parser.add_argument(
        "--wordnet-dir",
        type=Path,
        help="folder with WordNet 3.0 data.noun "
        "(default /usr/share/wordnet, from Debian's wordnet-base)",
    )
    parser.add_argument(
        "--mistakes-dir",
        type=Path,
        help="folder with vit3b_mistakes.json and greedy_soups_mistakes.json "
        "(default: the reference folder's imagenet_mistakes/)",
    )
    parser.add_argument(
        "--reference-samples",
        type=Path,
        action="append",
        default=[],
        help="reference error samples whose images are known to be in the "
        "multi-label set (repeatable)",
    )
    parser.set_defaults(handler=_run_seeds)


def _run_seeds(args: argparse.Namespace) -> None:
    from ingest.seeds.build import build_seeds

    names = build_seeds(args.wordnet_dir, args.mistakes_dir, args.reference_samples)
    print("rebuilt seeds: " + ", ".join(names))
