"""BI readiness: dbt builds in a working database and publishes a finished copy.

A reader holding the published file (read-only, through SQLAlchemy and
duckdb-engine, as a BI tool does) never blocks a rebuild and never sees a
partial one; a failed build publishes nothing; marts are tables carrying their
column descriptions; `dbt docs generate` catalogues them.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import pytest
import sqlalchemy
import yaml

from ingest.core.paths import DATABASE_ENV, PROJECT_DIR, working_database_path
from ingest.sources import labels
from ingest.sources.predictions import write_predictions
from ingest.warehousing.dbt_runner import DbtError, run_dbt
from ingest.warehousing.publish import PublishError, publish_database, publishable_marker

# What `imagenet-errors build` runs.
BUILD = ["build", "--exclude-resource-type", "unit_test"]
MARTS = sorted(path.stem for path in (PROJECT_DIR / "models" / "marts").glob("*.sql"))
IMAGES = 12

# A BI tool in another process: a fresh read-only connection per query, so it
# opens whichever file the published name points to at that moment. Prints the
# row count of fct_prediction_errors each time and stops when told on stdin.
FRESH_READER = """
import json, select, sys
import sqlalchemy
from sqlalchemy.pool import NullPool

path, marts = sys.argv[1], json.loads(sys.argv[2])
engine = sqlalchemy.create_engine(f"duckdb:///{path}?access_mode=read_only", poolclass=NullPool)
while not select.select([sys.stdin], [], [], 0.05)[0]:
    with engine.connect() as connection:
        tables = {row[0] for row in connection.execute(sqlalchemy.text(
            "select table_name from duckdb_tables()"))}
        missing = sorted(set(marts) - tables)
        if missing:
            sys.exit(f"marts missing: {missing}")
        count = connection.execute(sqlalchemy.text(
            "select count(*) from fct_prediction_errors")).scalar()
    print(count, flush=True)
