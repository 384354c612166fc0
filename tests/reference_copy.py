"""A copy of the public reference files as their upstream sources lay them out.

For the tests of `reference fetch` (a local HTTP server serves a mirror) and for
trying `imagenet-errors reference fetch --from DIR` by hand. Built from a
reference folder: its files are copied, and where it holds the development
sample in CSV form instead of the study's `most_common_<category>.txt` files,
those are written from it in the study's format (its blocks hold only the
sample's rows, so their checksums are not the published ones):

    python tests/reference_copy.py OUT           # OUT/automated-error-analysis/...,
                                                 # OUT/imagenet-mistakes/metadata/...
    python tests/reference_copy.py --mirror OUT  # OUT/<owner>/<repo>/<commit>/<path>,
                                                 # as a raw-file server has them
"""

from __future__ import annotations

import argparse
import csv
import shutil
from collections.abc import Callable
from pathlib import Path

from ingest.core.checksums import sha256_of
from ingest.core.paths import reference_dir, reference_samples_csv
from ingest.imagenet.metadata import class_names, class_wnids
from ingest.reference.compare import Sample
from ingest.reference.fetch import PublicFile, selected_files

OOV_TAG = "potentially OOV, detected by CLIP"
# The study's file names of the categories, as the CSV's `category` column has them.
CATEGORIES = (
    "overlapping_classes",
    "multi_label",
    "fg",
    "fg-OOV",
    "spurious_correlation",
    "non-proto",
    "model_failure",
)
# What text_samples writes from error_samples_dev.csv (sha256
# a2f78730d5745d4d63691ba99abe27d7380dafc33ba33c81fde00f31ab2b782e).
GENERATED_SHA256 = {
    "fg-OOV": "e88d48076b2e246061b2bffdec9d7c79e697aea7f3df0b8c136356c59099d619",
    "fg": "9e9312341f406735974d5cddc5b9d3614ccb00dab492159b9a26a6ad7822a411",
    "model_failure": "3eb5d458c610ecb9ac26b5762b1d7f88237a57dc2cc6cea87f1b08ec5cd6a2e9",
    "multi_label": "20555ef3c91958e5189cf586f8cc44c1848045614d6f860eba4e6e036682096d",
    "non-proto": "fbe73bd95de1e7ce9c4287566853de7b5d1e66589bb048697046bb52a62214b7",
    "overlapping_classes": "2a0451809d8206b30210799f8bfacc20901e28ece74aec5be0c607529e34efaa",
    "spurious_correlation": "50d4b4c21c1853dc18fcc5a60b9037d1ebee55700e8d1125ab22c17dc69ad45b",
}


def _class_line(class_id: int) -> str:
    wnid = class_wnids()[class_id]
    return f"{class_id}, {wnid}: {class_names()[wnid]}"


def read_rows(samples_csv: Path) -> list[dict[str, str]]:
    with samples_csv.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def text_block(number: int, row: dict[str, str]) -> str:
    """One row of the CSV form as a block of `most_common_<category>.txt`."""
    target = int(row["target"])
    lines = [
        f"{number}) cnt mistakes = {row['num_models']}, "
        f"file = {class_wnids()[target]}/{row['image']}",
        f"target = {_class_line(target)}",
        "multi_labels:",
        *(_class_line(int(c)) for c in row["multi_labels"].split()),
        f"pred = {_class_line(int(row['pred']))}",
    ]
    if row.get("oov_top5"):
        # The CSV kept the escaping of the printed list where a lemma has an apostrophe.
        top5 = row["oov_top5"].replace("\\'", "'")
        proposals = f"Top-5 alternative proposals: {top5} | out of {row['oov_num_proposals']}"
        lines.append(repr([OOV_TAG, proposals]))
    return "\n".join(lines) + "\n"


def category_texts(rows: list[dict[str, str]]) -> dict[str, str]:
    """The content of `most_common_<category>.txt` for each category the rows have."""
    texts = {}
    for category in CATEGORIES:
        of_category = [row for row in rows if row["category"] == category]
        if of_category:
            texts[category] = "\n".join(text_block(i, row) for i, row in enumerate(of_category, 1))
    return texts


def text_samples(samples_csv: Path) -> dict[str, str]:
    return category_texts(read_rows(samples_csv))


def sample_rows(samples: list[Sample]) -> list[dict[str, str]]:
    """Samples as rows of the CSV form (`num_models`, which they do not keep, as 1)."""
    return [
        {
            "category": s.category,
            "num_models": "1",
            "image": s.image,
            "target": str(s.target),
            "multi_labels": " ".join(map(str, s.multi_labels)),
            "pred": str(s.pred),
            "oov_num_proposals": "" if s.oov_num_proposals is None else str(s.oov_num_proposals),
            "oov_top5": repr(list(s.oov_top5)) if s.oov_top5 else "",
        }
        for s in samples
    ]


def write_samples_csv(rows: list[dict[str, str]], path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_samples_text(rows: list[dict[str, str]], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for category, text in category_texts(rows).items():
        path = folder / f"most_common_{category}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def build_copy(
    target: Path,
    where: Callable[[PublicFile], str],
    source: Path | None = None,
) -> dict[str, Path]:
    """Every public file but the large ones, at `target / where(file)`; returns them by
    their name in the reference folder."""
    source = source or reference_dir()
    written = {}
    generated = None
    for file in selected_files():
        path = target / where(file)
        path.parent.mkdir(parents=True, exist_ok=True)
        if (source / file.name).is_file():
            shutil.copyfile(source / file.name, path)
        elif file.is_sample:
            if generated is None:
                generated = text_samples(reference_samples_csv(source))
            category = file.name.rsplit("most_common_", 1)[1].removesuffix(".txt")
            path.write_text(generated[category], encoding="utf-8")
        else:
            raise FileNotFoundError(f"{source / file.name} not found")
        written[file.name] = path
    return written


def upstream_copy(target: Path, source: Path | None = None) -> dict[str, Path]:
    """The repositories' folders side by side, as `git clone` names them."""
    return build_copy(target, lambda file: file.upstream, source)


def mirror_copy(target: Path, source: Path | None = None) -> dict[str, Path]:
    """As a raw-file server lays them out: `<owner>/<repo>/<commit>/<path>`."""
    return build_copy(target, lambda file: file.path, source)


def checksums(written: dict[str, Path]) -> dict[str, str]:
    return {name: sha256_of(path) for name, path in written.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--mirror", action="store_true", help="a raw-file server's layout")
    parser.add_argument("--source", type=Path, help="reference folder (default: the commands')")
    args = parser.parse_args()
    written = (mirror_copy if args.mirror else upstream_copy)(args.target, args.source)
    print(f"wrote {len(written)} files under {args.target}")


if __name__ == "__main__":
    main()
