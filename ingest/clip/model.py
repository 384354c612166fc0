"""Load an open_clip model and encode images and prompts, L2-normalised.

Weights come from one of three places: a pretrained tag (`openai`, needs network
or open_clip's cache), a local checkpoint file, or random initialisation (for
tests and the demo only: no CLIP weights ship in any package registry). The
`clip_model` string names both the architecture and the weights, so embeddings
of different models never mix on disk.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

RANDOM_SEED = 0
CHECKPOINT_SUFFIXES = {".pt", ".pth", ".bin", ".safetensors", ".ckpt"}


class ClipModelError(ValueError):
    """A CLIP architecture or its weights cannot be loaded."""


@dataclass(frozen=True)
class ClipSpec:
    architecture: str  # an open_clip model name, e.g. ViT-L-14-336
    pretrained: str | None = None  # a tag (openai) or a checkpoint path; None: random

    @property
    def checkpoint(self) -> Path | None:
        if self.pretrained is None:
            return None
        path = Path(self.pretrained).expanduser()
        # Tags are plain names (openai, laion2b_s32b_b82k); anything else is a file.
        looks_like_path = (
            path.suffix in CHECKPOINT_SUFFIXES or "/" in self.pretrained or path.exists()
        )
        return path if looks_like_path else None


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()[:12]


def clip_model_id(spec: ClipSpec) -> str:
    """`<arch>/<tag>`, `<arch>/file-<name>-<sha256 prefix>` or `<arch>/random-seed0`."""
    if spec.pretrained is None:
        return f"{spec.architecture}/random-seed{RANDOM_SEED}"
    checkpoint = spec.checkpoint
    if checkpoint is not None:
        if not checkpoint.is_file():
            raise ClipModelError(f"CLIP checkpoint {checkpoint} does not exist")
        return f"{spec.architecture}/file-{checkpoint.name}-{_file_digest(checkpoint)}"
    return f"{spec.architecture}/{spec.pretrained}"


@dataclass
class ClipEncoder:
    clip_model: str
    model: torch.nn.Module
    preprocess: Callable  # PIL image -> tensor, the model's own transform
    tokenizer: Callable[[list[str]], torch.Tensor]
    device: torch.device

    @property
    def dimension(self) -> int:
        return int(self.model.visual.output_dim)

    def _autocast(self):
        # bf16 on the GPU as in `predict`; embeddings are normalised in float32.
        return torch.autocast(
            self.device.type, dtype=torch.bfloat16, enabled=self.device.type == "cuda"
        )

    @torch.inference_mode()
    def encode_images(self, batch: torch.Tensor) -> torch.Tensor:
        """Preprocessed images -> L2-normalised float32 embeddings on the CPU."""
        with self._autocast():
            features = self.model.encode_image(batch.to(self.device, non_blocking=True))
        return torch.nn.functional.normalize(features.float(), dim=-1).cpu()

    @torch.inference_mode()
    def encode_texts(self, texts: list[str]) -> torch.Tensor:
        tokens = self.tokenizer(texts).to(self.device)
        with self._autocast():
            features = self.model.encode_text(tokens)
        return torch.nn.functional.normalize(features.float(), dim=-1).cpu()


def load_clip(spec: ClipSpec, device: torch.device) -> ClipEncoder:
    import open_clip

    known = open_clip.list_models()
    if spec.architecture not in known:
        close = difflib.get_close_matches(spec.architecture, known, n=5, cutoff=0.5)
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise ClipModelError(f"unknown open_clip architecture {spec.architecture!r}{hint}")
    checkpoint = spec.checkpoint
    pretrained = str(checkpoint) if checkpoint is not None else spec.pretrained
    clip_model = clip_model_id(spec)
    try:
        # Random weights are seeded so that a re-run gives the same embeddings and
        # `clip_model` can name them; the caller's random state is left alone.
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(RANDOM_SEED)
            model, _, preprocess = open_clip.create_model_and_transforms(
                spec.architecture, pretrained=pretrained
            )
    except Exception as error:
        # open_clip raises RuntimeError for a tag it cannot fetch and assorted
        # errors for a checkpoint of another architecture.
        if checkpoint is not None:
            raise ClipModelError(
                f"cannot load {checkpoint} into {spec.architecture}: {error}"
            ) from error
        raise ClipModelError(
            f"cannot load pretrained weights {spec.pretrained!r} for {spec.architecture} "
            f"({error}). CLIP weights need network or open_clip's cache; offline, pass a "
            "local checkpoint: --pretrained /path/to/weights.pt"
        ) from error
    model.to(device).eval()
    return ClipEncoder(
        clip_model, model, preprocess, open_clip.get_tokenizer(spec.architecture), device
    )
