from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.paths import PROJECT_DIR

# Tests never reach a model hub.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("DO_NOT_TRACK", "1")

REFERENCE_DIR = PROJECT_DIR.parent / "shared" / "reference"
DEV_SAMPLES = REFERENCE_DIR / "automated_error_analysis" / "error_samples_dev.csv"
MISTAKES_DIR = REFERENCE_DIR / "imagenet_mistakes"


@pytest.fixture
def reference_dir() -> Path:
    if not REFERENCE_DIR.is_dir():
        pytest.skip(f"the reference data folder {REFERENCE_DIR} is not beside the project")
    return REFERENCE_DIR


@pytest.fixture(scope="session")
def wordnet():
    from ingest.wordnet import WordNet

    return WordNet()
