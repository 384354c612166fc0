"""Run classifiers over an image set and write their predictions to Parquet.

Models that share a preprocessing configuration share one pass over the
images: each batch is decoded once and fed to all of them (the reference study
decoded every image again for every model). Output per model: predictions
(`predictions/model=<id>/predictions.parquet`) and its row in the models table
(`models/model=<id>/model.parquet`), both written under a temporary name and
renamed, the models row last: it marks the model complete for `--resume`.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from ingest.core import schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.predict import classifiers
from ingest.predict.decoding import (
    ImageFiles,
    collate_decoded,
    decoded_batches,
    write_skipped_images,
)
from ingest.predict.image_sets import ImageSet
from ingest.sources.predictions import model_partition, write_predictions

TOP_K = 5


@dataclass
class ModelRun:
    spec: classifiers.ModelSpec
    skipped: bool  # True when --resume found it complete
    output: Path | None = None
    top1_accuracy: float | None = None


def models_table_path(root: Path, model_id: str) -> Path:
    return root / "models" / model_partition(model_id) / "model.parquet"


def is_complete(root: Path, model_id: str, image_set: ImageSet) -> bool:
    """Predictions and models row both written, for this very image set."""
    predictions = root / "predictions" / model_partition(model_id) / "predictions.parquet"
    table = models_table_path(root, model_id)
    if not (predictions.is_file() and table.is_file()):
        return False
    row = pq.read_table(table).to_pylist()[0]
    return row["image_set_fingerprint"] == image_set.fingerprint


def pick_device(requested: str = "auto") -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(requested)


def shard(names: list[str], spec: str | None) -> list[str]:
    """`i/n`: the i-th (1-based) of n interleaved shares of the model list."""
    if not spec:
        return names
    try:
        index, count = (int(part) for part in spec.split("/"))
    except ValueError:
        raise ValueError(f"--shard must look like 1/4, got {spec!r}") from None
    if not 1 <= index <= count:
        raise ValueError(f"--shard {spec}: the share must be between 1 and {count}")
    return names[index - 1 :: count]


def _restrict(logits: torch.Tensor, subset: list[int] | None) -> torch.Tensor:
    if subset is None:
        return logits
    masked = torch.full_like(logits, float("-inf"))
    masked[:, subset] = logits[:, subset]
    return masked


def run(
    image_set: ImageSet,
    specs: list[classifiers.ModelSpec],
    root: Path,
    device: str = "auto",
    batch_size: int = 32,
    workers: int = 2,
    resume: bool = False,
    progress: bool = True,
) -> list[ModelRun]:
    target = pick_device(device)
    runs: list[ModelRun] = []
    groups: dict[classifiers.DataConfig, list[classifiers.ModelSpec]] = defaultdict(list)
    for spec in specs:
        if resume and is_complete(root, spec.model_id, image_set):
            runs.append(ModelRun(spec, skipped=True))
            continue
        groups[classifiers.data_config(spec)].append(spec)

    skipped_images: dict[int, str] = {}
    for config, members in groups.items():
        models = {spec.model_id: classifiers.load(spec) for spec in members}
        for model in models.values():
            model.to(target, memory_format=torch.channels_last)
        loader = DataLoader(
            ImageFiles(image_set, config.transform()),
            batch_size=batch_size,
            num_workers=workers,
            collate_fn=collate_decoded,
            pin_memory=target.type == "cuda",
            persistent_workers=False,
        )
        top_ids: dict[str, list[list[int]]] = {m: [] for m in models}
        top_probabilities: dict[str, list[list[float]]] = {m: [] for m in models}
        label_ranks: dict[str, list[int | None]] = {m: [] for m in models}
        seconds = dict.fromkeys(models, 0.0)
        order: list[int] = []
        started = time.perf_counter()
        description = f"{len(models)} model(s) at {config.input_size[-1]}px"
        bar = tqdm(total=len(image_set.records), desc=description, unit="img", disable=not progress)
        with torch.inference_mode():
            for tensors, indices in decoded_batches(loader, image_set, skipped_images, bar):
                order.extend(indices)
                batch = tensors.to(target, non_blocking=True, memory_format=torch.channels_last)
                labels = [image_set.records[i].label_class_id for i in indices]
                for model_id, model in models.items():
                    tick = time.perf_counter()
                    with torch.autocast(
                        target.type, dtype=torch.bfloat16, enabled=target.type == "cuda"
                    ):
                        logits = model(batch)
                    logits = _restrict(logits.float(), image_set.class_subset)
                    probabilities = logits.softmax(dim=1)
                    values, classes = probabilities.topk(TOP_K, dim=1)
                    ranks = (logits > logits.gather(1, _label_column(labels, target))).sum(1) + 1
                    seconds[model_id] += time.perf_counter() - tick
                    top_ids[model_id].extend(classes.cpu().tolist())
                    top_probabilities[model_id].extend(values.cpu().tolist())
                    label_ranks[model_id].extend(
                        int(r) if label is not None else None
                        for r, label in zip(ranks.cpu().tolist(), labels, strict=True)
                    )
                bar.set_postfix(img_per_s=f"{bar.n / (time.perf_counter() - started):.1f}")
        bar.close()
        decode_share = (time.perf_counter() - started - sum(seconds.values())) / len(models)
        for spec in members:
            runs.append(
                _write(
                    spec,
                    models[spec.model_id],
                    config,
                    image_set,
                    order,
                    top_ids[spec.model_id],
                    top_probabilities[spec.model_id],
                    label_ranks[spec.model_id],
                    seconds[spec.model_id] + decode_share,
                    len(skipped_images),
                    target,
                    root,
                )
            )
    if skipped_images:
        write_skipped_images(
            image_set, skipped_images, root / "skipped_images" / f"{image_set.name}.parquet"
        )
    return runs


def _label_column(labels: list[int | None], device: torch.device) -> torch.Tensor:
    return torch.tensor([label or 0 for label in labels], device=device).unsqueeze(1)


def _write(
    spec, model, config, image_set, order, ids, probabilities, ranks, seconds, skipped, device, root
) -> ModelRun:
    image_ids = [image_set.records[i].image_id for i in order]
    output = write_predictions(spec.model_id, image_ids, ids, probabilities, ranks, root=root)
    known = [
        (row[0], image_set.records[i].label_class_id)
        for row, i in zip(ids, order, strict=True)
        if image_set.records[i].label_class_id is not None
    ]
    top1 = 100 * sum(p == label for p, label in known) / len(known) if known else None
    details = classifiers.info(spec, model)
    row = {
        "model_id": spec.model_id,
        "source": spec.source,
        "architecture": spec.architecture,
        "architecture_family": details.family,
        "parameter_count": details.parameter_count,
        "pretraining_data": details.pretraining_data,
        "input_size": config.input_size[-1],
        "crop_pct": config.crop_pct,
        "interpolation": config.interpolation,
        "image_set": image_set.name,
        "image_set_fingerprint": image_set.fingerprint,
        "num_images": len(image_ids),
        "num_skipped_images": skipped,
        "device": str(device),
        "wall_seconds": seconds,
        "top1_accuracy": top1,
        "written_at": datetime.now(UTC),
    }
    table = pa.Table.from_pylist([row], schema=schemas.MODELS)
    write_parquet_atomically(table, models_table_path(root, spec.model_id))
    return ModelRun(spec, skipped=False, output=output, top1_accuracy=top1)
