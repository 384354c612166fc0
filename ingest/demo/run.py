"""The main job on the embedded default: demo photos -> three real models ->
Parquet -> CLIP embeddings -> dbt build -> each model's errors by category, printed."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ingest.clip.embed import EmbedOptions, run_embed
from ingest.clip.model import ClipSpec, load_clip
from ingest.clip.proposal_lemmas import warehouse_proposal_lemmas
from ingest.clip.reference_set import load_reference_set
from ingest.core.paths import reference_study_dir
from ingest.demo.reference import build_demo_reference_set
from ingest.predict import classifiers, image_sets, inference
from ingest.sources import labels, reference_models
from ingest.warehousing.dbt_runner import run_dbt

DEMO_MODELS = ("efficientnet_lite0", "efficientnet_lite1", "efficientnet_lite2")
DEMO_CLIP_MODEL = "ViT-S-32-alt"


def write_demo_labels(image_set: image_sets.ImageSet, root: Path) -> None:
    labelled = {
        r.image_id: r.label_class_id for r in image_set.records if r.label_class_id is not None
    }
    labels.write_image_labels(labelled, root)
    annotations = {
        r.image_id: {"correct": list(r.multi_label_class_ids)} for r in image_set.records
    }
    # A photo of something ImageNet has no class for cannot be scored: problematic.
    problematic = {r.image_id for r in image_set.records if not r.multi_label_class_ids}
    labels.write_multi_labels(annotations, "demo", problematic, root=root)
    labels.write_cooccurrence_labels(labels.real_labels(), root)


def embed_demo(
    image_set: image_sets.ImageSet,
    root: Path,
    database: Path,
    clip_model: str,
    clip_checkpoint: Path | None,
    progress: bool,
) -> str:
    """CLIP embeddings of the photos, of crops of them (the reference set) and of the
    proposal lemmas; random weights unless a checkpoint is given."""
    reference_dir = build_demo_reference_set(image_set, root / "images" / "demo_reference")
    spec = ClipSpec(clip_model, str(clip_checkpoint) if clip_checkpoint else None)
    lemmas = warehouse_proposal_lemmas(root, database, quiet=True)
    encoder = load_clip(spec, inference.pick_device())
    # About seventy small files: starting worker processes costs more than decoding them.
    # Replace: a demo rerun with another --clip-checkpoint starts its embeddings afresh.
    options = EmbedOptions(workers=0, progress=progress, replace=True)
    report = run_embed(encoder, root, image_set, load_reference_set(reference_dir), lemmas, options)
    return str(report)


def run_demo(
    root: Path,
    database: Path,
    models: list[str],
    workers: int,
    progress: bool,
    clip_model: str = DEMO_CLIP_MODEL,
    clip_checkpoint: Path | None = None,
) -> str:
    image_set = image_sets.demo(root)
    for missing in image_set.missing:
        print(f"demo: skipping photo {missing}")
    write_demo_labels(image_set, root)
    specs = [classifiers.resolve(name) for name in models]
    inference.run(image_set, specs, root, workers=workers, progress=progress)
    weights = clip_checkpoint or "random weights: for the demo only"
    print(f"demo: CLIP {clip_model} ({weights})")
    print(embed_demo(image_set, root, database, clip_model, clip_checkpoint, progress))
    ingest_reference_models(root)
    run_dbt(["build"], root=root, database=database, quiet=True)
    return errors_table(database)


def ingest_reference_models(root: Path) -> None:
    """The reference's 962 models, for the report to place the demo models among
    them, from the reference folder when it has them."""
    folder = reference_study_dir()
    if not all((folder / name).is_file() for name in reference_models.SHA256):
        print(
            f"demo: no reference results in {folder}, so the report will show the demo "
            "models alone; `imagenet-errors reference fetch` adds them"
        )
        return
    reference_models.import_reference_models(folder, root=root)


def errors_table(database: Path) -> str:
    with duckdb.connect(str(database), read_only=True) as connection:
        relation = connection.sql(
            """
            select
                errors.model_id as model,
                replace(errors.image_id, 'demo/', '') as photo,
                coalesce(labels.class_name, '(no class)') as label,
                predicted.class_name as prediction,
                errors.error_category as category,
                coalesce(
                    errors.shared_superclass, cooccurring.class_name,
                    case
                        when errors.error_category = 'fine_grained_oov'
                            then 'CLIP: ' || errors.oov_best_lemma
                    end,
                    ''
                ) as evidence
            from fct_prediction_errors as errors
            inner join dim_classes as predicted on errors.predicted_class_id = predicted.class_id
            left join dim_classes as labels on errors.label_class_id = labels.class_id
            left join dim_classes as cooccurring
                on errors.cooccurring_label_class_id = cooccurring.class_id
            where errors.error_category <> 'correct'
            order by model, photo
            """
        )
        summary = connection.sql(
            """
            select model_id as model, num_samples as photos, round(top1_accuracy, 1) as top1,
                   round(mla, 1) as mla, num_overlapping_classes as overlapping,
                   num_multi_label as multi_label, num_fine_grained as fine_grained,
                   num_fine_grained_oov as fg_oov, num_spurious_correlation as spurious,
                   num_non_prototypical as non_proto, num_model_failure as failure,
                   oov_check_status as oov_rule
            from agg_model_error_summary where class_group = 'all' order by model_id
            """
        )
        return f"{format_table(relation)}\n\n{format_table(summary)}"


def format_table(relation: duckdb.DuckDBPyRelation) -> str:
    """All rows, aligned (DuckDB's own display elides long tables)."""
    header = relation.columns
    rows = [["" if value is None else str(value) for value in row] for row in relation.fetchall()]
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join(lines)
