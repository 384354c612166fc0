"""Running real classifiers over real photos into Parquet: layouts, resume, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ingest.core.parquet_io import write_parquet_atomically
from ingest.imagenet.metadata import class_wnids
from ingest.predict import classifiers, image_sets, inference


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("root")
    image_sets.demo(root)
    return root


def photo(root: Path, name: str) -> Path:
    return next((root / "images" / "demo").glob(f"{name}.*"))


def predictions(root: Path, model_id: str) -> list[dict]:
    path = root / "predictions" / f"model={model_id}" / "predictions.parquet"
    return pq.read_table(path).to_pylist()


def test_wnid_folders_with_a_corrupt_image_skip_it_and_say_so(
    demo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    squirrel, orange = class_wnids()[335], class_wnids()[950]
    (tmp_path / "set" / squirrel).mkdir(parents=True)
    (tmp_path / "set" / orange).mkdir()
    shutil.copy(photo(demo_root, "squirrel"), tmp_path / "set" / squirrel / "a.jpg")
    shutil.copy(photo(demo_root, "orange"), tmp_path / "set" / orange / "b.jpg")
    (tmp_path / "set" / orange / "broken.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    image_set = image_sets.wnid_folders(tmp_path / "set")
    root = tmp_path / "out"
    [model_run] = inference.run(
        image_set, [classifiers.resolve("efficientnet_lite0")], root, workers=0, progress=False
    )
    rows = predictions(root, "efficientnet_lite0")
    assert [r["image_id"] for r in rows] == [f"{squirrel}/a.jpg", f"{orange}/b.jpg"]
    assert [r["top5_class_ids"][0] for r in rows] == [335, 950]
    assert all(r["label_rank"] == 1 for r in rows)
    assert model_run.top1_accuracy == 100.0
    skipped = pq.read_table(root / "skipped_images" / "set.parquet").to_pylist()
    assert [Path(s["path"]).name for s in skipped] == ["broken.jpg"]
    assert "broken.jpg" in capsys.readouterr().err
    [model_row] = pq.read_table(inference.models_table_path(root, "efficientnet_lite0")).to_pylist()
    assert model_row["num_skipped_images"] == 1
    assert model_row["architecture_family"] == "efficientnet"
    assert model_row["pretraining_data"] == "in1k"
    assert model_row["input_size"] == 224


def test_flat_and_folder_validation_layouts_give_the_same_ids(demo_root: Path, tmp_path: Path):
    flat = tmp_path / "flat"
    flat.mkdir()
    # ILSVRC2012_val_00000002 is labelled alp; the photo does not matter here.
    shutil.copy(photo(demo_root, "china"), flat / "ILSVRC2012_val_00000002.JPEG")
    nested = tmp_path / "nested" / class_wnids()[970]
    nested.mkdir(parents=True)
    shutil.copy(photo(demo_root, "china"), nested / "ILSVRC2012_val_00000002.JPEG")
    by_flat = image_sets.imagenet_validation(flat)
    by_folder = image_sets.imagenet_validation(tmp_path / "nested")
    assert [r.image_id for r in by_flat.records] == [r.image_id for r in by_folder.records]
    assert by_flat.records[0].label_class_id == by_folder.records[0].label_class_id == 970


def test_imagenet_a_restricts_predictions_to_its_200_classes(demo_root: Path, tmp_path: Path):
    # The Chinese palace: 698 (palace) is not an ImageNet-A class.
    folder = tmp_path / "a" / class_wnids()[6]
    folder.mkdir(parents=True)
    shutil.copy(photo(demo_root, "china"), folder / "x.jpg")
    image_set = image_sets.imagenet_a(tmp_path / "a")
    assert len(image_set.class_subset) == 200
    inference.run(
        image_set,
        [classifiers.resolve("efficientnet_lite0")],
        tmp_path / "out",
        workers=0,
        progress=False,
    )
    [row] = predictions(tmp_path / "out", "efficientnet_lite0")
    assert set(row["top5_class_ids"]) <= set(image_set.class_subset)


def test_resume_skips_complete_models_and_redoes_changed_sets(demo_root: Path, tmp_path: Path):
    folder = tmp_path / "set" / class_wnids()[950]
    folder.mkdir(parents=True)
    shutil.copy(photo(demo_root, "orange"), folder / "o.jpg")
    spec = classifiers.resolve("efficientnet_lite0")
    root = tmp_path / "out"

    def run(resume: bool) -> inference.ModelRun:
        image_set = image_sets.wnid_folders(tmp_path / "set")
        [model_run] = inference.run(
            image_set, [spec], root, workers=0, resume=resume, progress=False
        )
        return model_run

    run(resume=False)
    assert run(resume=True).skipped
    shutil.copy(photo(demo_root, "fruits"), folder / "p.jpg")
    assert not run(resume=True).skipped
    assert len(predictions(root, "efficientnet_lite0")) == 2


def test_shard_splits_the_model_list() -> None:
    names = ["a", "b", "c", "d", "e"]
    assert inference.shard(names, "1/2") == ["a", "c", "e"]
    assert inference.shard(names, "2/2") == ["b", "d"]
    with pytest.raises(ValueError, match="between 1 and 2"):
        inference.shard(names, "3/2")


def test_unknown_model_lists_close_matches() -> None:
    with pytest.raises(classifiers.ModelError, match=r"did you mean: .*efficientnet_lite0"):
        classifiers.resolve("efficientnet_lite00")


def test_weights_that_cannot_be_fetched_suggest_a_local_file() -> None:
    with pytest.raises(classifiers.ModelError, match="--weights"):
        classifiers.load(classifiers.resolve("resnet18.a1_in1k"))


def test_local_checkpoint_loads_into_a_timm_model(tmp_path: Path) -> None:
    import timm
    import torch

    model = timm.create_model("resnet10t", pretrained=False, num_classes=1000)
    torch.save(model.state_dict(), tmp_path / "resnet10t.pth")
    loaded = classifiers.load(classifiers.resolve("resnet10t", tmp_path / "resnet10t.pth"))
    assert torch.equal(loaded.fc.weight, model.fc.weight)
    torch.save({"nonsense": torch.zeros(1)}, tmp_path / "bad.pth")
    with pytest.raises(classifiers.ModelError, match=r"cannot load .*bad.pth into resnet10t"):
        classifiers.load(classifiers.resolve("resnet10t", tmp_path / "bad.pth"))


def test_a_killed_write_leaves_no_parquet_to_read(tmp_path: Path, monkeypatch) -> None:
    import pyarrow as pa

    def dies_midway(table, where, **kwargs):
        Path(where).write_bytes(b"PAR1 half a file")
        raise KeyboardInterrupt

    monkeypatch.setattr(pq, "write_table", dies_midway)
    target = tmp_path / "predictions" / "model=x" / "predictions.parquet"
    with pytest.raises(KeyboardInterrupt):
        write_parquet_atomically(pa.table({"a": [1]}), target)
    assert list(tmp_path.rglob("*.parquet")) == []
    assert not any(target.parent.iterdir())
