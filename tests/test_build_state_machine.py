"""Any sequence of ingest changes and builds publishes what a full rebuild gives.

A Hypothesis state machine over a small synthetic workload (models x 1,000
images, 64-d synthetic CLIP data). Its rules change the inputs the way a user
does (add, rewrite or delete a model's predictions, change labels, embeddings or
superclass definitions) and build them every way the project supports (plain
`dbt build`, `dbt run --select` of one mart, `imagenet-errors build`, with
`--full-refresh`, a build that fails on a bad file, a build killed part-way).
After every build of the whole project, every column of every mart of the
published warehouse equals a fresh full build of the data root as it is then
(tests/mart_equality.py). After a `--select` of one mart, the published
warehouse must still pass the project's data tests; the next whole build is
compared as always.

In a normal pytest run it walks one fixed sequence (derandomised) of a few
steps, without shrinking, to keep its share of the test suite bounded. With
IMAGENET_ERRORS_LONG_SEQUENCES=1 it explores many longer random sequences and
shrinks a failing one to a short sequence of steps.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pytest
from build_steps import (
    DBT,
    ENTRY_POINTS,
    killed_build,
    publishes_nothing,
    run_build,
    write_bad_predictions,
)
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from mart_equality import assert_equals_full_build

from ingest.imagenet.metadata import NUM_CLASSES, validation_image_name
from ingest.sources import labels
from ingest.sources.predictions import predictions_path
from ingest.superclasses.definitions import read_seed
from ingest.superclasses.store import remove_imported, write_imported
from ingest.synth.clip import synthesise_clip
from ingest.synth.predictions import synthesise
from ingest.warehousing.dbt_runner import DbtError, run_dbt

LONG = os.environ.get("IMAGENET_ERRORS_LONG_SEQUENCES") == "1"
IMAGES, DIMENSION, FIRST_MODELS = 1000, 64, 2
SELECTED_MART = "agg_model_error_summary"


def model_id(model: int) -> str:
    return f"synthetic_{model:04d}"


class BuildSequences(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # One folder per sequence: data root, warehouse, the full builds compared with.
        self.folder = Path(tempfile.mkdtemp(prefix="build-sequence-"))
        self.root = self.folder / "data"
        self.work_dir = self.folder / "warehouse"
        self.work_dir.mkdir()
        self.database = self.work_dir / "warehouse.duckdb"
        self.full_builds = self.folder / "full-builds"
        self.models: set[int] = set()
        self.next_model = 0
        # What ran so far, for the failure message.
        self.steps: list[str] = []

    def teardown(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def step(self, what: str) -> str:
        self.steps.append(what)
        return f"step {len(self.steps)} ({'; '.join(self.steps)})"

    def check(self, what: str) -> None:
        assert_equals_full_build(self.database, self.root, self.full_builds, self.step(what))

    def published_query(self, sql: str) -> list[tuple]:
        if not self.database.exists():
            return []
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.execute(sql).fetchall()

    @initialize()
    def workload(self) -> None:
        synthesise(FIRST_MODELS, IMAGES, self.root, progress=False)
        synthesise_clip(IMAGES, self.root, dimension=DIMENSION, progress=False)
        self.models = set(range(FIRST_MODELS))
        self.next_model = FIRST_MODELS

    # Changes to the inputs.

    @rule()
    def add_model(self) -> None:
        synthesise(1, IMAGES, self.root, first_model=self.next_model, progress=False)
        self.models.add(self.next_model)
        self.step(f"add {model_id(self.next_model)}")
        self.next_model += 1

    @precondition(lambda self: self.models)
    @rule(data=st.data())
    def rewrite_model(self, data: st.DataObject) -> None:
        model = data.draw(st.sampled_from(sorted(self.models)), label="model")
        seed = data.draw(st.integers(1, 3), label="seed")
        # Model 0 also rewrites the workload's labels, as synth does.
        synthesise(1, IMAGES, self.root, seed=seed, first_model=model, progress=False)
        self.step(f"rewrite {model_id(model)} with seed {seed}")

    @precondition(lambda self: len(self.models) > 1)
    @rule(data=st.data())
    def delete_model(self, data: st.DataObject) -> None:
        model = data.draw(st.sampled_from(sorted(self.models)), label="model")
        shutil.rmtree(predictions_path(model_id(model), self.root).parent)
        self.models.discard(model)
        self.step(f"delete {model_id(model)}")

    @rule(count=st.integers(1, 300), shift=st.integers(1, NUM_CLASSES - 1))
    def change_labels(self, count: int, shift: int) -> None:
        changed = dict(labels.original_validation_labels())
        for index in range(count):
            image = validation_image_name(index)
            changed[image] = (changed[image] + shift) % NUM_CLASSES
        labels.write_image_labels(changed, self.root)
        self.step(f"relabel the first {count} images (+{shift})")

    @rule(seed=st.integers(0, 3))
    def change_embeddings(self, seed: int) -> None:
        synthesise_clip(IMAGES, self.root, seed=seed, dimension=DIMENSION, progress=False)
        self.step(f"CLIP data of seed {seed}")

    @rule(data=st.data())
    def edit_superclass(self, data: st.DataObject) -> None:
        definitions = read_seed()
        # The superclasses the published errors were decided on, when there are:
        # dropping one of those changes categories.
        used = [
            name
            for (name,) in self.published_query(
                "select distinct shared_superclass from fct_prediction_errors "
                "where shared_superclass is not null order by 1"
            )
            if name in definitions
        ]
        choices = ["(back to the seed)", *(used or sorted(definitions))]
        # An index, not sampled_from(choices): what is drawn does not depend on
        # the builds, so a seed walks the same steps whatever the builds did.
        dropped = choices[data.draw(st.integers(0, 999), label="superclass") % len(choices)]
        if dropped == choices[0]:
            remove_imported(self.root)
        else:
            del definitions[dropped]
            write_imported(definitions, "the seed without one superclass", self.root)
        self.step(f"superclasses: {dropped if dropped != choices[0] else 'the seed'}")

    # Builds.

    @rule()
    def plain_dbt_build(self) -> None:
        run_build("dbt build", self.root, self.database, self.work_dir)
        self.check("dbt build")

    @precondition(lambda self: self.database.exists())
    @rule()
    def run_one_mart(self) -> None:
        run_dbt(
            ["run", "--select", SELECTED_MART],
            root=self.root,
            database=self.database,
            quiet=True,
            work_dir=self.work_dir,
        )
        # dbt test reads the working file, which a plain `dbt run` left equal to
        # the published one (a copy of it when imagenet-errors handed it over).
        where = self.step(f"dbt run --select {SELECTED_MART}")
        try:
            run_dbt(
                ["test", "--exclude-resource-type", "unit_test"],
                root=self.root,
                database=self.database,
                quiet=True,
                work_dir=self.work_dir,
            )
        except DbtError as error:
            raise AssertionError(f"the data tests fail after {where}") from error

    @rule()
    def imagenet_errors_build(self) -> None:
        run_build("imagenet-errors build", self.root, self.database, self.work_dir)
        self.check("imagenet-errors build")

    @rule()
    def full_refresh(self) -> None:
        run_build(
            "imagenet-errors build", self.root, self.database, self.work_dir, full_refresh=True
        )
        self.check("imagenet-errors build --full-refresh")

    @precondition(lambda self: self.models)
    @rule(entry=st.sampled_from(ENTRY_POINTS))
    def failing_build(self, entry: str) -> None:
        """A predictions file with class 1000, class -1 and a repeated image, written
        straight into the data root: the build fails and publishes nothing; then the
        file is removed."""
        bad = write_bad_predictions(self.root, model_id(min(self.models)))
        where = self.step(f"{entry} on a bad predictions file, then the file removed")
        try:
            with publishes_nothing(self.database, where):
                try:
                    run_build(entry, self.root, self.database, self.work_dir)
                except DbtError:
                    pass
                else:
                    raise AssertionError(f"the build succeeded on a bad file at {where}")
        finally:
            shutil.rmtree(bad.parent)

    @rule(entry=st.sampled_from(ENTRY_POINTS), after=st.integers(1, 40))
    def killed(self, entry: str, after: int) -> None:
        log = self.work_dir / "killed.log"
        was_killed = killed_build(entry, self.root, self.database, log, after)
        self.step(f"{entry} killed after {after} models" + ("" if was_killed else " (ended first)"))


# The normal run: three sequences, the same every time. Hypothesis first tries
# the simplest one (the first rule, add_model, repeated: no build, seconds), then
# an empty one, then one drawn from SEED. Seed 6 (Hypothesis 6.170) draws:
# imagenet-errors build | rewrite synthetic_0000 | dbt build | imagenet-errors
# build on a bad predictions file, then the file removed | dbt build.
SEED = int(os.environ.get("IMAGENET_ERRORS_SEQUENCE_SEED", "6"))
BuildSequences.TestCase.settings = settings(
    max_examples=30 if LONG else 3,
    stateful_step_count=25 if LONG else 6,
    # A step is a dbt build: seconds to a minute, on a machine shared with others.
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # No example database in the work tree, and no shrinking in the normal run
    # (each shrink step reruns a sequence of builds).
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate, *((Phase.shrink,) if LONG else ())),
    print_blob=True,
)
if not LONG:
    seed(SEED)(BuildSequences)


@pytest.mark.skipif(not DBT.exists(), reason=f"no dbt beside {sys.executable}")
class TestBuildSequences(BuildSequences.TestCase):
    pass
