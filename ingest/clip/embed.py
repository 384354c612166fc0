"""`imagenet-errors embed`: CLIP embeddings and neighbours for the OOV rule.

Writes under `<data root>/clip/` (columns in `ingest/core/schemas.py`):

- `image_embeddings/`: the evaluated images;
- `reference_embeddings/`: the reference set (ImageNet train), with class ids;
- `text_embeddings/`: `A photo of a {lemma}` for every proposal lemma;
- `image_neighbours/`: the 10 nearest reference images of every evaluated image.

Embeddings are written in parts as they complete and a re-run embeds only what
is missing. Neighbours are kept per image-embedding part (same file name) and
stamped with a fingerprint of the reference parts they were computed against;
reference parts are immutable and uniquely named, so their sorted names (and the
CLIP model) identify the reference set without reading it. A part whose stamp
differs, or that has none yet, is recomputed; neighbours of parts that no longer
exist are deleted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import torch
from torch.utils.data import DataLoader
from tqdm import tqdm

from ingest.clip.embedding_parts import PartFolder, clip_folders, embedding_column, embedding_matrix
from ingest.clip.model import ClipEncoder
from ingest.clip.neighbours import NO_GROUP, block_top_k
from ingest.clip.reference_set import ReferenceSet
from ingest.core import paths, schemas
from ingest.core.parquet_io import write_parquet_atomically
from ingest.predict.decoding import (
    ImageFiles,
    collate_decoded,
    decoded_batches,
    write_skipped_images,
)
from ingest.predict.image_sets import ImageRecord, ImageSet

NEIGHBOURS = schemas.CLIP_NEIGHBOURS
PROMPT = schemas.CLIP_PROMPT
FINGERPRINT_KEY = b"reference_fingerprint"


@dataclass
class EmbedOptions:
    batch_size: int = 64
    workers: int = 2
    part_size: int = 4096  # rows per Parquet part: an interrupted run loses at most one
    reference_block_size: int = 65536  # reference rows per matrix product
    replace: bool = False
    progress: bool = True


@dataclass
class EmbedReport:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def check_clip_folders(root: Path, clip_model: str, replace: bool) -> None:
    """Stop before any work when another CLIP model wrote under `root/clip`."""
    for folder in clip_folders(root, clip_model).values():
        folder.check_model(replace)


def embed_images(
    encoder: ClipEncoder,
    image_set: ImageSet,
    folder: PartFolder,
    to_table: Callable[[list[ImageRecord], np.ndarray], pa.Table],
    options: EmbedOptions,
    skipped_path: Path,
) -> tuple[int, int, int]:
    """Embed the records not yet in `folder`; (written, already there, skipped)."""
    done = folder.done_keys()
    pending = ImageSet(image_set.name, [r for r in image_set.records if r.image_id not in done])
    if not pending.records:
        return 0, len(image_set.records), 0
    loader = DataLoader(
        ImageFiles(pending, encoder.preprocess),
        batch_size=min(options.batch_size, options.part_size),
        num_workers=options.workers,
        collate_fn=collate_decoded,
        pin_memory=encoder.device.type == "cuda",
    )
    records: list[ImageRecord] = []
    chunks: list[np.ndarray] = []
    skipped: dict[int, str] = {}
    written = 0

    def flush() -> None:
        nonlocal written, records, chunks
        if records:
            folder.write_part(to_table(records, np.concatenate(chunks)))
            written += len(records)
            records, chunks = [], []

    bar = tqdm(
        total=len(pending.records),
        desc=f"CLIP {image_set.name}",
        unit="img",
        disable=not options.progress,
    )
    for tensors, indices in decoded_batches(loader, pending, skipped, bar):
        chunks.append(encoder.encode_images(tensors).numpy())
        records.extend(pending.records[i] for i in indices)
        if len(records) >= options.part_size:
            flush()
    flush()
    bar.close()
    if skipped:
        write_skipped_images(pending, skipped, skipped_path)
    return written, len(done & {r.image_id for r in image_set.records}), len(skipped)


def embed_texts(
    encoder: ClipEncoder, lemmas: list[str], folder: PartFolder, options: EmbedOptions
) -> tuple[int, int]:
    """Embed `A photo of a {lemma}` for lemmas not yet in `folder`; (written, already there)."""
    done = folder.done_keys()
    pending = [lemma for lemma in dict.fromkeys(lemmas) if lemma not in done]
    schema = schemas.clip_text_embeddings(encoder.dimension)
    bar = tqdm(total=len(pending), desc="CLIP prompts", unit="prompt", disable=not options.progress)
    for start in range(0, len(pending), options.part_size):
        part = pending[start : start + options.part_size]
        prompts = [PROMPT.format(lemma=lemma) for lemma in part]
        chunks = []
        for first in range(0, len(prompts), options.batch_size):
            batch = prompts[first : first + options.batch_size]
            chunks.append(encoder.encode_texts(batch).numpy())
            bar.update(len(batch))
        table = pa.table(
            {
                "lemma": part,
                "prompt": prompts,
                "clip_model": [encoder.clip_model] * len(part),
                "embedding": embedding_column(np.concatenate(chunks)),
            },
            schema=schema,
        )
        folder.write_part(table)
    bar.close()
    return len(pending), len(set(lemmas) & done)


def reference_fingerprint(reference: PartFolder) -> str:
    digest = hashlib.sha256(reference.clip_model.encode())
    for part in reference.parts():
        digest.update(f"\0{part.name}".encode())
    return digest.hexdigest()[:16]


def _neighbour_stamp(path: Path) -> bytes | None:
    metadata = pq.read_schema(path).metadata or {}
    return metadata.get(FINGERPRINT_KEY)


def _reference_blocks(
    reference: PartFolder,
    block_size: int,
    query_groups: dict[str, int],
    ids: list[str],
    classes: list[int],
    progress: bool,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Reference parts, concatenated up to `block_size` rows; fills ids and classes."""
    pending: list[pa.Table] = []

    def block() -> tuple[torch.Tensor, torch.Tensor]:
        table = pa.concat_tables(pending)
        pending.clear()
        ids.extend(table.column("image_id").to_pylist())
        classes.extend(table.column("class_id").to_pylist())
        sources = table.column("source_image_id").to_pylist()
        groups = [query_groups.get(s, NO_GROUP) if s else NO_GROUP for s in sources]
        embeddings = torch.from_numpy(embedding_matrix(table))
        return embeddings, torch.tensor(groups, dtype=torch.long)

    parts = reference.parts()
    total = sum(pq.ParquetFile(part).metadata.num_rows for part in parts)
    with tqdm(total=total, desc="neighbours", unit="ref", disable=not progress) as bar:
        rows = 0
        for part in parts:
            table = pq.read_table(part)
            pending.append(table)
            rows += table.num_rows
            if rows >= block_size:
                yield block()
                bar.update(rows)
                rows = 0
        if pending:
            yield block()
            bar.update(rows)