"""


def write_model(root: Path, model_id: str, images: dict[str, int]) -> None:
    # Every prediction is the next class: errors the rules classify.
    predicted = [[(label + 1) % 1000] for label in images.values()]
    write_predictions(model_id, list(images), predicted, root=root)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    base = tmp_path_factory.mktemp("publish")
    root, database = base / "data", base / "warehouse.duckdb"
    original = labels.original_validation_labels()
    images = dict(sorted(original.items())[:IMAGES])
    labels.write_image_labels(original, root)
    labels.write_cooccurrence_labels(labels.real_labels(), root)
    labels.write_multi_labels(
        {image: {"correct": [label]} for image, label in images.items()}, "test", root=root
    )
    write_model(root, "first_model", images)
    run_dbt(BUILD, root=root, database=database, quiet=True, work_dir=base)
    return root, database, base


def count_errors(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("select count(*) from fct_prediction_errors").fetchone()[0]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class HoldingReader:
    """A BI tool that opened the published file and keeps its connection."""

    database: Path
    counts: list[int] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        engine = sqlalchemy.create_engine(
            f"duckdb:///{self.database}", connect_args={"read_only": True}
        )
        try:
            with engine.connect() as connection:
                while not self.stop.wait(0.05):
                    tables = {
                        row[0]
                        for row in connection.execute(
                            sqlalchemy.text("select table_name from duckdb_tables()")
                        )
                    }
                    assert set(MARTS) <= tables, f"marts missing: {set(MARTS) - tables}"
                    self.counts.append(
                        connection.execute(
                            sqlalchemy.text("select count(*) from fct_prediction_errors")
                        ).scalar()
                    )
        except BaseException as error:
            self.errors.append(error)
        finally:
            engine.dispose()


def test_the_build_writes_the_working_file_and_publishes_a_copy(
    warehouse: tuple[Path, Path, Path],
) -> None:
    _, database, _ = warehouse
    working = working_database_path(database)
    assert working == database.with_name("warehouse_work.duckdb") and working.exists()
    assert count_errors(database) == count_errors(working) == IMAGES
    assert not list(database.parent.glob("*.publishing"))


# A plain dbt build publishes a copy; `imagenet-errors build` hands the working file over.
@pytest.mark.parametrize("hand_over", [False, True], ids=["copy", "hand_over"])
def test_readers_holding_the_published_file_never_block_nor_see_a_partial_build(
    warehouse: tuple[Path, Path, Path], hand_over: bool
) -> None:
    root, database, base = warehouse
    before = count_errors(database)
    images = dict(sorted(labels.original_validation_labels().items())[:IMAGES])
    write_model(root, f"model_published_by_{'hand_over' if hand_over else 'copy'}", images)
    holding = HoldingReader(database)
    holder = threading.Thread(target=holding.run)
    holder.start()
    fresh = subprocess.Popen(
        [sys.executable, "-c", FRESH_READER, str(database), json.dumps(MARTS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while not holding.counts and not holding.errors:
            time.sleep(0.05)
        run_dbt(BUILD, root=root, database=database, quiet=True, work_dir=base, hand_over=hand_over)
        # Let the fresh reader open the new file at least once more.
        time.sleep(1)
    finally:
        holding.stop.set()
        holder.join()
        output, errors = fresh.communicate("stop\n", timeout=60)
    # Only now: in one process DuckDB hands every connection the instance already open.
    after = count_errors(database)
    assert after == before + IMAGES
    assert not holding.errors, holding.errors
    # The held connection keeps the file it opened: the old build, whole.
    assert set(holding.counts) == {before}
    assert fresh.returncode == 0, errors
    seen = [int(line) for line in output.split()]
    assert set(seen) <= {before, after} and seen[-1] == after, seen
    # A new connection opens the new build.
    engine = sqlalchemy.create_engine(f"duckdb:///{database}?access_mode=read_only")
    with engine.connect() as connection:
        count = connection.execute(sqlalchemy.text("select count(*) from fct_prediction_errors"))
        assert count.scalar() == after
    # What a BI tool's table browser does: list the columns of a mart.
    columns = sqlalchemy.inspect(engine).get_columns("agg_model_error_summary")
    assert {"model_id", "class_group", "oov_check_status"} <= {c["name"] for c in columns}
    engine.dispose()
    # Handed over, the working file is gone until the next dbt run copies it back.
    assert working_database_path(database).exists() != hand_over
    assert not publishable_marker(working_database_path(database)).exists()


def test_any_dbt_run_after_a_hand_over_continues_from_the_published_file(
    warehouse: tuple[Path, Path, Path],
) -> None:
    root, database, base = warehouse
    run_dbt(BUILD, root=root, database=database, quiet=True, work_dir=base, hand_over=True)
    working = working_database_path(database)
    assert not working.exists()
    errors = count_errors(database)
    # A plain dbt command: the publish plugin makes the working copy before DuckDB opens it.
    run_dbt(
        ["run", "--select", "int_prediction_batches"],
        root=root,
        database=database,
        quiet=True,
        work_dir=base,
    )
    assert count_errors(working) == count_errors(database) == errors


def test_a_failed_build_leaves_the_published_file_as_it_was(
    warehouse: tuple[Path, Path, Path],
) -> None:
    root, database, base = warehouse
    published = (database.stat().st_ino, sha256(database))
    broken = root / "predictions" / "broken" / "predictions.parquet"
    broken.parent.mkdir(parents=True)
    broken.write_bytes(b"not parquet")
    try:
        with pytest.raises(DbtError):
            run_dbt(BUILD, root=root, database=database, quiet=True, work_dir=base)
    finally:
        broken.unlink()
        broken.parent.rmdir()
    assert (database.stat().st_ino, sha256(database)) == published
    assert not list(database.parent.glob("*.publishing"))


def test_marts_are_tables_with_their_descriptions(warehouse: tuple[Path, Path, Path]) -> None:
    _, database, _ = warehouse
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = dict(
            connection.execute(
                "select table_name, comment from duckdb_tables() "
                "where list_contains(?, table_name)",
                [MARTS],
            ).fetchall()
        )
        undocumented = connection.execute(
            "select table_name || '.' || column_name from duckdb_columns() "
            "where list_contains(?, table_name) and coalesce(comment, '') = ''",
            [MARTS],
        ).fetchall()
    assert sorted(tables) == MARTS
    assert all(tables.values()), tables
    assert undocumented == []


def test_docs_generate_catalogues_the_marts(warehouse: tuple[Path, Path, Path]) -> None:
    root, database, base = warehouse
    published = database.stat().st_ino
    catalog = base / "target" / "catalog.json"
    catalog.unlink(missing_ok=True)
    run_dbt(["docs", "generate"], root=root, database=database, quiet=True, work_dir=base)
    nodes = json.loads(catalog.read_text())["nodes"]
    for mart in MARTS:
        columns = nodes[f"model.imagenet_errors.{mart}"]["columns"]
        assert columns and all(column["comment"] for column in columns.values()), mart
    # Documentation changes no data: nothing is published.
    assert database.stat().st_ino == published


def render_profile_path(published: str | None) -> str:
    profile = yaml.safe_load((PROJECT_DIR / "profiles.yml").read_text())
    template = profile["imagenet_errors"]["outputs"]["duckdb"]["path"]

    def env_var(name: str, default: str) -> str:
        assert name == DATABASE_ENV
        return published or default

    return jinja2.Environment().from_string(template).render(env_var=env_var).strip()


@pytest.mark.parametrize(
    "published",
    [None, "imagenet_errors.duckdb", "/data/a.b/warehouse.duckdb", "/srv/errors", "x.tar.db"],
)
def test_profile_and_python_agree_on_the_working_file(published: str | None) -> None:
    expected = working_database_path(Path(published or "imagenet_errors.duckdb"))
    assert render_profile_path(published) == str(expected)


def test_publish_copies_whole_and_readers_keep_the_old_file(tmp_path: Path) -> None:
    working, published = tmp_path / "w_work.duckdb", tmp_path / "w.duckdb"
    with duckdb.connect(str(working)) as connection:
        connection.execute("create table t as select range as i from range(1000)")
    publish_database(working, published)
    with duckdb.connect(str(working)) as connection:
        connection.execute("insert into t select range from range(500)")
    with duckdb.connect(str(published), read_only=True) as reader:
        publish_database(working, published)
        assert reader.execute("select count(*) from t").fetchone() == (1000,)
    assert count_rows(published) == 1500
    assert published.stat().st_mode == working.stat().st_mode


def count_rows(database: Path) -> int:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute("select count(*) from t").fetchone()[0]


def test_publish_refuses_changes_left_in_the_write_ahead_log(tmp_path: Path) -> None:
    working, published = tmp_path / "w_work.duckdb", tmp_path / "w.duckdb"
    with duckdb.connect(str(working)) as connection:
        connection.execute("create table t as select 1 as i")
    working.with_name(f"{working.name}.wal").write_bytes(b"uncheckpointed")
    with pytest.raises(PublishError, match="not yet checkpointed"):
        publish_database(working, published)
    assert not published.exists()
    with pytest.raises(PublishError, match="both the working and the published"):
        publish_database(working, working)


def test_publish_copies_through_memory_where_sendfile_cannot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    working, published = tmp_path / "w_work.duckdb", tmp_path / "w.duckdb"
    with duckdb.connect(str(working)) as connection:
        connection.execute("create table t as select range as i from range(1000)")

    def socket_only(*_: object) -> int:
        raise OSError(errno.ENOTSOCK, "sendfile writes to sockets only")

    monkeypatch.setattr(os, "sendfile", socket_only)
    publish_database(working, published)
    assert published.read_bytes() == working.read_bytes()
    assert count_rows(published) == 1000
