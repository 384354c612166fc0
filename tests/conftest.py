from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.core.paths import PROJECT_DIR

# Tests never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

REFERENCE_DIR = PROJECT_DIR.parent / "shared" / "reference"
DEV_SAMPLES = REFERENCE_DIR / "automated_error_analysis" / "error_samples_dev.csv"
MISTAKES_DIR = REFERENCE_DIR / "imagenet_mistakes"


def pytest_configure(config: pytest.Config) -> None:
    # Registered here, not in pyproject.toml: bin/setup reinstalls the environment
    # whenever pyproject.toml changes.
    config.addinivalue_line(
        "markers", "slow: runs a CLIP model over every demo photo; deselect with -m 'not slow'"
    )


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"the reference data folder {REFERENCE_DIR} is not beside the project")
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def wordnet():
    from ingest.imagenet.wordnet import WordNet

    return WordNet()
