"""What `imagenet-errors build` asks dbt for, given what changed since the last build.

dbt itself is replaced by a stand-in that records its command line: the
builds' results are tested in test_incremental.py; here, the choice of nodes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from ingest.core.paths import PROJECT_DIR, working_database_path
from ingest.warehousing import build as warehouse_build
from ingest.warehousing import build_inputs
from ingest.warehousing.dbt_runner import DbtRun

PREDICTIONS = "ingest.predictions"


class FakeDbt:
    """Records each dbt command; leaves a manifest and a published file as a build would."""

    def __init__(self, work_dir: Path) -> None:
        self.work_dir = work_dir
        self.commands: list[list[str]] = []
        self.wrote_manifest: list[bool] = []

    def __call__(
        self, arguments: Sequence[str], *, database: Path, write_manifest: bool, **_: object
    ) -> DbtRun:
        self.commands.append(list(arguments))
        self.wrote_manifest.append(write_manifest)
        target = self.work_dir / "target"
        target.mkdir(parents=True, exist_ok=True)
        (target / "manifest.json").write_text(json.dumps({"build": len(self.commands)}))
        database.write_bytes(b"published")
        return DbtRun(0.0, 0)


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, FakeDbt]:
    root, database = tmp_path / "data", tmp_path / "warehouse.duckdb"
    write_predictions(root, "a")
    dbt = FakeDbt(tmp_path)
    monkeypatch.setattr(warehouse_build, "run_dbt", dbt)
    return root, database, dbt


def write_predictions(root: Path, model: str) -> None:
    path = root / "predictions" / f"model={model}" / "predictions.parquet"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(model.encode())


def build(root: Path, database: Path, **options: object) -> DbtRun:
    return warehouse_build.build_warehouse(
        root=root, database=database, work_dir=database.parent, **options
    )


def test_a_first_build_builds_everything(setup: tuple[Path, Path, FakeDbt]) -> None:
    root, database, dbt = setup
    build(root, database)
    assert dbt.commands == [list(warehouse_build.BUILD_COMMAND)]
    state = warehouse_build.state_dir(database)
    assert (state / "manifest.json").exists() and (state / "build_inputs.json").exists()


def test_nothing_changed_starts_no_dbt(setup: tuple[Path, Path, FakeDbt]) -> None:
    root, database, dbt = setup
    build(root, database)
    run = build(root, database)
    assert not run.started and len(dbt.commands) == 1
    # The state stays, for the builds after this one.
    assert (warehouse_build.state_dir(database) / "manifest.json").exists()


def test_new_source_files_build_downstream_of_that_source_without_state(
    setup: tuple[Path, Path, FakeDbt],
) -> None:
    root, database, dbt = setup
    build(root, database)
    write_predictions(root, "b")
    build(root, database)
    # dbt's state comparison would find nothing modified: it is skipped, and so
    # is writing a new manifest, which the state keeps from the first build.
    assert dbt.commands[-1] == [
        *warehouse_build.BUILD_COMMAND,
        "--select",
        f"source:{PREDICTIONS}+",
    ]
    assert dbt.wrote_manifest == [True, False]
    manifest = warehouse_build.state_dir(database) / "manifest.json"
    assert json.loads(manifest.read_text()) == {"build": 1}


def test_changed_project_code_compares_states(
    setup: tuple[Path, Path, FakeDbt], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, database, dbt = setup
    build(root, database)
    write_predictions(root, "b")
    monkeypatch.setattr(build_inputs, "project_code_digest", lambda: "edited")
    build(root, database)
    previous = warehouse_build.state_dir(database).with_name(
        warehouse_build.state_dir(database).name + ".previous"
    )
    assert dbt.commands[-1] == [
        *warehouse_build.BUILD_COMMAND,
        "--state",
        str(previous),
        "--select",
        "state:modified+",
        f"source:{PREDICTIONS}+",
    ]
    manifest = warehouse_build.state_dir(database) / "manifest.json"
    assert json.loads(manifest.read_text()) == {"build": 2}


def test_changed_variables_build_everything_but_unchanged_seeds(
    setup: tuple[Path, Path, FakeDbt],
) -> None:
    root, database, dbt = setup
    build(root, database)
    build(root, database, dbt_vars={"min_cooccurrence_images": 3})
    assert warehouse_build.UNCHANGED_SEEDS[1] in dbt.commands[-1]
    assert "--state" in dbt.commands[-1] and "state:modified+" not in dbt.commands[-1]


def test_a_build_that_handed_over_counts_as_built(setup: tuple[Path, Path, FakeDbt]) -> None:
    root, database, dbt = setup
    build(root, database)
    # After a hand-over only the published file is left: the next build still
    # compares with the last one instead of building everything.
    assert database.exists() and not working_database_path(database).exists()
    write_predictions(root, "b")
    build(root, database)
    assert dbt.commands[-1][-2:] == ["--select", f"source:{PREDICTIONS}+"]


def copy_project(target: Path) -> Path:
    shutil.copy2(PROJECT_DIR / "dbt_project.yml", target / "dbt_project.yml")
    shutil.copytree(PROJECT_DIR / "macros", target / "macros")
    return target


def test_project_code_digest_sees_what_dbt_parses_only(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = build_inputs.project_code_digest(project)
    (project / "target").mkdir()
    (project / "target" / "manifest.json").write_text("{}")
    (project / "logs").mkdir()
    (project / "logs" / "dbt.log").write_text("a line")
    assert build_inputs.project_code_digest(project) == before
    (project / "models").mkdir()
    (project / "models" / "new_model.sql").write_text("select 1 as one")
    after = build_inputs.project_code_digest(project)
    assert after != before
    (project / "macros" / "error_severity.sql").write_text("{# edited #}")
    assert build_inputs.project_code_digest(project) not in (before, after)


def test_the_saved_manifest_is_the_one_this_build_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no folder named, dbt writes beside the working database: a plain `dbt build`
    writes the project's target/manifest.json before it waits for the build lock,
    and that manifest must not become this build's state."""
    root, database = tmp_path / "data", tmp_path / "warehouse.duckdb"
    write_predictions(root, "a")
    folders: list[Path] = []

    def dbt(arguments: Sequence[str], *, database: Path, work_dir: Path, **_: object) -> DbtRun:
        folders.append(work_dir)
        (work_dir / "target").mkdir(parents=True, exist_ok=True)
        (work_dir / "target" / "manifest.json").write_text('{"by": "this build"}')
        database.write_bytes(b"published")
        return DbtRun(0.0, 0)

    monkeypatch.setattr(warehouse_build, "run_dbt", dbt)
    warehouse_build.build_warehouse(root=root, database=database)
    assert folders == [warehouse_build.artifacts_dir(database)]
    assert folders[0].parent == database.parent and folders[0] != PROJECT_DIR
    state = warehouse_build.state_dir(database)
    assert json.loads((state / "manifest.json").read_text()) == {"by": "this build"}
