"""Ordinary sequences of commands publish what a full rebuild of the same inputs gives.

One test per bug of issue 13 that concerns the published marts, each on a small
synthetic workload (3 models x 2,000 images, 64-d synthetic CLIP data). After
every step that publishes, every column of every mart of the published
warehouse is compared with a fresh full build of the data root as it is then
(tests/mart_equality.py): the order in which a user ran the commands must not
show in any figure.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from build_steps import (
    BAD_MODEL,
    ENTRY_POINTS,
    killed_build,
    publishes_nothing,
    run_build,
    write_bad_predictions,
)
from mart_equality import assert_equals_full_build
from test_incremental import backdate

from ingest.cli import main
from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import DATA_ROOT_ENV, labels_dir
from ingest.imagenet.metadata import validation_image_name
from ingest.sources import labels
from ingest.sources.predictions import predictions_path
from ingest.synth.clip import synthesise_clip
from ingest.synth.predictions import synthesise
from ingest.warehousing.dbt_runner import DbtError

MODELS, IMAGES, DIMENSION = 3, 2000, 64


@dataclass
class Workload:
    """A data root, the published warehouse built from it, and where full builds go."""

    root: Path
    database: Path
    work_dir: Path
    full_builds: Path

    def build(self, entry: str = "imagenet-errors build", full_refresh: bool = False) -> None:
        run_build(entry, self.root, self.database, self.work_dir, full_refresh)

    def check(self, step: str) -> None:
        assert_equals_full_build(self.database, self.root, self.full_builds, step)

    def query(self, sql: str) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql).fetchall()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The workload's files, written once: each test copies them (same bytes, so the
    first full build of every test is the same one, made once)."""
    root = tmp_path_factory.mktemp("pristine") / "data"
    synthesise(MODELS, IMAGES, root, progress=False)
    synthesise_clip(IMAGES, root, dimension=DIMENSION, progress=False)
    return root


@pytest.fixture(scope="module")
def full_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("full-builds")


@pytest.fixture
def workload(pristine: Path, full_builds: Path, tmp_path: Path) -> Workload:
    """The workload built once with `imagenet-errors build`, and checked."""
    root = tmp_path / "data"
    shutil.copytree(pristine, root)
    work_dir = tmp_path / "warehouse"
    work_dir.mkdir()
    built = Workload(root, work_dir / "warehouse.duckdb", work_dir, full_builds)
    built.build()
    built.check("the first imagenet-errors build")
    return built


def add_model(workload: Workload, model: int = MODELS, seed: int = 0) -> None:
    synthesise(1, IMAGES, workload.root, seed=seed, first_model=model, progress=False)


def bad_predictions(workload: Workload, fixed: bool = False) -> Path:
    return write_bad_predictions(workload.root, "synthetic_0000", fixed)


def fails(build: Callable[[], None]) -> None:
    with pytest.raises(DbtError):
        build()


# The bugs of issue 13, one test each.


def test_a_plain_dbt_build_after_adding_a_model(workload: Workload) -> None:
    # On main: agg_class_error_profile keeps a fraction of its rows (225 of 1,438 here).
    add_model(workload)
    workload.build("imagenet-errors build")
    workload.check("adding a model with imagenet-errors build")
    workload.build("dbt build")
    workload.check("a plain dbt build after it")
    # And the other way round: a model added, then built with a plain dbt build.
    add_model(workload, MODELS + 1)
    workload.build("dbt build")
    workload.check("adding another model with a plain dbt build")
    workload.build("imagenet-errors build")
    workload.check("imagenet-errors build after it")


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_bad_predictions_file_fails_and_leaves_no_trace_once_deleted(
    workload: Workload, entry: str
) -> None:
    bad = bad_predictions(workload)
    with publishes_nothing(workload.database, f"a {entry} on a bad file"):
        fails(lambda: workload.build(entry))
    shutil.rmtree(bad.parent)
    # On main: exit 0 and fct_prediction_errors keeps the bad model's rows
    # (the data tests check only the rows this build wrote).
    workload.build(entry)
    workload.check(f"deleting the bad file and a {entry}")
    assert workload.query(
        f"select count(*) from fct_prediction_errors where model_id = '{BAD_MODEL}'"
    ) == [(0,)]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_deleted_model_leaves_every_mart(workload: Workload, entry: str) -> None:
    shutil.rmtree(predictions_path("synthetic_0001", workload.root).parent)
    # On main: gone from dim_models, still in fct_prediction_errors,
    # agg_model_error_summary and agg_common_errors.
    workload.build(entry)
    workload.check(f"deleting a model's predictions and a {entry}")


