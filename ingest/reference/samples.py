"""The reference study's classified errors, in either form it comes in.

The study published them as `common_error_samples/most_common_<category>.txt`
(github.com/eth-sri/automated-error-analysis): one block per (image,
prediction), blocks separated by a blank line, the category in the file name:

    1) cnt mistakes = 943, file = n04485082/ILSVRC2012_val_00001409.JPEG
    target = 872, n04485082: tripod
    multi_labels:
    872, n04485082: tripod
    pred = 843, n04371774: swing
    ['potentially OOV, detected by CLIP', "Top-5 alternative proposals: [(4167759,
    'teetertotter', '58.59%'), ...] | out of 135"]          (one line in the file)

`cnt mistakes` is how many models made the mistake, the lines between
`multi_labels:` and `pred =` are the accepted multi-labels (class index first),
and only fg-OOV blocks end with the error-type list, whose proposals entry holds
the open-world step's top-5 and its proposal count. The CSV form
(`error_samples_dev.csv`, read by `compare.read_samples`) has the same rows.
Both become `Sample`s; with no file given, they are looked up in the reference
folder.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ingest.core.paths import reference_dir, reference_samples_csv, reference_samples_dir
from ingest.reference.compare import (
    REFERENCE_CATEGORIES,
    Sample,
    SamplesError,
    parse_oov_top5,
    read_samples,
)

TEXT_FILE_PATTERN = "most_common_*.txt"
_FILE_NAME = re.compile(r"most_common_(?P<category>.+)\.txt")
_HEADER = re.compile(r"\d+\) cnt mistakes = (?P<count>\d+), file = (?P<file>\S+)")
_CLASS_LINE = re.compile(r"(?P<class_id>\d+)\s*,")
_TARGET = re.compile(r"target = (?P<class_id>\d+)\s*,")
_PRED = re.compile(r"pred = (?P<class_id>\d+)\s*,")
_PROPOSALS = re.compile(
    r"Top-5 alternative proposals: (?P<top5>\[.*\]) \| out of (?P<count>\d+)", re.DOTALL
)


def text_file_category(path: Path) -> str:
    """The reference category a `most_common_<category>.txt` file holds."""
    match = _FILE_NAME.fullmatch(path.name)
    if not match or match["category"] not in REFERENCE_CATEGORIES:
        known = ", ".join(f"most_common_{c}.txt" for c in REFERENCE_CATEGORIES)
        raise SamplesError(f"{path}: not a reference samples file (expected one of {known})")
    return match["category"]


def _blocks(path: Path) -> list[tuple[int, list[str]]]:
    """The file's blocks as (line number of their first line, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            if not current:
                blocks.append((number, current))
            current.append(line.strip())
        else:
            current = []
    return blocks


def _proposals(line: str) -> tuple[int, tuple[tuple[int, str], ...]] | None:
    """The proposal count and top-5 of an error-type list line, if it has them."""
    try:
        entries = ast.literal_eval(line)
    except (SyntaxError, ValueError) as error:
        raise ValueError(f"the error-type list is not a Python list of strings ({error})") from None
    if not (isinstance(entries, list) and all(isinstance(e, str) for e in entries)):
        raise ValueError("the error-type list is not a Python list of strings")
    for entry in entries:
        match = _PROPOSALS.search(entry)
        if match:
            return int(match["count"]), parse_oov_top5(match["top5"])
    return None


def _class_id(pattern: re.Pattern[str], line: str, what: str) -> int:
    match = pattern.match(line)
    if not match:
        raise ValueError(f"expected {what}, found {line!r}")
    return int(match["class_id"])


def _sample(category: str, lines: list[str]) -> Sample:
    header = _HEADER.fullmatch(lines[0])
    if not header:
        raise ValueError(f"expected 'N) cnt mistakes = K, file = WNID/IMAGE', found {lines[0]!r}")
    if len(lines) < 4 or lines[2] != "multi_labels:":
        raise ValueError("expected the lines target = ..., multi_labels:, ..., pred = ...")
    target = _class_id(_TARGET, lines[1], "'target = CLASS, ...'")
    end = next((i for i, line in enumerate(lines) if line.startswith("pred = ")), None)
    if end is None:
        raise ValueError("no 'pred = ...' line")
    multi = tuple(_class_id(_CLASS_LINE, line, "'CLASS, WNID: name'") for line in lines[3:end])
    if not multi:
        raise ValueError("no multi-labels")
    pred = _class_id(_PRED, lines[end], "'pred = CLASS, ...'")
    proposals = None
    for line in lines[end + 1 :]:
        if not line.startswith("["):
            raise ValueError(f"unexpected line after pred: {line!r}")
        proposals = _proposals(line) or proposals
    count, top5 = proposals if proposals else (None, ())
    image = header["file"].rsplit("/", 1)[-1]
    return Sample(image, target, multi, pred, category, count, top5)


def read_text_samples(path: Path) -> list[Sample]:
    """The samples of one `most_common_<category>.txt` file, in its order."""
    category = text_file_category(path)
    samples = []
    for line, block in _blocks(path):
        try:
            samples.append(_sample(category, block))
        except ValueError as error:
            raise SamplesError(f"{path}:{line}: {error}") from None
    if not samples:
        raise SamplesError(f"{path}: no samples")
    return samples


def _text_files(folder: Path) -> list[Path]:
    """The folder's `most_common_*.txt`, in the order of the categories."""
    order = list(REFERENCE_CATEGORIES)
    files = [(order.index(text_file_category(p)), p) for p in folder.glob(TEXT_FILE_PATTERN)]
    return [path for _, path in sorted(files)]


def locate_samples(folder: Path | None = None) -> list[Path]:
    """The reference samples of a reference folder: its development sample in CSV
    form where it has one (the sample the gates of bin/test were set on), else the
    study's `most_common_*.txt` files."""
    folder = folder or reference_dir()
    if reference_samples_csv(folder).is_file():
        return [reference_samples_csv(folder)]
    files = _text_files(reference_samples_dir(folder))
    if not files:
        raise SamplesError(
            f"no reference samples in {folder} (neither "
            f"{reference_samples_dir(folder).relative_to(folder)}/{TEXT_FILE_PATTERN} nor "
            f"{reference_samples_csv(folder).relative_to(folder)}): run "
            "`imagenet-errors reference fetch`, or pass --samples"
        )
    return files


def samples_files(path: Path | None = None) -> list[Path]:
    """The files `path` names: a CSV or txt file, a folder of `most_common_*.txt`, an
    upstream checkout (with `common_error_samples/`) or a reference folder; with no
    path, the reference folder's."""
    if path is None:
        return locate_samples()
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise SamplesError(f"{path} not found")
    for folder in (path, path / "common_error_samples"):
        files = _text_files(folder)
        if files:
            return files
    return locate_samples(path)


def load_samples(path: Path | None = None) -> list[Sample]:
    """Every sample of `path` (see `samples_files`), CSV and txt files alike."""
    samples = []
    for file in samples_files(path):
        samples += read_text_samples(file) if file.suffix == ".txt" else read_samples(file)
    return samples
