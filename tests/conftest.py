from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pytest

from ingest.core.paths import REFERENCE_DIR_ENV
from ingest.core.paths import reference_dir as reference_folder

# Tests never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

# The reference folder, as every command finds it (IMAGENET_ERRORS_REFERENCE_DIR, which
# .ci/run sets, else what `imagenet-errors reference fetch` wrote under the data root),
# pinned for the session: tests that move the data root must not move it.
REFERENCE_DIR = reference_folder()
os.environ[REFERENCE_DIR_ENV] = str(REFERENCE_DIR)
HOW_TO_GET_IT = (
    "run `imagenet-errors reference fetch` (or set IMAGENET_ERRORS_REFERENCE_DIR to a "
    "folder holding it)"
)


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, not in pyproject.toml: bin/setup reinstalls the environment
    # whenever pyproject.toml changes.
    config.addinivalue_line(
        "markers", "slow: runs a CLIP model over every demo photo; deselect with -m 'not slow'"
    )
    config.addinivalue_line(
        "markers",
        "reference_data(*files): needs the reference folder (imagenet-errors reference "
        "fetch), and these files in it besides; skipped, with one line, without them. "
        "Tests that take the reference_dir fixture are marked by it.",
    )


@cache
def missing_reference_inputs() -> tuple[str, ...]:
    from ingest.reference.fetch import missing_inputs

    return tuple(missing_inputs(REFERENCE_DIR))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip what needs the reference data when it is not there, before any fixture
    runs. One reason for all, raised here, so pytest's summary says it once."""
    marker = item.get_closest_marker("reference_data")
    if marker is None and "reference_dir" not in getattr(item, "fixturenames", ()):
        return
    missing = missing_reference_inputs()
    if missing:
        pytest.skip(
            f"needs the reference data: {REFERENCE_DIR} lacks {len(missing)} of its files "
            f"(first {missing[0]}); {HOW_TO_GET_IT}"
        )
    for name in marker.args if marker else ():
        if not (REFERENCE_DIR / name).is_file():
            pytest.skip(
                f"needs {name} in the reference folder {REFERENCE_DIR}, which only a copy "
                "of the project's own reference folder has (it is not among the public files)"
            )


@pytest.fixture
def reference_dir() -> Path:
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def wordnet():
    from ingest.imagenet.wordnet import WordNet

    return WordNet()
