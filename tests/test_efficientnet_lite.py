"""The real EfficientNet-Lite weights in timm give the original implementation's logits."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from PIL import Image

from ingest.predict import classifiers, efficientnet_lite, image_sets


@pytest.fixture(scope="module")
def demo_set(tmp_path_factory: pytest.TempPathFactory) -> image_sets.ImageSet:
    return image_sets.demo(tmp_path_factory.mktemp("demo"))


@pytest.mark.parametrize("variant", list(efficientnet_lite.VARIANTS))
def test_logits_equal_the_original_implementation_on_real_photos(
    variant: str, demo_set: image_sets.ImageSet
) -> None:
    original_package = pytest.importorskip("efficientnet_lite_pytorch")
    spec = classifiers.resolve(variant)
    transform = classifiers.data_config(spec).transform()
    photos = [
        r
        for r in demo_set.records
        if r.image_id.split("/")[1].split(".")[0] in ("chelsea", "coffee", "squirrel", "orange")
    ]
    batch = torch.stack([transform(Image.open(r.path).convert("RGB")) for r in photos])
    ours = classifiers.load(spec)
    original = original_package.EfficientNet.from_pretrained(
        variant.replace("_", "-"), weights_path=str(efficientnet_lite.weights_file(variant))
    ).eval()
    with torch.inference_mode():
        ours_logits, original_logits = ours(batch), original(batch)
    assert torch.allclose(ours_logits, original_logits, atol=1e-5)
    # And they are real weights: the obvious photos are recognised.
    predicted = ours_logits.argmax(1).tolist()
    expected = [r.multi_label_class_ids for r in photos]
    assert sum(p in labels for p, labels in zip(predicted, expected, strict=True)) >= 3


def test_conversion_covers_every_key_exactly() -> None:
    import timm

    original = torch.load(
        efficientnet_lite.weights_file("efficientnet_lite0"), map_location="cpu", weights_only=True
    )
    model = timm.create_model("tf_efficientnet_lite0", pretrained=False)
    converted = efficientnet_lite.convert_state_dict(original, [len(s) for s in model.blocks])
    assert set(converted) == set(model.state_dict())
    assert converted["blocks.0.0.conv_pw.weight"] is original["_blocks.0._project_conv.weight"]
    assert converted["blocks.6.0.conv_pwl.weight"] is original["_blocks.15._project_conv.weight"]


def test_missing_weights_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(classifiers.ModelError, match="does not exist"):
        classifiers.resolve("efficientnet_lite0", tmp_path / "nope.pth")
