"""The working database dbt builds in, remade from the published one when missing.

`imagenet-errors build` publishes by handing the working file over (renaming it
to the published name, ingest/warehousing/publish.py), so the next dbt run finds none. Its
working copy is then a copy of the published file, which holds the same build:
- in a dbt process that `ingest.warehousing.dbt_runner` starts, the copy begins in the
  background before dbt is even imported, and overlaps dbt's start-up (about
  3 s), which is longer than the copy (1 to 2 s at 1,000 models);
- the publish plugin waits for it just before DuckDB opens the working file
  (`ensure_working_copy`), and makes it there when nothing started it, as in a
  plain `dbt build`.

The copy is synced before it takes the working name: a crash leaves no
half-copied working file, which DuckDB would open as a broken database.

A working file that no longer holds a published state (a build failed, was
killed, or another program wrote to it: `holds_published_state`) is discarded
first. What it holds was never checked whole, and an incremental build that
started from it would take those rows as done.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from ingest.core.paths import DATABASE_ENV, database_path, working_database_path
from ingest.warehousing.publish import (
    copy_whole,
    holds_published_state,
    mark_published,
    published_state_marker,
)

_started: dict[Path, _Copy] = {}


class WorkingCopyError(RuntimeError):
    """The working database could not be made from the published one."""


class _Copy(threading.Thread):
    def __init__(self, published: Path, working: Path) -> None:
        # Not a daemon: a dbt process that fails early still waits for the copy,
        # instead of leaving a temporary file of the warehouse's size behind.
        super().__init__(name="working-copy")
        self.published, self.working = published, working
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            restore_working_copy(self.published, self.working)
        except BaseException as error:
            self.error = error


def restore_working_copy(published: Path, working: Path) -> bool:
    """Copy `published` to `working` unless `working` holds the published state
    already; True if it copied. Called under the build lock."""
    if working.exists() and not holds_published_state(working):
        discard_unpublished(working)
    if working.exists() or not published.exists():
        return False
    # A fixed name: a copy that a killed process left behind is overwritten, not kept.
    temporary = working.with_name(working.name + ".copying")
    with published.open("rb") as source, temporary.open("wb") as target:
        copy_whole(source, target, temporary, working)
    mark_published(working)
    return True


def discard_unpublished(working: Path) -> None:
    """Remove a working database that holds an unpublished state, and its log."""
    for path in (working, working.with_name(working.name + ".wal")):
        path.unlink(missing_ok=True)
    published_state_marker(working).unlink(missing_ok=True)


def start_in_background() -> None:
    """In a dbt process about to start: copy the warehouse if its working file is missing."""
    if not os.environ.get(DATABASE_ENV):
        return
    published = database_path()
    copy = _Copy(published.resolve(), working_database_path(published).resolve())
    _started[copy.working] = copy
    copy.start()


def ensure_working_copy(published: Path, working: Path) -> None:
    """Before DuckDB opens `working`: wait for its copy, or make it."""
    published, working = published.resolve(), working.resolve()
    copy = _started.pop(working, None)
    if copy is not None:
        copy.join()
        if copy.error is not None:
            raise WorkingCopyError(
                f"could not copy {published} to {working}: {copy.error}"
            ) from copy.error
    restore_working_copy(published, working)
