"""One build of a warehouse at a time, whichever way it was started.

A build owns the files beside the published database: the working copy, the
state folders (`<name>_work.duckdb.dbt-state`, `.previous`, `.tmp`), the
hand-over mark and the published file itself. Two builds at once would break
each other's (DuckDB's lock on the working file fails one with a traceback,
and the other may lose its state folder), so each build first takes an
exclusive `flock` on `<name>_work.duckdb.build-lock`:

- `imagenet-errors build` (and every `run_dbt`) takes it before touching any of
  those files and hands it down to its dbt process, which inherits the open
  file (`LOCK_FD_ENV`), so the two count as one build;
- a plain `dbt build`/`run`/`seed` takes it in the publish plugin, just before
  DuckDB opens the working file, and keeps it until dbt exits.

A second build waits, saying for whom (the holder writes its pid and start
time into the file), or with `wait=False` raises `BuildLocked` at once.

The lock belongs to the open file, not to a pid written somewhere: the kernel
drops it when the holder dies, even by SIGKILL, so there is nothing stale to
clean up and no pid to misread. The file is never deleted (deleting a lock
file lets two processes lock two different files).
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ingest.core.paths import working_database_path

# The descriptor of the lock a parent holds, for the dbt process it starts.
LOCK_FD_ENV = "IMAGENET_ERRORS_BUILD_LOCK_FD"

# Lock file -> [descriptor, depth]: taking a lock this process holds is free
# (build_warehouse holds it around run_dbt, which takes it too).
_held: dict[Path, list[int]] = {}
_guard = threading.Lock()


class BuildLocked(RuntimeError):
    """Another build of the same warehouse is running and we were told not to wait."""


def lock_path(database: Path) -> Path:
    """The lock file of the published `database`: beside its working file."""
    working = working_database_path(database.resolve())
    return working.with_name(working.name + ".build-lock")


def _say(message: str) -> None:
    print(f"imagenet-errors: {message}", file=sys.stderr, flush=True)


def acquire(database: Path, wait: bool = True, announce: Callable[[str], None] = _say) -> int:
    """Take the build lock of `database` for this process; returns its descriptor.

    Blocks while another process holds it (after `announce`-ing whom it waits
    for), or raises BuildLocked when `wait` is False. Pair with `release`.
    """
    path = lock_path(database)
    with _guard:
        if path in _held:
            _held[path][1] += 1
            return _held[path][0]
        descriptor = _inherited(path)
        if descriptor is None:
            descriptor = _lock(path, database, wait, announce)
        _held[path] = [descriptor, 1]
        return descriptor


def release(database: Path) -> None:
    """Drop one `acquire` of this process; the last one unlocks."""
    path = lock_path(database)
    with _guard:
        entry = _held[path]
        entry[1] -= 1
        if entry[1] == 0:
            del _held[path]
            # Closing drops the flock, unless a child still has the file open.
            os.close(entry[0])


@contextmanager
def build_lock(
    database: Path, wait: bool = True, announce: Callable[[str], None] = _say
) -> Iterator[int]:
    """`acquire` ... `release`: the descriptor, to hand down with `child_environment`."""
    descriptor = acquire(database, wait, announce)
    try:
        yield descriptor
    finally:
        release(database)


def hold_until_exit(database: Path, announce: Callable[[str], None] = _say) -> None:
    """Take the lock for the rest of this process (a plain dbt run); the kernel drops it."""
    if lock_path(database) not in _held:
        acquire(database, announce=announce)


def child_environment(descriptor: int) -> dict[str, str]:
    """What a child started with `pass_fds=(descriptor,)` needs to share the lock."""
    return {LOCK_FD_ENV: str(descriptor)}


def _lock(path: Path, database: Path, wait: bool, announce: Callable[[str], None]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise
            if not wait:
                raise BuildLocked(
                    f"another build of {database} is running ({_read(descriptor)}); "
                    "not waiting (--no-wait)"
                ) from None
            announce(
                f"another build of {database} is running ({_read(descriptor)}); "
                "waiting for it to finish"
            )
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        since = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        record = f"pid {os.getpid()} since {since}\n".encode()
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, record, 0)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def _inherited(path: Path) -> int | None:
    """The descriptor a parent build handed down for `path`, if it is one."""
    value = os.environ.get(LOCK_FD_ENV, "")
    if not value.isdigit():
        return None
    descriptor = int(value)
    try:
        mine, theirs = os.fstat(descriptor), os.stat(path)
    except OSError:
        return None
    if (mine.st_dev, mine.st_ino) != (theirs.st_dev, theirs.st_ino):
        return None
    try:
        # The same open file as the parent's: succeeds at once if it holds the lock.
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return None
    return descriptor


def _read(descriptor: int) -> str:
    try:
        return os.pread(descriptor, 200, 0).decode(errors="replace").strip() or "pid unknown"
    except OSError:
        return "pid unknown"