def update_neighbours(
    images: PartFolder,
    reference: PartFolder,
    neighbours: PartFolder,
    options: EmbedOptions,
    device: torch.device,
) -> tuple[int, int]:
    """(images whose neighbours were computed, image parts already up to date)."""
    image_parts = {part.stem: part for part in images.parts()}
    for stale in neighbours.parts():
        if stale.stem not in image_parts:
            stale.unlink()
    if not reference.parts():
        return 0, 0
    stamp = reference_fingerprint(reference).encode()
    todo = []
    for stem, part in image_parts.items():
        existing = neighbours.folder / f"{stem}.parquet"
        if not (existing.is_file() and _neighbour_stamp(existing) == stamp):
            todo.append(part)
    if not todo:
        return 0, len(image_parts)
    tables = [pq.read_table(part, columns=["image_id", "embedding"]) for part in todo]
    query_ids = [i for table in tables for i in table.column("image_id").to_pylist()]
    queries = torch.from_numpy(np.concatenate([embedding_matrix(t) for t in tables]))
    groups = {image_id: n for n, image_id in enumerate(query_ids)}
    reference_ids: list[str] = []
    reference_classes: list[int] = []
    blocks = _reference_blocks(
        reference,
        options.reference_block_size,
        groups,
        reference_ids,
        reference_classes,
        options.progress,
    )
    top = block_top_k(
        queries,
        blocks,
        NEIGHBOURS,
        query_groups=torch.arange(len(query_ids)),
        # One block product is query block x reference block floats: 1 GB on the GPU,
        # a quarter of that in CPU memory.
        query_block_size=4096 if device.type == "cuda" else 1024,
        device=device,
    )
    values, indices = top.values.numpy(), top.indices.numpy()
    reference_id_array = pa.array(reference_ids, pa.string())
    class_array = np.asarray(reference_classes, dtype=np.int16)
    start = 0
    for part, table in zip(todo, tables, strict=True):
        stop = start + table.num_rows
        result = _neighbour_table(
            query_ids[start:stop],
            values[start:stop],
            indices[start:stop],
            reference_id_array,
            class_array,
            neighbours.clip_model,
        )
        result = result.replace_schema_metadata({FINGERPRINT_KEY: stamp})
        write_parquet_atomically(result, neighbours.folder / f"{part.stem}.parquet")
        start = stop
    return len(query_ids), len(image_parts) - len(todo)


