"""Publish the working database: replace the file readers open by a finished copy.

A reader (a BI tool, `duckdb.connect(path, read_only=True)`) keeps the file it
opened: the rename gives the published name a new inode and leaves the old one
to open readers. So a reader never blocks a build (dbt never opens the published
file) and never sees a half-built one (the copy is complete before the rename).
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
    if working == published:
        raise PublishError(f"{working} is both the working and the published database")
    wal = working.with_name(f"{working.name}.wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise PublishError(
            f"{wal} holds changes not yet checkpointed into {working}; not publishing"
        )
    published.parent.mkdir(parents=True, exist_ok=True)
    source = working.open("rb")
    _KEPT_OPEN.append(source)
    descriptor, name = tempfile.mkstemp(
        prefix=f".{published.name}.", suffix=".publishing", dir=published.parent
    )
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as target:
            _copy(source, target)
            os.fchmod(target.fileno(), os.stat(source.fileno()).st_mode & 0o777)
            os.fsync(target.fileno())
        os.replace(temporary, published)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_folder(published.parent)
    return published


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
