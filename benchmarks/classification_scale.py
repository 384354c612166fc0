"""`dbt build` at the reference study's size: N synthetic models x 50,000 images.

For each N: writes the synthetic workload (`imagenet-errors synth`, with its
CLIP embeddings for the open-world rule; not timed), builds from scratch (cold:
a new database) and again (warm: nothing new, so `imagenet-errors build` finds
nothing to do and does not start dbt), and prints rows classified, wall time,
peak memory of the dbt process and rows per second. Then adds one model to the
largest build and times the incremental build that classifies it.

With `--target spark`, each N is also built on local Spark (profiles.yml's
`spark` target, after `bin/setup --spark`) from the same files, and its line
printed under DuckDB's cold build: Spark rebuilds every table on every build,
so a cold build is what each of its builds costs. Its peak memory is what
wait4 reports for the dbt process, which may leave out Spark's JVM.

With `--baseline DIR` (another checkout of the project with its own `.venv`,
e.g. `git worktree add DIR main` and `DIR/bin/setup`), every build is run
twice on the same files, by that checkout's code and by this one's, one after
the other, and each line prints both and their ratio: timings on a shared
machine drift from day to day, a ratio in one run does not.

    python benchmarks/classification_scale.py [--models 10 100 1000] [--images 50000]
        [--no-embeddings] [--work-dir DIR] [--baseline DIR] [--target spark]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

from ingest.core.paths import PROJECT_DIR, working_database_path
from ingest.synth.clip import synthesise_clip
from ingest.synth.predictions import synthesise
from ingest.warehousing.build import build_warehouse
from ingest.warehousing.dbt_runner import DbtRun, target_dir

# What `imagenet-errors build` runs, in the Python of a given checkout: the
# benchmark's own one, or the baseline's (whose code may differ in anything
# but this entry point).
_DRIVER = """
import json, sys
from pathlib import Path
from ingest.warehousing.build import build_warehouse
root, database, scratch = map(Path, sys.argv[1:4])
run = build_warehouse(root=root, database=database, quiet=True, work_dir=scratch)
print(json.dumps([run.wall_seconds, run.peak_memory_bytes, run.started]))
"""


def build(
    root: Path, database: Path, scratch: Path, label: str, project: Path | None = None
) -> DbtRun:
    if project is None:
        run = build_warehouse(root=root, database=database, quiet=True, work_dir=scratch)
    else:
        run = _build_in(project, root, database, scratch)
    # dbt's timing of every node, kept per build for a look at where the time went.
    results = target_dir(scratch) / "run_results.json"
    if results.exists():
        shutil.copy2(results, scratch / f"run_results_{label}.json")
        results.unlink()
    return run


def _build_in(project: Path, root: Path, database: Path, scratch: Path) -> DbtRun:
    python = project / ".venv" / "bin" / "python"
    environment = dict(os.environ, PYTHONPATH=str(project))
    interpreter = str(python if python.exists() else sys.executable)
    done = subprocess.run(
        [interpreter, "-c", _DRIVER, str(root), str(database), str(scratch)],
        cwd=project,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    )
    wall_seconds, peak_memory_bytes, started = json.loads(done.stdout.strip().splitlines()[-1])
    return DbtRun(wall_seconds, peak_memory_bytes, started)


def rows(database: Path, models: int | None = None) -> int:
    """Rows of fct_prediction_errors; with `models`, checks that it holds that many models."""
    with duckdb.connect(str(database), read_only=True) as connection:
        count, held = connection.execute(
            "select count(*), count(distinct model_id) from fct_prediction_errors"
        ).fetchone()
    if models is not None and held != models:
        raise RuntimeError(f"{database} holds {held} models' predictions, not {models}")
    return count


def scratch_for(base: Path, count: int) -> Path:
    """A dbt target folder of the Spark build of N models, apart from DuckDB's."""
    return base / f"n{count}_spark_dbt"


def line(label: str, run: DbtRun, classified: int | None = None) -> str:
    rate = f"{classified / run.wall_seconds:>12,.0f} rows/s" if classified else ""
    count = f"{classified:>12,} rows" if classified is not None else " " * 17
    memory = f"{run.peak_memory_bytes / 2**30:5.2f} GB peak" if run.started else "dbt not started"
    return f"  {label:<34}{count}  {run.wall_seconds:7.1f} s  {memory}  {rate}"


def compared(label: str, baseline: DbtRun, ours: DbtRun, classified: int | None = None) -> str:
    ratio = f"{ours.wall_seconds / baseline.wall_seconds:6.2f}x" if baseline.wall_seconds else ""
    return (
        line(f"{label}, baseline", baseline, classified)
        + "\n"
        + line(f"{label}, this", ours, classified)
        + f"\n  {'':<34}{'':17}  ratio {ratio} (this / baseline wall time)"
    )


def builds(
    root: Path, database: Path, base: Path, label: str, baseline: Path | None
) -> tuple[DbtRun | None, DbtRun]:
    """This checkout's build of `database`, and first the baseline's of its own copy."""
    before = None
    if baseline is not None:
        other = database.with_name(f"{database.stem}_baseline.duckdb")
        before = build(root, other, base, f"{label}_baseline", project=baseline)
    ours = build(root, database, base, label, project=PROJECT_DIR if baseline else None)
    return before, ours


def report(label: str, runs: tuple[DbtRun | None, DbtRun], classified: int | None = None) -> str:
    baseline, ours = runs
    if baseline is None:
        return line(label, ours, classified)
    return compared(label, baseline, ours, classified)


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
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of the project (with its .venv): run every build with its "
        "code too and print the ratio",
    )
    parser.add_argument(
        "--target",
        choices=["duckdb", "spark"],
        default="duckdb",
        help="spark: build each N on local Spark too and print it beside DuckDB's cold build",
    )
    args = parser.parse_args()
    baseline = args.baseline.resolve() if args.baseline else None
    with tempfile.TemporaryDirectory() as temporary:
        base = args.work_dir or Path(temporary)
        largest = None
        for count in args.models:
            root, database = base / f"n{count}", base / f"n{count}.duckdb"
            for path in (database, database.with_name(f"{database.stem}_baseline.duckdb")):
                path.unlink(missing_ok=True)
                working_database_path(path).unlink(missing_ok=True)
            synthesise(count, args.images, root, progress=False)
            if not args.no_embeddings:
                synthesise_clip(args.images, root, progress=False)
            print(f"N = {count} models x {args.images:,} images", flush=True)
            cold = builds(root, database, base, f"n{count}_cold", baseline)
            classified = rows(database, count)
            print(report("cold (new database)", cold, classified), flush=True)
            if args.target == "spark":
                spark_dir = base / f"n{count}_spark"
                shutil.rmtree(spark_dir, ignore_errors=True)
                os.environ["IMAGENET_ERRORS_SPARK_DIR"] = str(spark_dir)
                spark = build_warehouse(
                    root=root, quiet=True, work_dir=scratch_for(base, count), target="spark"
                )
                print(line("cold on local Spark (same rows)", spark, classified), flush=True)
            warm = builds(root, database, base, f"n{count}_warm", baseline)
            print(report("warm (nothing new)", warm), flush=True)
            largest = (count, root, database)
        count, root, database = largest
        synthesise(1, args.images, root, first_model=count, progress=False)
        before = rows(database, count)
        added = builds(root, database, base, f"n{count}_plus_one", baseline)
        print(report(f"N = {count} + 1 model", added, rows(database, count + 1) - before))


if __name__ == "__main__":
    main()
