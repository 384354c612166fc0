"""Import published logits: an `.npz` of 50,000 x 1,000 in validation-file order.

Vasudevan et al. released ViT-3B and Greedy Soups predictions in this form.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from ingest.core.errors import BadInput
from ingest.imagenet.metadata import NUM_CLASSES, validation_image_name, validation_labels
from ingest.sources.predictions import write_predictions

NUM_VALIDATION_IMAGES = 50_000


def read_logits(path: Path, key: str | None = None) -> np.ndarray:
    try:
        archive = np.load(path)
    except (OSError, ValueError, EOFError) as error:
        raise BadInput(f"{path}: not a readable .npz file ({error})") from error
    names = list(archive.keys()) if hasattr(archive, "keys") else []
    if key is None:
        if len(names) != 1:
            raise BadInput(f"{path}: holds arrays {names}; choose one with --key")
        key = names[0]
    if key not in names:
        raise BadInput(f"{path}: no array {key!r} (has {names})")
    logits = archive[key]
    if logits.shape != (NUM_VALIDATION_IMAGES, NUM_CLASSES):
        raise BadInput(f"{path}:{key}: expected shape (50000, 1000), got {logits.shape}")
    if not np.issubdtype(logits.dtype, np.number):
        raise BadInput(f"{path}:{key}: holds {logits.dtype} values, not numbers")
    finite = np.isfinite(logits)
    if not finite.all():
        row, column = (int(i) for i in np.argwhere(~finite)[0])
        raise BadInput(
            f"{path}:{key}: logit [{row}, {column}] is {logits[row, column]} "
            f"({int((~finite).sum())} values are NaN or infinite)"
        )
    return logits


def import_npz(path: Path, model_id: str, key: str | None = None, root: Path | None = None) -> Path:
    logits = torch.from_numpy(read_logits(path, key)).float()
    probabilities = logits.softmax(dim=1)
    values, classes = probabilities.topk(5, dim=1)
    images = [validation_image_name(i) for i in range(NUM_VALIDATION_IMAGES)]
    labels = validation_labels()
    label_logits = logits.gather(1, torch.tensor([[labels[name]] for name in images]))
    ranks = ((logits > label_logits).sum(dim=1) + 1).tolist()
    return write_predictions(model_id, images, classes.tolist(), values.tolist(), ranks, root=root)
