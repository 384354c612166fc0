"""`dbt build` at the reference study's size: N synthetic models x 50,000 images.

For each N: writes the synthetic workload (`imagenet-errors synth`, with its
CLIP embeddings for the open-world rule; not timed), builds from scratch (cold:
a new database) and again (warm: nothing new, so `imagenet-errors build` finds
nothing to do and does not start dbt), and prints rows classified, wall time,
peak memory of the dbt process and rows per second. Then adds one model to the
largest build and times the incremental build that classifies it.

    python benchmarks/classification_scale.py [--models 10 100 1000] [--images 50000]
        [--no-embeddings] [--work-dir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import duckdb

from ingest.core.paths import working_database_path
from ingest.synth.clip import synthesise_clip
from ingest.synth.predictions import synthesise
from ingest.warehousing.build import build_warehouse
from ingest.warehousing.dbt_runner import DbtRun, target_dir


def build(root: Path, database: Path, scratch: Path, label: str) -> DbtRun:
    # Exactly what `imagenet-errors build` runs.
    run = build_warehouse(root=root, database=database, quiet=True, work_dir=scratch)
    # dbt's timing of every node, kept per build for a look at where the time went.
    results = target_dir(scratch) / "run_results.json"
    if results.exists():
        shutil.copy2(results, scratch / f"run_results_{label}.json")
        results.unlink()
    return run


def rows(database: Path, models: int | None = None) -> int:
    """Rows of fct_prediction_errors; with `models`, checks that it holds that many models."""
    with duckdb.connect(str(database), read_only=True) as connection:
        count, held = connection.execute(
            "select count(*), count(distinct model_id) from fct_prediction_errors"
        ).fetchone()
    if models is not None and held != models:
        raise RuntimeError(f"{database} holds {held} models' predictions, not {models}")
    return count


def line(label: str, run: DbtRun, classified: int | None = None) -> str:
    rate = f"{classified / run.wall_seconds:>12,.0f} rows/s" if classified else ""
    count = f"{classified:>12,} rows" if classified is not None else " " * 17
    memory = f"{run.peak_memory_bytes / 2**30:5.2f} GB peak" if run.started else "dbt not started"
    return f"  {label:<24}{count}  {run.wall_seconds:7.1f} s  {memory}  {rate}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--images", type=int, default=50_000)
    parser.add_argument(
        "--work-dir",
        type=Path,
        help="keep the data, and dbt's timings of each build (run_results_*.json), here "
        "(default: temporary)",
    )
    parser.add_argument(
        "--no-embeddings",
        action="store_true",
        help="no synthetic CLIP data: the open-world rule reports every case not evaluated",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        base = args.work_dir or Path(temporary)
        largest = None
        for count in args.models:
            root, database = base / f"n{count}", base / f"n{count}.duckdb"
            database.unlink(missing_ok=True)
            working_database_path(database).unlink(missing_ok=True)
            synthesise(count, args.images, root, progress=False)
            if not args.no_embeddings:
                synthesise_clip(args.images, root, progress=False)
            print(f"N = {count} models x {args.images:,} images")
            cold = build(root, database, base, f"n{count}_cold")
            print(line("cold (new database)", cold, rows(database, count)))
            warm = build(root, database, base, f"n{count}_warm")
            print(line("warm (nothing new)", warm))
            largest = (count, root, database)
        count, root, database = largest
        synthesise(1, args.images, root, first_model=count, progress=False)
        before = rows(database, count)
        added = build(root, database, base, f"n{count}_plus_one")
        print(line(f"N = {count} + 1 model", added, rows(database, count + 1) - before))


if __name__ == "__main__":
    main()
