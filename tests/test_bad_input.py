"""Bad input is refused at the door: exit 2, one line naming the file, row and value.

Every case goes through the CLI; the data root and the published database must
be byte for byte what they were before.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ingest.cli import main
from ingest.core.errors import BadInput
from ingest.core.paths import DATA_ROOT_ENV, DATABASE_ENV
from ingest.sources import labels

# Two labelled validation images the predictions below are made on.
IMAGE, OTHER = "ILSVRC2012_val_00000001.JPEG", "ILSVRC2012_val_00000002.JPEG"
HEADER = "image,class,probability\n"


@dataclass(frozen=True)
class Case:
    name: str
    # Writes the bad file under the folder given; returns the command line.
    command: Callable[[Path], list[str]]
    # What the one line must say besides the file's name.
    says: str
    names_file: bool = True


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def predictions(content: str | bytes, name: str = "predictions.csv") -> Callable[[Path], list]:
    def command(folder: Path) -> list[str]:
        return ["predictions", "import", str(write(folder, name, content)), "--model", "m"]

    return command


def labels_command(kind: str, name: str, content: str | bytes) -> Callable[[Path], list]:
    def command(folder: Path) -> list[str]:
        path = str(write(folder, name, content))
        return (
            ["labels", kind, "--file", path]
            if kind in ("original", "real")
            else [
                "labels",
                kind,
                path,
            ]
        )

    return command


def not_parquet(folder: Path) -> list[str]:
    return [
        "predictions",
        "import",
        str(write(folder, "p.parquet", b"PAR1 not really")),
        "--model",
        "m",
    ]


def parquet_with_nan(folder: Path) -> list[str]:
    path = folder / "p.parquet"
    pq.write_table(pa.table({"image": [IMAGE], "class": [3], "probability": [float("nan")]}), path)
    return ["predictions", "import", str(path), "--model", "m"]


def npz_of_wrong_shape(folder: Path) -> list[str]:
    path = folder / "logits.npz"
    np.savez(path, logits=np.zeros((3, 1000), dtype=np.float32))
    return ["predictions", "import-npz", str(path), "--model", "m"]


def npz_not_npz(folder: Path) -> list[str]:
    return ["predictions", "import-npz", str(write(folder, "l.npz", "text")), "--model", "m"]


def oov(content: str) -> Callable[[Path], list]:
    return lambda folder: ["oov", "import", str(write(folder, "oov.csv", content))]


def experts_with_a_broken_file(folder: Path) -> list[str]:
    entry = {"top_prediction": "n01440764", "failure category": "fine-grained"}
    write(folder, "vit3b_mistakes.json", json.dumps({IMAGE: entry}))
    write(folder, "greedy_soups_mistakes.json", json.dumps({IMAGE: {"top_prediction": 7}}))
    return ["experts", "import", "--mistakes-dir", str(folder)]


def reference_models_missing(folder: Path) -> list[str]:
    return ["reference-models", "--from", str(folder)]


def weights_not_a_checkpoint(folder: Path) -> list[str]:
    weights = write(folder, "resnet18.pth", "not a checkpoint")
    return ["predict", "--model", "resnet18", "--weights", str(weights), "--no-progress"]


CASES = [
    Case(
        "unlabelled image",
        predictions(HEADER + f"{IMAGE},3,0.5\nnope.JPEG,3,0.5\n"),
        "1 image id(s) match no labelled image (nope.JPEG)",
    ),
    Case("probability above 1", predictions(HEADER + f"{IMAGE},3,1.7\n"), ":2: probability 1.7"),
    Case("negative probability", predictions(HEADER + f"{IMAGE},3,-0.5\n"), "probability -0.5"),
    Case("NaN probability", predictions(HEADER + f"{IMAGE},3,nan\n"), "probability nan"),
    Case("NaN probability in Parquet", parquet_with_nan, "probability nan"),
    Case("non-numeric probability", predictions(HEADER + f"{IMAGE},3,high\n"), "'high' is not"),
    Case("class 1000", predictions(HEADER + f"{IMAGE},1000,0.5\n"), ":2: class index 1000"),
    Case("class -1", predictions(HEADER + f"{IMAGE},-1,0.5\n"), "class index -1"),
    Case("non-numeric class", predictions(HEADER + f"{IMAGE},cat,0.5\n"), "'cat' is neither"),
    Case(
        "repeated image",
        predictions(HEADER + f"{IMAGE},3,0.5\n{OTHER},4,0.5\n{IMAGE},5,0.5\n"),
        f":4: image {IMAGE} of model m repeats line 2",
    ),
    Case("empty file", predictions(""), "the file is empty"),
    Case("header only", predictions(HEADER), "a header and no rows"),
    Case("missing column", predictions(f"image,label\n{IMAGE},3\n"), "no column class"),
    Case("not UTF-8", predictions(HEADER.encode() + b"caf\xe9.JPEG,3,0.5\n"), "not UTF-8"),
    Case("not Parquet", not_parquet, "not a readable Parquet file"),
    Case(
        "conflicting labels",
        labels_command("original", "labels.csv", f"image,label\n{IMAGE},3\n{OTHER},4\n{IMAGE},5\n"),
        f":4: image {IMAGE} labelled 5, but 3 on line 2",
    ),
    Case(
        "labels out of range",
        labels_command("original", "labels.csv", f"image,label\n{IMAGE},1000\n"),
        "class index 1000",
    ),
    Case(
        "labels not UTF-8",
        labels_command("original", "labels.txt", b"n01440764\n\xff\n"),
        "not UTF-8",
    ),
    Case("empty labels", labels_command("original", "labels.txt", ""), "the file is empty"),
    Case(
        "conflicting multi-label verdicts",
        labels_command(
            "csv", "multi.csv", f"image,label,verdict\n{IMAGE},3,correct\n{IMAGE},3,wrong\n"
        ),
        f":3: image {IMAGE} class 3 is 'wrong', but 'correct' on line 2",
    ),
    Case(
        "header-only multi-labels", labels_command("csv", "multi.csv", "image,label\n"), "no rows"
    ),
    Case("ReaL not JSON", labels_command("real", "real.json", "{"), "not a readable ReaL JSON"),
    Case("Shankar not JSON", labels_command("shankar", "v3.json", "[]"), "not a Shankar"),
    Case("npz of the wrong shape", npz_of_wrong_shape, "expected shape (50000, 1000)"),
    Case("not an npz", npz_not_npz, "not a readable .npz"),
    Case("oov without is_oov", oov(f"image,class\n{IMAGE},3\n"), "no column is_oov"),
    Case(
        "oov contradicting",
        oov(f"image,class,is_oov\n{IMAGE},3,true\n{IMAGE},3,false\n"),
        f":3: image {IMAGE} class 3 contradicts line 2",
    ),
    Case("expert file without a category", experts_with_a_broken_file, "'failure category'"),
    Case(
        "reference files missing",
        reference_models_missing,
        "not found: run `imagenet-errors reference fetch`",
    ),
    Case("weights not a checkpoint", weights_not_a_checkpoint, "not a checkpoint of resnet18"),
]


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    """A data root with labels and predictions, a published database, a folder for inputs."""
    root, database, inputs = tmp_path / "data", tmp_path / "warehouse.duckdb", tmp_path / "in"
    inputs.mkdir()
    original = labels.original_validation_labels()
    labels.write_image_labels(dict(sorted(original.items())[:10]), root)
    write(inputs, "ok.csv", HEADER + f"{IMAGE},3,0.5\n")
    assert (
        main(
            [
                "--data-root",
                str(root),
                "predictions",
                "import",
                str(inputs / "ok.csv"),
                "--model",
                "kept",
            ]
        )
        == 0
    )
    with duckdb.connect(str(database)) as connection:
        connection.execute("create table dim_models as select 'kept' as model_id")
    # main() exports these; monkeypatch puts them back after each case.
    monkeypatch.setenv(DATA_ROOT_ENV, str(root))
    monkeypatch.setenv(DATABASE_ENV, str(database))
    return root, database, inputs


def digest(*paths: Path) -> dict[str, str]:
    files = [p for path in paths for p in ([path] if path.is_file() else path.rglob("*"))]
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(files) if p.is_file()
    }


def refused(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = main(arguments)
    captured = capsys.readouterr()
    assert code == 2, captured
    lines = captured.err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("imagenet-errors: error: "), captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_refused_in_one_line_and_changes_nothing(
    case: Case, world: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, database, inputs = world
    arguments = case.command(inputs)
    bad_file = next(Path(a) for a in reversed(arguments) if Path(a).is_relative_to(inputs))
    before = digest(root, database)
    line = refused(["--data-root", str(root), "--database", str(database), *arguments], capsys)
    assert case.says in line
    if case.names_file:
        assert str(bad_file) in line
    assert digest(root, database) == before


def test_unlabelled_images_are_kept_when_asked(
    world: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _, inputs = world
    path = write(inputs, "p.csv", HEADER + "nope.JPEG,3,0.5\n")
    arguments = ["predictions", "import", str(path), "--model", "m"]
    assert main([*arguments, "--allow-unlabelled"]) == 0
    assert pq.read_table(root / "predictions" / "model=m" / "predictions.parquet").num_rows == 1


def test_reading_commands_refuse_missing_folders(
    world: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root, database, _ = world
    missing = tmp_path / "typo"
    before = digest(root, database)
    line = refused(["--database", str(missing / "w.duckdb"), "summary"], capsys)
    assert f"no warehouse at {missing / 'w.duckdb'}" in line
    line = refused(["--data-root", str(missing), "build"], capsys)
    assert f"data root {missing} does not exist" in line
    empty = tmp_path / "empty"
    empty.mkdir()
    line = refused(["--data-root", str(empty), "build"], capsys)
    assert f"no predictions under {empty / 'predictions'}: ingest some first" in line
    assert digest(root, database) == before and not missing.exists()


def test_bad_input_is_a_value_error_the_cli_reports() -> None:
    assert issubclass(BadInput, ValueError)
    assert issubclass(labels.LabelError, BadInput)


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["build", "--target", "nope"], "no target nope in profiles.yml (there are: duckdb, spark"),
        (["compare-reference", "--target", "nope"], "no target nope in profiles.yml"),
        (
            ["compare-reference", "--target", "spark", "--folds", "5"],
            "--folds replays the rules in Python, not on a target",
        ),
    ],
)
def test_an_unknown_target_is_refused(
    arguments: list[str],
    says: str,
    world: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    root, database, _ = world
    before = digest(root, database)
    line = refused(["--data-root", str(root), "--database", str(database), *arguments], capsys)
    assert says in line
    assert digest(root, database) == before
