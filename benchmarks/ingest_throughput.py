"""Images per second of `imagenet-errors predict` against a naive loop, same run.

The naive loop is how the reference study ran: one model at a time, each image
decoded and preprocessed again for every model, one image per forward pass.
Ours: a batched DataLoader with worker processes, inference_mode and
channels_last, and models that share a preprocessing configuration fed from one
decoding pass. Both classify the demo photos (repeated to --repeat x 16 images)
with the three EfficientNet-Lite models on this machine's CPU (or GPU).

    python benchmarks/ingest_throughput.py [--repeat 4] [--workers 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
from PIL import Image

from ingest.demo.run import DEMO_MODELS
from ingest.predict import classifiers, image_sets, inference


def naive(image_set: image_sets.ImageSet, specs: list[classifiers.ModelSpec]) -> float:
    started = time.perf_counter()
    for spec in specs:
        model = classifiers.load(spec)
        transform = classifiers.data_config(spec).transform()
        with torch.no_grad():
            for record in image_set.records:
                tensor = transform(Image.open(record.path).convert("RGB")).unsqueeze(0)
                model(tensor).softmax(1).topk(5)
    return time.perf_counter() - started


def ours(image_set, specs, root: Path, workers: int, batch_size: int) -> float:
    started = time.perf_counter()
    inference.run(image_set, specs, root, workers=workers, batch_size=batch_size, progress=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=4, help="copies of the 16 demo photos")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        demo = image_sets.demo(root)
        records = [
            replace(r, image_id=f"{copy}/{r.image_id}")
            for copy in range(args.repeat)
            for r in demo.records
        ]
        image_set = image_sets.ImageSet("benchmark", records)
        specs = [classifiers.resolve(name) for name in DEMO_MODELS]
        # Same preprocessing twice: the second model rides on the first one's decoding.
        shared = [specs[0], replace(specs[0], model_id="efficientnet_lite0_copy")]
        predictions = len(records) * len(specs)
        print(
            f"{len(records)} images x {len(specs)} models on {inference.pick_device()} "
            f"({torch.get_num_threads()} threads)"
        )
        for label, seconds in (
            ("naive loop (per model, decode per model, batch 1)", naive(image_set, specs)),
            (
                "imagenet-errors predict",
                ours(image_set, specs, root / "a", args.workers, args.batch_size),
            ),
        ):
            print(f"  {label:<52} {predictions / seconds:7.1f} images/s  ({seconds:.1f} s)")
        print(f"two models sharing one preprocessing, {len(records)} images:")
        for label, seconds in (
            ("naive loop", naive(image_set, shared)),
            (
                "imagenet-errors predict (one decoding pass)",
                ours(image_set, shared, root / "b", args.workers, args.batch_size),
            ),
        ):
            print(f"  {label:<52} {2 * len(records) / seconds:7.1f} images/s  ({seconds:.1f} s)")


if __name__ == "__main__":
    main()
