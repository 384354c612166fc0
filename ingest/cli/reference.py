"""Commands about the reference study: `compare-reference` and `reference-models`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.cli._options import Subcommands


def register(commands: Subcommands) -> None:
    _register_compare(commands)
    _register_reference_models(commands)


def _register_compare(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "compare-reference",
        help="classify the reference study's error samples and report agreement",
        description="Run each row of a samples file (format of the reference's "
        "error_samples_dev.csv) through the dbt models and compare categories.",
    )
    parser.add_argument("--samples", type=Path, required=True)
    parser.add_argument(
        "--min-agreement",
        type=float,
        default=0.0,
        help="fail (exit 1) when overall agreement is below this percent",
    )
    parser.add_argument(
        "--min-category-agreement",
        type=float,
        default=0.0,
        help="fail when fg, spurious_correlation, model_failure, multi_label "
        "or overlapping_classes agreement is below this percent",
    )
    parser.add_argument(
        "--min-proposal-agreement",
        type=float,
        default=0.0,
        help="fail when fewer than this percent of fg-OOV rows match the reference's "
        "open-world proposals (count and top-5)",
    )
    parser.add_argument("--work-dir", type=Path, help="keep the scratch data and database here")
    parser.add_argument(
        "--folds",
        type=int,
        nargs="?",
        const=5,
        metavar="K",
        help="cross-validate the superclasses instead (K default 5): split the samples by "
        "image into K folds, refine the hand-written prior (ingest/superclasses/prior.yml) "
        "on K-1 of them and classify the held-out one; the thresholds then apply to the "
        "held-out figures",
    )
    parser.set_defaults(handler=_run_compare)


def _run_compare(args: argparse.Namespace) -> int:
    from ingest.reference.compare import classify_samples, failed_thresholds, read_samples, report

    samples = read_samples(args.samples)
    if args.folds is not None:
        from ingest.reference.folds import cross_validate, fold_summary
        from ingest.superclasses.prior import read_prior

        def progress(line: str) -> None:
            print(line, file=sys.stderr, flush=True)

        validation = cross_validate(samples, read_prior().definitions, args.folds, progress)
        print("\n".join(fold_summary(validation)))
        print(f"held-out rows of all {args.folds} folds:")
        comparison = validation.pooled
    else:
        comparison = classify_samples(samples, args.work_dir)
    print(report(comparison))
    failures = failed_thresholds(
        comparison,
        args.min_agreement,
        args.min_category_agreement,
        args.min_proposal_agreement,
    )
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    return 0


def _register_reference_models(commands: Subcommands) -> None:
    from ingest.sources.reference_models import DEFAULT_DIR

    parser = commands.add_parser(
        "reference-models",
        help="ingest the reference study's results for its 962 models",
        description="Read stats_imagenet_{all,organism,artifact,other}.csv and "
        "models_summary.csv (github.com/eth-sri/automated-error-analysis) from a local "
        "folder, check their published sha256 and write them as Parquet under the data "
        "root, for agg_reference_model_errors.",
    )
    parser.add_argument(
        "--from",
        dest="source_dir",
        type=Path,
        default=DEFAULT_DIR,
        help=f"folder with the CSV files (default {DEFAULT_DIR})",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="accept files whose sha256 differs"
    )
    parser.set_defaults(handler=_run_reference_models)


def _run_reference_models(args: argparse.Namespace) -> None:
    from ingest.sources.reference_models import import_reference_models

    for path in import_reference_models(args.source_dir, verify=not args.no_verify):
        print(f"wrote {path}")