def test_changed_labels_reclassify_without_full_refresh(workload: Workload) -> None:
    # The first 200 evaluated images get the next class as their label.
    changed = dict(labels.original_validation_labels())
    for index in range(200):
        image = validation_image_name(index)
        changed[image] = (changed[image] + 1) % 1000
    labels.write_image_labels(changed, workload.root)
    # On main: the old labels stay in fct_prediction_errors.
    workload.build()
    workload.check("changing 200 labels")


def test_changed_multi_labels_reclassify_without_full_refresh(workload: Workload) -> None:
    folder = labels_dir(workload.root)
    predictions = pq.read_table(
        predictions_path("synthetic_0000", workload.root), columns=["image_id", "top5_class_ids"]
    ).to_pylist()
    multi = pq.read_table(folder / "multi_labels.parquet").to_pylist()
    # Model 0's top-1 becomes an accepted label of the first 400 images: its errors
    # there turn multi-label correct.
    added = [
        {"image_id": row["image_id"], "class_id": row["top5_class_ids"][0], "verdict": "correct"}
        for row in predictions[:400]
    ]
    known = {(row["image_id"], row["class_id"]) for row in multi}
    multi += [row for row in added if (row["image_id"], row["class_id"]) not in known]
    write_parquet_atomically(
        pa.Table.from_pylist(multi, schema=schemas.MULTI_LABELS), folder / "multi_labels.parquet"
    )
    # And 50 images change sides: problematic ones are left out of the accuracies.
    images = pq.read_table(folder / "multi_label_images.parquet").to_pylist()
    for row in images[400:450]:
        row["is_problematic"] = not row["is_problematic"]
    write_parquet_atomically(
        pa.Table.from_pylist(images, schema=schemas.MULTI_LABEL_IMAGES),
        folder / "multi_label_images.parquet",
    )
    workload.build()
    workload.check("changing multi-labels")


def test_changed_embeddings_reclassify_without_full_refresh(workload: Workload) -> None:
    synthesise_clip(IMAGES, workload.root, seed=1, dimension=DIMENSION, progress=False)
    workload.build()
    workload.check("new CLIP embeddings")


def test_changed_superclasses_reclassify_without_full_refresh(
    workload: Workload, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI's --data-root sets the environment of this process: restored after the test.
    monkeypatch.setenv(DATA_ROOT_ENV, str(workload.root))
    exported = tmp_path / "superclasses.json"
    assert main(["superclasses", "export", "--output", str(exported)]) == 0
    # The superclass that decides most of the published errors is dropped.
    [(used,)] = workload.query("""
        select shared_superclass from fct_prediction_errors
        where shared_superclass is not null
        group by 1 order by count(*) desc, 1 limit 1""")
    lines = exported.read_text().splitlines()
    kept = [line for line in lines if next(iter(json.loads(line))) != used]
    assert len(kept) == len(lines) - 1, f"{used} is not among the exported superclasses"
    exported.write_text("\n".join(kept) + "\n")
    assert main(["--data-root", str(workload.root), "superclasses", "import", str(exported)]) == 0
    workload.build()
    workload.check(f"importing the superclasses without {used}")


def test_the_build_after_a_killed_build(workload: Workload) -> None:
    add_model(workload)
    # Part-way: dbt has written a few models, most not yet.
    log = workload.work_dir / "killed.log"
    assert killed_build("imagenet-errors build", workload.root, workload.database, log, after=3), (
        "the build ended before it could be killed"
    )
    workload.build()
    workload.check("a build killed part-way, then imagenet-errors build")


def test_a_failed_plain_dbt_build_then_the_file_fixed(workload: Workload) -> None:
    bad_predictions(workload)
    with publishes_nothing(workload.database, "a plain dbt build on a bad file"):
        fails(lambda: workload.build("dbt build"))
    bad_predictions(workload, fixed=True)
    workload.build("imagenet-errors build")
    workload.check("a failed plain dbt build, the file fixed, then imagenet-errors build")


def test_predictions_rewritten_with_the_clock_set_back(workload: Workload) -> None:
    # Model 1 rewritten with other predictions, its written_at older than anything
    # the warehouse holds (a file copied in from elsewhere, a clock set back): the
    # fingerprint of a model's files must not depend on the clock.
    add_model(workload, model=1, seed=1)
    backdate(predictions_path("synthetic_0001", workload.root))
    workload.build()
    workload.check("rewriting a model's predictions with an older written_at")
