"""The working database is remade from the published one after a hand-over."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.core.paths import DATABASE_ENV, working_database_path
from ingest.warehousing import working_copy
from ingest.warehousing.publish import hand_over, holds_published_state, publish_database


def make_database(path: Path, rows: int) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute(f"create table t as select range as i from range({rows})")


def count_rows(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as connection:
        return connection.execute("select count(*) from t").fetchone()[0]


def test_hand_over_renames_and_the_copy_comes_back(tmp_path: Path) -> None:
    published = tmp_path / "w.duckdb"
    working = working_database_path(published)
    make_database(working, 1000)
    inode = working.stat().st_ino
    hand_over(working, published)
    assert not working.exists() and published.stat().st_ino == inode
    assert working_copy.restore_working_copy(published, working)
    assert count_rows(working) == count_rows(published) == 1000
    assert working.stat().st_ino != inode
    # Either file exists already: nothing to do.
    assert not working_copy.restore_working_copy(published, working)
    assert not working_copy.restore_working_copy(tmp_path / "none.duckdb", tmp_path / "x.duckdb")


def test_a_working_file_that_left_the_published_state_is_discarded(tmp_path: Path) -> None:
    """A build that failed or was killed wrote rows no published build checked:
    the next one starts from the published file, never from those."""
    published = tmp_path / "w.duckdb"
    working = working_database_path(published)
    make_database(working, 10)
    publish_database(working, published)
    assert holds_published_state(working)
    assert not working_copy.restore_working_copy(published, working)
    with duckdb.connect(str(working)) as connection:
        connection.execute("insert into t select 99")
    assert not holds_published_state(working)
    assert working_copy.restore_working_copy(published, working)
    assert count_rows(working) == 10 and holds_published_state(working)
    # Nothing was ever published: the next build starts from nothing.
    published.unlink()
    with duckdb.connect(str(working)) as connection:
        connection.execute("insert into t select 99")
    assert not working_copy.restore_working_copy(published, working)
    assert not working.exists()


def test_a_copy_a_killed_process_left_is_overwritten(tmp_path: Path) -> None:
    published = tmp_path / "w.duckdb"
    working = working_database_path(published)
    make_database(published, 10)
    leftover = working.with_name(working.name + ".copying")
    leftover.write_bytes(b"x" * 10_000_000)
    working_copy.restore_working_copy(published, working)
    assert not leftover.exists() and count_rows(working) == 10


def test_the_background_copy_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    published = tmp_path / "w.duckdb"
    working = working_database_path(published)
    make_database(published, 100)
    monkeypatch.setenv(DATABASE_ENV, str(published))
    working_copy.start_in_background()
    working_copy.ensure_working_copy(published, working)
    assert count_rows(working) == 100


def test_a_failed_background_copy_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = tmp_path / "w.duckdb"
    working = working_database_path(published)
    make_database(published, 100)
    monkeypatch.setenv(DATABASE_ENV, str(published))

    def fail(*_: object) -> bool:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(working_copy, "restore_working_copy", fail)
    working_copy.start_in_background()
    with pytest.raises(working_copy.WorkingCopyError, match="No space left"):
        working_copy.ensure_working_copy(published, working)
    assert not working.exists()
