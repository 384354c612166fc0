"""`imagenet-errors build` and `summary`: classify, publish, read back."""

from __future__ import annotations

import argparse

from ingest.cli._options import Subcommands, add_target_option, check_target

SUMMARY_QUERY = """
    select model_id, num_samples as samples, round(top1_accuracy, 2) as top1,
           round(mla, 2) as mla, num_overlapping_classes as overlapping,
           num_multi_label as multi_label, num_fine_grained as fine_grained,
           num_fine_grained_oov as fg_oov, num_spurious_correlation as spurious,
           num_non_prototypical as non_proto, num_model_failure as failure,
           oov_check_status as oov_rule
    from agg_model_error_summary
    where class_group = 'all'
    order by model_id
"""

DEFINITIONS_QUERY = "select any_value(superclass_definitions) from dim_classes"


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "build",
        help="dbt build: classify errors, refresh the marts and publish the warehouse",
        description="Run dbt build in the working database (<name>_work.duckdb) and, when it "
        "succeeds, rename it over the published database (--database): readers holding the "
        "published file keep working and never see a half-built one. The next dbt run starts "
        "from a copy of the published file, made while dbt starts up. Only what changed since "
        "the last build runs: nodes whose SQL, macros or seeds changed and those downstream of "
        "sources whose files changed (added models classify only themselves); with nothing "
        "changed, dbt does not start. One build of a database runs at a time: a second one "
        "waits for the first (see --no-wait).",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every node and reclassify every model; never needed for correctness: "
        "changed labels, rules, superclasses or embeddings are picked up by any build",
    )
    parser.add_argument("--select", help="dbt node selection")
    add_target_option(parser, "the published file", "every model is rebuilt, nothing is published")
    parser.add_argument(
        "--no-wait",
        action="store_true",
        help="when another build of the same database is running (imagenet-errors build or a "
        "plain dbt build), exit at once with code 2 instead of waiting for it",
    )
    parser.set_defaults(handler=_run_build)
    summary = commands.add_parser("summary", help="print each model's errors by category")
    summary.set_defaults(handler=_run_summary)


def _run_build(args: argparse.Namespace) -> None:
    from ingest.core.errors import BadInput
    from ingest.core.paths import data_root, predictions_dir
    from ingest.warehousing.build import build_warehouse

    root = data_root()
    if not root.is_dir():
        raise BadInput(f"data root {root} does not exist (check --data-root)")
    if not any(predictions_dir(root).glob("**/*.parquet")):
        # A build of nothing would publish an empty dim_models beside stale marts.
        raise BadInput(
            f"no predictions under {predictions_dir(root)}: ingest some first "
            "(`imagenet-errors predict`, `predictions import`, `predictions import-npz` "
            "or `synth`), or check --data-root"
        )
    if args.target != "duckdb":
        check_target(args.target)
    build_warehouse(
        full_refresh=args.full_refresh,
        select=args.select,
        wait=not args.no_wait,
        target=args.target,
    )


def _run_summary(args: argparse.Namespace) -> None:
    print_summary()


def print_summary() -> None:
    import duckdb

    from ingest.core.errors import BadInput
    from ingest.core.paths import database_path

    database = database_path()
    if not database.is_file():
        raise BadInput(
            f"no warehouse at {database}: run `imagenet-errors build` first, or check --database"
        )
    with duckdb.connect(str(database), read_only=True) as connection:
        connection.sql(SUMMARY_QUERY).show(max_rows=1000, max_width=200)
        definitions = connection.execute(DEFINITIONS_QUERY).fetchone()
    if definitions:
        print(f"superclass definitions: {definitions[0]}")
