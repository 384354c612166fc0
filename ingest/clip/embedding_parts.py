"""A folder of immutable Parquet parts written by one CLIP model.

Each part is written once, atomically, under a unique name, and never changed:
a re-run reads the keys already on disk and embeds only the rest, so an
interrupted run loses at most the part it was filling. Every folder holds one
`clip_model`; finding another is an error unless the caller asks to replace it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.core import paths
from ingest.core.parquet_io import write_parquet_atomically


class ClipModelMismatch(ValueError):
    """A folder holds embeddings of another CLIP model."""


class PartFolder:
    def __init__(self, folder: Path, clip_model: str, key: str) -> None:
        self.folder = folder
        self.clip_model = clip_model
        self.key = key  # the column that identifies a row: image_id or lemma

    def parts(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        # Temporary files are `.<name>.<pid>.tmp`: they do not end in .parquet.
        return sorted(self.folder.glob("*.parquet"))

    def models_on_disk(self) -> set[str]:
        models: set[str] = set()
        for part in self.parts():
            column = pq.read_table(part, columns=["clip_model"]).column("clip_model")
            models.update(pc.unique(column).to_pylist())
        return models

    def check_model(self, replace: bool) -> None:
        """Raise if another CLIP model wrote here; with `replace`, delete its parts."""
        others = self.models_on_disk() - {self.clip_model}
        if not others:
            return
        if not replace:
            raise ClipModelMismatch(
                f"{self.folder} holds embeddings of {', '.join(sorted(others))}, not "
                f"{self.clip_model}: pass --replace to delete them and start again, or use "
                "another --data-root"
            )
        for part in self.parts():
            part.unlink()

    def done_keys(self) -> set[str]:
        done: set[str] = set()
        for part in self.parts():
            done.update(pq.read_table(part, columns=[self.key]).column(self.key).to_pylist())
        return done

    def new_part_path(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        return self.folder / f"part-{stamp}-{uuid.uuid4().hex[:8]}.parquet"

    def write_part(self, table: pa.Table) -> Path:
        return write_parquet_atomically(table, self.new_part_path())


def clip_folders(root: Path, clip_model: str) -> dict[str, PartFolder]:
    """The part folders under `root/clip`, as `embed` writes them and the rule reads them."""
    return {
        "images": PartFolder(paths.clip_image_embeddings_dir(root), clip_model, "image_id"),
        "reference": PartFolder(paths.clip_reference_embeddings_dir(root), clip_model, "image_id"),
        "texts": PartFolder(paths.clip_text_embeddings_dir(root), clip_model, "lemma"),
        "neighbours": PartFolder(paths.clip_image_neighbours_dir(root), clip_model, "image_id"),
    }


def embedding_column(embeddings: np.ndarray) -> pa.FixedSizeListArray:
    """An (n, d) float32 matrix as a fixed_size_list<float32>[d] column."""
    matrix = np.ascontiguousarray(embeddings, dtype=np.float32)
    return pa.FixedSizeListArray.from_arrays(pa.array(matrix.ravel()), matrix.shape[1])


def embedding_matrix(table: pa.Table, column: str = "embedding") -> np.ndarray:
    """The fixed-size list column of `table` as an (n, d) float32 matrix."""
    values = table.column(column).combine_chunks()
    width = values.type.list_size
    return values.flatten().to_numpy(zero_copy_only=False, writable=True).reshape(-1, width)
