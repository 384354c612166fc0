from __future__ import annotations

import subprocess
import sys

import yaml

from ingest.core import schemas
from ingest.core.paths import PROJECT_DIR

SOURCES = PROJECT_DIR / "models" / "staging" / "_staging__sources.yml"


def test_parquet_schemas_match_the_declared_sources() -> None:
    declared = {
        table["name"]: [column["name"] for column in table["columns"]]
        for table in yaml.safe_load(SOURCES.read_text())["sources"][0]["tables"]
    }
    assert declared == {
        "predictions": schemas.PREDICTIONS.names,
        "image_labels": schemas.IMAGE_LABELS.names,
        "multi_label_images": schemas.MULTI_LABEL_IMAGES.names,
        "multi_labels": schemas.MULTI_LABELS.names,
        "cooccurrence_labels": schemas.COOCCURRENCE_LABELS.names,
        "oov_verdicts": schemas.OOV_VERDICTS.names,
        "superclass_definitions": schemas.SUPERCLASS_DEFINITIONS.names,
        "models": schemas.MODELS.names,
        "clip_image_embeddings": schemas.clip_image_embeddings(4).names,
        "clip_image_neighbours": schemas.CLIP_IMAGE_NEIGHBOURS.names,
        "clip_text_embeddings": schemas.clip_text_embeddings(4).names,
        "expert_categories": schemas.EXPERT_CATEGORIES.names,
        "reference_model_stats": schemas.REFERENCE_MODEL_STATS.names,
        "reference_models": schemas.REFERENCE_MODELS.names,
    }


def test_help_reads_like_the_readme() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ingest.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PROJECT_DIR,
    )
    commands = (
        "seeds",
        "labels",
        "predictions",
        "predict",
        "embed",
        "build",
        "summary",
        "compare-reference",
        "reference fetch",
        "reference-models",
        "experts",
        "report",
    )
    for command in commands:
        assert command in result.stdout
    # Continued example lines stay on their own lines.
    assert "resnet50.a1_in1k \\\n" in result.stdout


def test_unreadable_input_is_a_clear_error(tmp_path, capsys) -> None:
    from ingest.cli import main

    missing = tmp_path / "nope.json"
    assert main(["--data-root", str(tmp_path), "labels", "shankar", str(missing)]) == 2
    assert "nope.json" in capsys.readouterr().err
