"""Commands for the analyses: `experts import` and `report`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.cli._options import Subcommands


def register(commands: Subcommands) -> None:
    _register_experts(commands)
    _register_report(commands)


def _register_experts(commands: Subcommands) -> None:
    experts = commands.add_parser(
        "experts",
        help="import the expert-reviewed mistakes of ViT-3B and Greedy Soups",
        description="Write the mistakes Vasudevan et al. (2022) reviewed as the predictions of "
        "two models (vit3b, greedy_soups; only the reviewed images) and their expert "
        "categories, for the agg_expert_agreement mart. Multi-labels: Shankar et al.'s "
        "file when given, else the labels already under the data root, else ImageNet-ReaL "
        "for the reviewed images.",
    )
    kinds = experts.add_subparsers(dest="kind", required=True)
    expert_import = kinds.add_parser("import", help="read the mistakes files from a folder")
    expert_import.add_argument(
        "--mistakes-dir",
        type=Path,
        help="folder with vit3b_mistakes.json and greedy_soups_mistakes.json "
        "(github.com/google-research/imagenet-mistakes, metadata/; default: the reference "
        "folder's imagenet_mistakes/)",
    )
    expert_import.add_argument(
        "--shankar",
        type=Path,
        help="human_accuracy_v3.0.0.json, for the multi-labels (default: the reference "
        "folder's, when it has one)",
    )
    expert_import.set_defaults(handler=_run_experts)


def _run_experts(args: argparse.Namespace) -> None:
    from ingest.core.paths import shankar_labels_file
    from ingest.sources.experts import import_experts

    shankar = args.shankar
    if shankar is None and shankar_labels_file().is_file():
        shankar = shankar_labels_file()
    result = import_experts(args.mistakes_dir, shankar)
    for path in result.written:
        print(f"wrote {path}")
    print(f"labels: {result.labels_note}")
    print("next: imagenet-errors build, then query agg_expert_agreement")


def _register_report(commands: Subcommands) -> None:
    report = commands.add_parser(
        "report",
        help="write the HTML report and its PNG plots from the marts",
        description="Read the warehouse read-only and write report.html (plots embedded) "
        "and the plots as PNG: error categories against top-1 and MLA among the "
        "reference's 962 models, MLA variants, organisms vs artifacts, categories per "
        "model, the most common errors and the expert agreement.",
    )
    report.add_argument(
        "--output", type=Path, help="folder to write to (default report/ in the project)"
    )
    report.set_defaults(handler=_run_report)


def _run_report(args: argparse.Namespace) -> None:
    from ingest.core.paths import database_path
    from ingest.report import DEFAULT_OUTPUT, write_report

    report = write_report(database_path(), args.output or DEFAULT_OUTPUT)
    for note in report.notes:
        print(f"note: {note}", file=sys.stderr)
    print(f"wrote {report.html} and {len(report.plots)} plots in {report.html.parent}")
