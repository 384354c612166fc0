"""Publish the working database: put a finished build where readers open it.

A reader (a BI tool, `duckdb.connect(path, read_only=True)`) keeps the file it
opened: a rename gives the published name a new inode and leaves the old one
to open readers. So a reader never blocks a build (dbt never opens the published
file) and never sees a half-built one (the new file is complete before the rename).

Two ways, one result:
- `publish_database` copies the working file over the published one, from
  dbt's on-run-end hook while dbt still holds the working file. What a plain
  `dbt build` does.
- `hand_over` renames the working file itself over the published one, after
  dbt exited: no copy. What `imagenet-errors build` does; the next dbt run
  starts from a copy of the published file (ingest/warehousing/working_copy.py), made while
  dbt starts up. At 1,000 models the 1.4 GB copy and its fsync took 1.2 to
  2.5 s at the end of every build.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

# Closing any descriptor of a file drops every POSIX lock this process holds on
# it, DuckDB's write lock on the working database included. Sources stay open
# until the process (dbt) exits, so the lock holds while DuckDB still has the file.
_KEPT_OPEN: list[BinaryIO] = []


# Set by `imagenet-errors build` for the dbt process it runs: the hook then only
# marks the checkpointed run as publishable, and the caller hands the working
# file over once dbt has exited (`hand_over`).
HAND_OVER_ENV = "IMAGENET_ERRORS_HAND_OVER"


def publishable_marker(working: Path) -> Path:
    """Left by the hook when a run handing over succeeded (HAND_OVER_ENV)."""
    return working.with_name(working.name + ".publishable")


def published_state_marker(working: Path) -> Path:
    """Says which state of the working file equals the published one (its size and
    modification time when it was published or copied from it)."""
    return working.with_name(working.name + ".published")


def _file_state(path: Path) -> str:
    status = path.stat()
    return f"{status.st_size} {status.st_mtime_ns}\n"


def mark_published(working: Path) -> None:
    """Record that `working`, as it is now, holds what the published file holds."""
    marker = published_state_marker(working)
    temporary = marker.with_name(marker.name + ".tmp")
    temporary.write_text(_file_state(working))
    os.replace(temporary, marker)


def holds_published_state(working: Path) -> bool:
    """Whether `working` is unchanged since it was published or copied from the
    published file. A build that failed, was killed or is still running leaves a
    working file that holds more than any published build: the next build must
    not start from it."""
    marker = published_state_marker(working)
    try:
        return marker.read_text() == _file_state(working)
    except OSError:
        return False


class PublishError(RuntimeError):
    """The working database cannot be published as it stands."""


def publish_database(working: Path, published: Path) -> Path:
    """Copy the checkpointed `working` database over `published`, atomically.

    The caller checkpoints first: with an empty write-ahead log the database
    file alone holds every committed change, and nothing writes to it meanwhile.
    A file copy takes about 2 s a GB, ten times less than DuckDB's
    `COPY FROM DATABASE`.
    """
    working, published = working.resolve(), published.resolve()
    _refuse_unpublishable(working, published)
    published.parent.mkdir(parents=True, exist_ok=True)
    source = working.open("rb")
    _KEPT_OPEN.append(source)
    descriptor, name = tempfile.mkstemp(
        prefix=f".{published.name}.", suffix=".publishing", dir=published.parent
    )
    with os.fdopen(descriptor, "wb") as target:
        copy_whole(source, target, Path(name), published)
    mark_published(working)
    return published


def hand_over(working: Path, published: Path) -> Path:
    """Rename the checkpointed `working` database over `published`.

    Only once dbt has exited: DuckDB holds its write lock on the file while
    dbt runs, and readers opening the new published file would meet it.
    """
    working, published = working.resolve(), published.resolve()
    _refuse_unpublishable(working, published)
    published.parent.mkdir(parents=True, exist_ok=True)
    # DuckDB synced its checkpoints; this syncs whatever it did not write itself.
    descriptor = os.open(working, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    os.replace(working, published)
    published_state_marker(working).unlink(missing_ok=True)
    _sync_folder(published.parent)
    return published


def copy_whole(source: BinaryIO, target: BinaryIO, temporary: Path, destination: Path) -> None:
    """Copy `source` into `target`, open on `temporary`, then rename it to `destination`.

    Synced before the rename, so a crash leaves either the old file or the
    whole new one under `destination`; `temporary` is gone either way.
    """
    try:
        _copy(source, target)
        os.fchmod(target.fileno(), os.stat(source.fileno()).st_mode & 0o777)
        target.flush()
        os.fsync(target.fileno())
        os.replace(temporary, destination)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_folder(destination.parent)


def _refuse_unpublishable(working: Path, published: Path) -> None:
    if working == published:
        raise PublishError(f"{working} is both the working and the published database")
    wal = working.with_name(f"{working.name}.wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(
            f"{wal} holds changes not yet checkpointed into {working}; not publishing"
        )


def _copy(source: BinaryIO, target: BinaryIO) -> None:
    size = os.fstat(source.fileno()).st_size
    offset = 0
    try:
        while offset < size:
            # In the kernel, no copy through Python's memory.
            sent = os.sendfile(target.fileno(), source.fileno(), offset, size - offset)
            if sent == 0:
                raise PublishError(f"{source.name} shrank while being published")
            offset += sent
    except OSError as error:
        # Systems whose sendfile writes only to sockets (macOS) copy through memory.
        if offset or error.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSOCK):
            raise
        shutil.copyfileobj(source, target, 1 << 24)


def _sync_folder(folder: Path) -> None:
    # The rename itself must reach the disk, or a crash could bring back the old name.
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
