"""Commands about the reference study: `reference fetch|status`, `compare-reference`
and `reference-models`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.cli._options import (
    Subcommands,
    add_progress_option,
    add_target_option,
    check_target,
)


def register(commands: Subcommands) -> None:
    _register_reference_data(commands)
    _register_compare(commands)
    _register_reference_models(commands)


def _register_reference_data(commands: Subcommands) -> None:
    from ingest.core.paths import REFERENCE_DIR_ENV
    from ingest.reference.fetch import BASE_URL_ENV

    parser = commands.add_parser(
        "reference",
        help="fetch the public reference data (the study's results, the expert reviews)",
        description="The reference folder holds the public files that compare-reference, "
        "reference-models and experts import read: the reference study's results and "
        "classified errors (eth-sri/automated-error-analysis) and the expert-reviewed "
        "mistakes (google-research/imagenet-mistakes), pinned to a commit and checked "
        f"against their sha256. Default: reference_data/ under the data root; env "
        f"{REFERENCE_DIR_ENV} names another folder for every command.",
    )
    kinds = parser.add_subparsers(dest="kind", required=True, metavar="ACTION")
    fetch = kinds.add_parser(
        "fetch",
        help="download the public inputs (or install them from a local copy)",
        description="Download every public input from its canonical address (raw files of "
        "a pinned commit on GitHub), check its sha256 and install it in the reference "
        "folder. Resumable: an interrupted download continues on the next run; a file "
        "that fails its checksum is removed. Exit 2 when a file could not be installed, "
        "with one line for each.",
    )
    fetch.add_argument(
        "--to", type=Path, help="the reference folder to write (default: the one commands read)"
    )
    fetch.add_argument(
        "--from",
        dest="source_dir",
        type=Path,
        help="install from a local copy instead: a folder holding automated-error-analysis/ "
        "and imagenet-mistakes/ (the upstream repositories) or a reference folder",
    )
    fetch.add_argument(
        "--with-shankar",
        action="store_true",
        help="also Shankar et al.'s multi-label file human_accuracy_v3.0.0.json (200 MB)",
    )
    fetch.add_argument(
        "--base-url",
        help=f"a mirror serving each file at URL/<path> (env {BASE_URL_ENV}), path as on "
        "raw.githubusercontent.com (owner/repo/commit/file) or storage.googleapis.com",
    )
    fetch.add_argument(
        "--retries", type=int, default=2, help="attempts more per file after a broken transfer"
    )
    fetch.add_argument(
        "--no-verify", action="store_true", help="install files whose sha256 differs (warned)"
    )
    add_progress_option(fetch)
    fetch.set_defaults(handler=_run_fetch)
    status = kinds.add_parser(
        "status",
        help="what the reference folder holds",
        description="List every input of the reference folder and whether it is there and "
        "verified; exit 1 when one that the commands and tests read is missing.",
    )
    status.set_defaults(handler=_run_status)


def _run_fetch(args: argparse.Namespace) -> int:
    from ingest.core.paths import reference_dir
    from ingest.reference.fetch import fetch_reference, selected_files

    folder = (args.to or reference_dir()).resolve()
    result = fetch_reference(
        folder,
        selected_files(with_large=args.with_shankar),
        source_dir=args.source_dir,
        base_url=args.base_url,
        verify=not args.no_verify,
        retries=args.retries,
        progress=not args.no_progress,
    )
    print(result.summary())
    if result.failed:
        return 2
    if folder != reference_dir():
        from ingest.core.paths import REFERENCE_DIR_ENV

        print(f"commands read it with {REFERENCE_DIR_ENV}={folder}")
    return 0


def _run_status(args: argparse.Namespace) -> int:
    from ingest.core.paths import reference_dir
    from ingest.reference.fetch import folder_status, missing_inputs

    folder = reference_dir()
    print(f"reference folder: {folder}")
    for name, state in folder_status(folder):
        print(f"  {name}: {state}")
    missing = missing_inputs(folder)
    if missing:
        print(f"{len(missing)} missing: run `imagenet-errors reference fetch`")
        return 1
    return 0


def _register_compare(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "compare-reference",
        help="classify the reference study's error samples and report agreement",
        description="Run each of the reference's classified errors through the dbt models "
        "and compare categories.",
    )
    parser.add_argument(
        "--samples",
        type=Path,
        help="the study's common_error_samples/most_common_<category>.txt (a file or their "
        "folder) or a CSV in the form of error_samples_dev.csv (default: the reference "
        "folder's, see `imagenet-errors reference status`)",
    )
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
    add_target_option(
        parser,
        "a scratch DuckDB file",
        "a scratch Spark warehouse; the figures must be DuckDB's, tests/test_spark_equality.py",
    )
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
    from ingest.core.errors import BadInput
    from ingest.reference.compare import classify_samples, failed_thresholds, report
    from ingest.reference.samples import load_samples

    if args.target != "duckdb":
        if args.folds is not None:
            raise BadInput("--folds replays the rules in Python, not on a target: drop --target")
        check_target(args.target)
    samples = load_samples(args.samples)
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
        comparison = classify_samples(samples, args.work_dir, args.target)
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
    parser = commands.add_parser(
        "reference-models",
        help="ingest the reference study's results for its 962 models",
        description="Read stats_imagenet_{all,organism,artifact,other}.csv and "
        "models_summary.csv (github.com/eth-sri/automated-error-analysis) from the "
        "reference folder or another local one, check their published sha256 and write "
        "them as Parquet under the data root, for agg_reference_model_errors.",
    )
    parser.add_argument(
        "--from",
        dest="source_dir",
        type=Path,
        help="folder with the CSV files (default: the reference folder's "
        "automated_error_analysis/)",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="accept files whose sha256 differs"
    )
    parser.set_defaults(handler=_run_reference_models)


def _run_reference_models(args: argparse.Namespace) -> None:
    from ingest.sources.reference_models import import_reference_models

    for path in import_reference_models(args.source_dir, verify=not args.no_verify):
        print(f"wrote {path}")
