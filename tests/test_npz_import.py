from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest

from ingest.imagenet.metadata import validation_image_name, validation_labels
from ingest.sources.npz import import_npz


def test_npz_logits_become_top5_with_label_ranks(tmp_path: Path) -> None:
    labels = validation_labels()
    logits = np.zeros((50_000, 1000), dtype=np.float16)
    truth = np.array([labels[validation_image_name(i)] for i in range(50_000)])
    logits[np.arange(50_000), truth] = 5
    logits[0, (truth[0] + 1) % 1000] = 9  # the first image is a mistake: label ranks 2nd
    path = tmp_path / "vit3b.npz"
    np.savez_compressed(path, logits=logits)
    written = import_npz(path, "vit3b", root=tmp_path)
    rows = pq.read_table(written).slice(0, 2).to_pylist()
    assert rows[0]["image_id"] == "ILSVRC2012_val_00000001.JPEG"
    assert rows[0]["top5_class_ids"][:2] == [(truth[0] + 1) % 1000, truth[0]]
    assert rows[0]["label_rank"] == 2
    assert rows[1]["top5_class_ids"][0] == truth[1] and rows[1]["label_rank"] == 1
    assert pq.read_table(written).num_rows == 50_000


def test_wrong_shape_is_named(tmp_path: Path) -> None:
    path = tmp_path / "small.npz"
    np.savez(path, logits=np.zeros((10, 1000)))
    with pytest.raises(ValueError, match=r"small.npz:logits: expected shape \(50000, 1000\)"):
        import_npz(path, "x", root=tmp_path)
