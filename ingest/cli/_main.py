"""The parser, its global options, and the one place bad input becomes exit code 2."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.cli import (
    analyses,
    demo,
    embed,
    predict,
    reference,
    seeds,
    sources,
    superclasses,
    synth,
    warehouse,
)
from ingest.core.paths import DATA_ROOT_ENV, DATABASE_ENV

DESCRIPTION = """\
Sort every error of every ImageNet classifier into the categories of Peychev et al.
(NeurIPS 2023): overlapping classes, multi-label correct, fine-grained, fine-grained
out-of-vocabulary, spurious correlation, non-prototypical, model failure.

The embedded demo, end to end (no network, no data to fetch):
  imagenet-errors demo                    # photos -> 3 real models -> dbt -> errors

Typical use on ImageNet:
  imagenet-errors predict --model efficientnet_lite0 --model resnet50.a1_in1k \\
      --images imagenet-val --image-dir /data/imagenet/val
  imagenet-errors labels original         # ILSVRC-2012 validation labels
  imagenet-errors labels real             # ReaL labels, for label co-occurrence
  imagenet-errors labels shankar FILE     # the multi-label evaluation set
  imagenet-errors predictions import FILE --model NAME
  imagenet-errors embed --pretrained openai --reference-set /data/imagenet/train \\
      --per-class 100 --images imagenet-val --image-dir /data/imagenet/val
  imagenet-errors build                   # dbt build: classify every error
  imagenet-errors summary                 # errors by category, per model
  imagenet-errors reference fetch         # the public reference data (study results, experts)
  imagenet-errors reference-models        # the reference study's 962 models, for the report
  imagenet-errors compare-reference       # agreement with the reference study's categories
  imagenet-errors experts import          # expert categories, for agreement
  imagenet-errors report                  # HTML + PNG plots among the reference's models
"""

# In the order --help lists them: the demo, ingest, classify, the reference, analyses.
COMMAND_GROUPS = (
    demo,
    predict,
    embed,
    sources,
    synth,
    warehouse,
    reference,
    analyses,
    seeds,
    superclasses,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imagenet-errors",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data-root",
        type=Path,
        help=f"where Parquet goes (env {DATA_ROOT_ENV}; default data/ in the project)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help=f"published DuckDB file, the one to query (env {DATABASE_ENV}; default "
        "imagenet_errors.duckdb); dbt builds in <name>_work.duckdb beside it",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.data_root:
        os.environ[DATA_ROOT_ENV] = str(args.data_root.resolve())
    if args.database:
        os.environ[DATABASE_ENV] = str(args.database.resolve())
    try:
        return args.handler(args) or 0
    except (OSError, ValueError, RuntimeError) as error:
        # BadInput (ingest/core/errors.py) and the other errors a user can act on:
        # one line, no traceback. A build locked by another (--no-wait) is one too.
        print(f"imagenet-errors: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
