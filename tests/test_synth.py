from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from ingest.synth import TOP1_RANGE, synthesise


def read(paths: list[Path]) -> list[list[dict]]:
    return [pq.read_table(p).drop(["written_at"]).to_pylist() for p in paths]


def test_synthetic_models_are_deterministic_and_realistic(tmp_path: Path) -> None:
    first = synthesise(3, 2000, tmp_path / "a", seed=7, progress=False)
    again = synthesise(3, 2000, tmp_path / "b", seed=7, progress=False)
    other = synthesise(3, 2000, tmp_path / "c", seed=8, progress=False)
    assert read(first) == read(again)
    assert read(first) != read(other)
    for rows in read(first):
        assert len(rows) == 2000
        accuracy = sum(r["label_rank"] == 1 for r in rows) / len(rows)
        assert TOP1_RANGE[0] - 0.05 <= accuracy <= TOP1_RANGE[1] + 0.05
        assert all(len(r["top5_class_ids"]) == 5 for r in rows)
    labels = pq.read_table(tmp_path / "a" / "labels" / "multi_label_images.parquet")
    assert labels.num_rows == 2000
