from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.imagenet.metadata import class_wnids
from ingest.sources import labels

# sha256 of tensorflow-datasets' imagenet2012/validation_labels.txt (50,000 wnids, one a
# line, in file-name order) and of google-research/reassessed-imagenet's real.json.
VALIDATION_LABELS_SHA256 = "313fc3f23c864dde9183c9a368809065765dd1b657a6904fded44e3e46d34604"


def test_validation_labels_are_those_tensorflow_datasets_publishes() -> None:
    ours = labels.original_validation_labels()
    wnids = class_wnids()
    assert len(ours) == 50_000
    as_published = "".join(
        f"{wnids[ours[f'ILSVRC2012_val_{i + 1:08d}.JPEG']]}\n" for i in range(50_000)
    )
    assert hashlib.sha256(as_published.encode()).hexdigest() == VALIDATION_LABELS_SHA256


def test_real_labels_shipped_by_timm_are_the_published_file() -> None:
    from ingest.seeds.provenance import sha256_of

    assert sha256_of(labels.real_labels_file()) == labels.REAL_SHA256
    real = labels.real_labels()
    assert real["ILSVRC2012_val_00000001.JPEG"] == []  # ReaL found no class fits
    assert real["ILSVRC2012_val_00000002.JPEG"] == [970, 795]


def test_shankar_v3_stand_in(tmp_path: Path) -> None:
    tench, goldfish = class_wnids()[0], class_wnids()[1]
    path = tmp_path / "human_accuracy_v3.0.0.json"
    path.write_text(
        json.dumps(
            {
                "initial_annots": {
                    "ILSVRC2012_val_00000001.JPEG": {"correct": [tench], "unclear": [goldfish]},
                    "ILSVRC2012_val_00000002.JPEG": {"wrong": [tench]},
                    "imagenetv2_1.jpeg": {"correct": [tench]},
                },
                "problematic_images": {"ILSVRC2012_val_00000002.JPEG": 1},
                "imagenet_m": ["ILSVRC2012_val_00000001.JPEG"],
            }
        )
    )
    annotations, problematic, imagenet_m = labels.read_shankar_v3(path)
    assert annotations["ILSVRC2012_val_00000001.JPEG"] == {
        "correct": [0],
        "unclear": [1],
        "wrong": [],
    }
    assert "imagenetv2_1.jpeg" not in annotations
    assert problematic == {"ILSVRC2012_val_00000002.JPEG"}
    assert imagenet_m == {"ILSVRC2012_val_00000001.JPEG"}

    images, rows = labels.write_multi_labels(
        annotations, "shankar_v3", problematic, imagenet_m, root=tmp_path
    )
    assert pq.read_table(images).num_rows == 2
    assert sorted(pq.read_table(rows).to_pylist(), key=str) == sorted(
        [
            {"image_id": "ILSVRC2012_val_00000001.JPEG", "class_id": 0, "verdict": "correct"},
            {"image_id": "ILSVRC2012_val_00000001.JPEG", "class_id": 1, "verdict": "unclear"},
            {"image_id": "ILSVRC2012_val_00000002.JPEG", "class_id": 0, "verdict": "wrong"},
        ],
        key=str,
    )


def test_shankar_file_without_annotations_is_named(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text("{}")
    with pytest.raises(labels.LabelError, match=r"other\.json: not a Shankar"):
        labels.read_shankar_v3(path)


def test_csv_labels_accept_wnids_and_indices_and_name_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text(f"image,label\nx.jpg,{class_wnids()[5]}\nx.jpg,7\ny.jpg,1000\n")
    with pytest.raises(labels.LabelError, match=r"labels.csv:4: class index 1000"):
        labels.csv_as_annotations(path)
    path.write_text("image,label,verdict\nx.jpg,5,maybe\n")
    with pytest.raises(labels.LabelError, match=r"labels.csv:2: verdict 'maybe'"):
        labels.csv_as_annotations(path)
    path.write_text(f"image,label\nx.jpg,{class_wnids()[5]}\nx.jpg,7\n")
    assert labels.csv_as_annotations(path) == {"x.jpg": {"correct": [5, 7]}}


def test_real_as_annotations_marks_empty_images_problematic() -> None:
    annotations, problematic = labels.real_as_annotations({"a": [1, 2], "b": []})
    assert annotations["a"] == {"correct": [1, 2]}
    assert problematic == {"b"}