def _neighbour_table(
    query_ids: list[str],
    values: np.ndarray,
    indices: np.ndarray,
    reference_ids: pa.Array,
    reference_classes: np.ndarray,
    clip_model: str,
) -> pa.Table:
    """One row per (query, rank) that found a neighbour."""
    found = indices >= 0
    queries = np.broadcast_to(np.arange(len(query_ids))[:, None], indices.shape)[found]
    ranks = np.broadcast_to(np.arange(1, indices.shape[1] + 1), indices.shape)[found]
    neighbours = indices[found]
    return pa.table(
        {
            "image_id": pa.array(query_ids, pa.string()).take(queries),
            "clip_model": pa.array([clip_model] * len(neighbours), pa.string()),
            "neighbour_rank": pa.array(ranks, pa.int8()),
            "neighbour_image_id": reference_ids.take(neighbours),
            "neighbour_class_id": pa.array(reference_classes[neighbours], pa.int16()),
            "similarity": pa.array(values[found], pa.float32()),
        },
        schema=schemas.CLIP_IMAGE_NEIGHBOURS,
    )


def run_embed(
    encoder: ClipEncoder,
    root: Path,
    image_set: ImageSet | None,
    reference: ReferenceSet | None,
    lemmas: list[str] | None,
    options: EmbedOptions,
) -> EmbedReport:
    """Embed what is missing, then bring the neighbours up to date."""
    check_clip_folders(root, encoder.clip_model, options.replace)
    folders = clip_folders(root, encoder.clip_model)
    report = EmbedReport([f"CLIP model {encoder.clip_model} on {encoder.device}"])
    dimension = encoder.dimension
    if image_set is not None:

        def image_table(records: list[ImageRecord], embeddings: np.ndarray) -> pa.Table:
            return pa.table(
                {
                    "image_id": [r.image_id for r in records],
                    "clip_model": [encoder.clip_model] * len(records),
                    "embedding": embedding_column(embeddings),
                },
                schema=schemas.clip_image_embeddings(dimension),
            )

        written, kept, skipped = embed_images(
            encoder,
            image_set,
            folders["images"],
            image_table,
            options,
            root / "skipped_images" / f"embed-{image_set.name}.parquet",
        )
        report.add(f"images: {written} embedded, {kept} already there, {skipped} skipped")
    if reference is not None:
        sources = reference.sources

        def reference_table(records: list[ImageRecord], embeddings: np.ndarray) -> pa.Table:
            return pa.table(
                {
                    "image_id": [r.image_id for r in records],
                    "class_id": [r.label_class_id for r in records],
                    "clip_model": [encoder.clip_model] * len(records),
                    "embedding": embedding_column(embeddings),
                    "source_image_id": [sources.get(r.image_id) for r in records],
                },
                schema=schemas.clip_reference_embeddings(dimension),
            )

        written, kept, skipped = embed_images(
            encoder,
            reference.images,
            folders["reference"],
            reference_table,
            options,
            root / "skipped_images" / f"embed-{reference.images.name}.parquet",
        )
        report.add(f"reference images: {written} embedded, {kept} already there, {skipped} skipped")
    if lemmas is not None:
        written, kept = embed_texts(encoder, lemmas, folders["texts"], options)
        report.add(f"prompts: {written} embedded, {kept} already there")
    computed, current = update_neighbours(
        folders["images"], folders["reference"], folders["neighbours"], options, encoder.device
    )
    if not folders["reference"].parts():
        report.add("neighbours: no reference embeddings yet (pass --reference-set)")
    else:
        report.add(
            f"neighbours: computed for {computed} images, {current} parts already up to date"
        )
    report.add(f"wrote {paths.clip_dir(root)}")
    return report
