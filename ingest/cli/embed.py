"""`imagenet-errors embed`: CLIP embeddings and nearest reference images."""

from __future__ import annotations

import argparse
from pathlib import Path

from ingest.cli import _options


def register(commands: _options.Subcommands) -> None:
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
    _options.add_image_set_options(parser)
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
    _options.add_progress_option(parser)
    parser.set_defaults(handler=_run_embed)


def _run_embed(args: argparse.Namespace) -> None:
    from ingest.clip import embed, model, proposal_lemmas, reference_set
    from ingest.core.paths import data_root, database_path
    from ingest.predict.inference import pick_device

    if args.random_weights:
        print("embed: random CLIP weights: the embeddings mean nothing (tests and demos only)")
    spec = model.ClipSpec(args.clip_model, None if args.random_weights else args.pretrained)
    # Before the minutes of loading a large model and listing 1.28 M files.
    embed.check_clip_folders(data_root(), model.clip_model_id(spec), args.replace)
    image_set = _options.load_image_set(args)
    reference = (
        reference_set.load_reference_set(args.reference_set, args.per_class)
        if args.reference_set
        else None
    )
    if args.lemmas:
        lemmas = proposal_lemmas.read_lemma_file(args.lemmas)
    else:
        lemmas = proposal_lemmas.warehouse_proposal_lemmas(data_root(), database_path())
    encoder = model.load_clip(spec, pick_device(args.device))
    options = embed.EmbedOptions(
        batch_size=args.batch_size,
        workers=args.workers,
        part_size=args.part_size,
        replace=args.replace,
        progress=not args.no_progress,
    )
    print(embed.run_embed(encoder, data_root(), image_set, reference, lemmas, options))
