"""How often the warehouse's categories agree with the independent oracle at scale.

    python benchmarks/reference_logic_agreement.py --models 10 --images 20000
    python benchmarks/reference_logic_agreement.py --models 100 --images 50000

writes a synthetic workload with CLIP data (`imagenet-errors synth`), builds it
as `imagenet-errors build` does, and compares every row of
`fct_prediction_errors` and every figure of `agg_model_error_summary` with
`tests/oracle`, a second implementation of the rules in plain Python (the
stand-in for the reference's own `classify_error`, whose repository is not
reachable offline). Prints the share of top-1 errors that agree in every
column, the differences by column with examples, and the time each step took.
tests/test_oracle.py runs the same comparison on 5 x 20,000 in CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR / "tests"))

from oracle.compare import compare_warehouse, paths_exercised  # noqa: E402
from oracle.inputs import read_seeds, read_workload  # noqa: E402
from oracle.rules import Oracle  # noqa: E402

from ingest.core.paths import SEEDS_DIR  # noqa: E402
from ingest.synth.clip import DIMENSION, synthesise_clip  # noqa: E402
from ingest.synth.predictions import synthesise  # noqa: E402
from ingest.warehousing.build import build_warehouse  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=int, default=10)
    parser.add_argument("--images", type=int, default=20_000)
    parser.add_argument("--clip-dimension", type=int, default=DIMENSION)
    parser.add_argument("--work-dir", type=Path, help="keep the data and database here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="oracle-agreement-") as scratch:
        base = args.work_dir or Path(scratch)
        root, database = base / "data", base / "warehouse.duckdb"
        started = time.perf_counter()
        synthesise(args.models, args.images, root, progress=False)
        synthesise_clip(args.images, root, dimension=args.clip_dimension, progress=False)
        synthesised = time.perf_counter()
        build_warehouse(root=root, database=database, quiet=True, work_dir=base)
        built = time.perf_counter()
        oracle = Oracle(read_seeds(SEEDS_DIR), read_workload(root))
        rows, summaries = compare_warehouse(oracle, oracle.workload, database)
        compared = time.perf_counter()
        print(f"{args.models} models x {args.images:,} images (CLIP width {args.clip_dimension})")
        print(
            f"synth {synthesised - started:.1f} s, build {built - synthesised:.1f} s, "
            f"oracle and comparison {compared - built:.1f} s"
        )
        print("fct_prediction_errors:", rows.report())
        print("agg_model_error_summary:", summaries.report())
        print("paths taken (top-1 errors; label statuses also of right predictions):")
        for path, count in sorted(paths_exercised(oracle, oracle.workload).items()):
            print(f"  {path}: {count:,}")
        return 1 if rows.any or summaries.any else 0


if __name__ == "__main__":
    raise SystemExit(main())
