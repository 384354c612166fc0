"""Decode an image set in batches, naming and skipping files that fail.

Shared by `predict` and `embed`: one bad file among 50,000 is reported with its
path, recorded under `skipped_images/`, and the run goes on.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import torch
from PIL import Image
from torch.utils.data import Dataset
from tqdm import tqdm

from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.predict.image_sets import ImageSet


class ImageFiles(Dataset):
    """Items are (tensor or None, record index, error message or "")."""

    def __init__(self, image_set: ImageSet, transform) -> None:
        self.records = image_set.records
        self.transform = transform

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index: int):
        record = self.records[index]
        try:
            with Image.open(record.path) as image:
                tensor = self.transform(image.convert("RGB"))
            return tensor, index, ""
        except Exception as error:
            # Whatever PIL or the transform raises, the image is reported and skipped:
            # one bad file must not end a run over 50,000.
            return None, index, f"{type(error).__name__}: {error}"


def collate_decoded(batch):
    """(stacked tensors or None, indices of those, [(index, error)] of the failures)."""
    good = [(t, i) for t, i, e in batch if not e]
    errors = [(i, e) for t, i, e in batch if e]
    tensors = torch.stack([t for t, _ in good]) if good else None
    return tensors, [i for _, i in good], errors


def decoded_batches(
    loader: Iterable, image_set: ImageSet, skipped: dict[int, str], bar: tqdm
) -> Iterator[tuple[torch.Tensor, list[int]]]:
    """The (tensors, record indices) of each batch with at least one readable image.

    Failures are named on stderr and recorded in `skipped` (index -> error);
    the progress bar advances over both.
    """
    for tensors, indices, errors in loader:
        for index, error in errors:
            skipped[index] = error
            tqdm.write(f"skipped {image_set.records[index].path}: {error}", file=sys.stderr)
        bar.update(len(indices) + len(errors))
        if tensors is not None:
            yield tensors, indices


def write_skipped_images(image_set: ImageSet, skipped: dict[int, str], path: Path) -> Path:
    """Record index -> error of the images that failed, as Parquet at `path`."""
    records = [image_set.records[i] for i in sorted(skipped)]
    table = pa.table(
        {
            "image_set": [image_set.name] * len(records),
            "image_id": [r.image_id for r in records],
            "path": [str(r.path) for r in records],
            "error": [skipped[i] for i in sorted(skipped)],
        },
        schema=schemas.SKIPPED_IMAGES,
    )
    return write_parquet_atomically(table, path)
