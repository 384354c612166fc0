"""`imagenet-errors synth`: a synthetic workload for benchmarks and tests."""

from __future__ import annotations

import argparse

from ingest.cli._options import Subcommands


def register(commands: Subcommands) -> None:
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
    parser.set_defaults(handler=_run_synth)


def _run_synth(args: argparse.Namespace) -> None:
    from ingest.core.paths import clip_dir, data_root
    from ingest.synth.clip import check_clip_model, synthesise_clip
    from ingest.synth.predictions import synthesise

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
