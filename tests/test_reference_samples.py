"""The reference's classified errors in both forms: the study's most_common_*.txt
and the CSV form, found in the reference folder when no file is named."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from reference_copy import GENERATED_SHA256, text_samples

from ingest.cli import main
from ingest.core.checksums import sha256_of
from ingest.core.paths import REFERENCE_DIR_ENV, reference_samples_csv
from ingest.reference.compare import Sample, SamplesError, read_samples
from ingest.reference.samples import (
    load_samples,
    locate_samples,
    read_text_samples,
    samples_files,
)

# The reference README's example block, and a block of a file without proposals.
OOV_BLOCK = """\
1) cnt mistakes = 943, file = n04485082/ILSVRC2012_val_00001409.JPEG
target = 872, n04485082: tripod
multi_labels:
872, n04485082: tripod
pred = 843, n04371774: swing
['potentially OOV, detected by CLIP', "Top-5 alternative proposals: [(4167759, 'teetertotter', \
'58.59%'), (4167759, 'seesaw', '21.56%'), (4167759, 'teeter-totter', '10.34%'), (4167759, \
'teeter', '4.05%'), (4336996, 'stretcher', '1.66%')] | out of 135"]
"""
# A lemma with an apostrophe: Python printed the list with escaped single quotes.
ESCAPED_BLOCK = """\
2) cnt mistakes = 379, file = n03710637/ILSVRC2012_val_00031738.JPEG
target = 608, n03594734: jean, blue jean, denim
multi_labels:
608, n03594734: jean, blue jean, denim
831, n04258138: studio couch, day bed
pred = 697, n03877472: pajama, pyjama, pj's, jammies
['potentially OOV, detected by CLIP', 'Top-5 alternative proposals: [(3824381, \\'night-robe\\', \
\\'17.66%\\'), (3877472, "pj\\'s", \\'15.10%\\')] | out of 16']
"""
FG_BLOCKS = """\
1) cnt mistakes = 900, file = n02123045/ILSVRC2012_val_00000001.JPEG
target = 281, n02123045: tabby, tabby cat
multi_labels:
281, n02123045: tabby, tabby cat
pred = 285, n02124075: Egyptian cat

2) cnt mistakes = 12, file = n01440764/ILSVRC2012_val_00000002.JPEG
target = 0, n01440764: tench, Tinca tinca
multi_labels:
0, n01440764: tench, Tinca tinca
1, n01443537: goldfish, Carassius auratus
pred = 2, n01484850: great white shark
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_text_blocks_become_samples(tmp_path: Path) -> None:
    oov = read_text_samples(
        write(tmp_path, "most_common_fg-OOV.txt", OOV_BLOCK + "\n" + ESCAPED_BLOCK)
    )
    top5 = ((4167759, "teetertotter"), (4167759, "seesaw"), (4167759, "teeter-totter"))
    assert oov[0] == Sample(
        "ILSVRC2012_val_00001409.JPEG",
        872,
        (872,),
        843,
        "fg-OOV",
        135,
        (*top5, (4167759, "teeter"), (4336996, "stretcher")),
    )
    assert oov[1].multi_labels == (608, 831) and oov[1].oov_num_proposals == 16
    assert oov[1].oov_top5 == ((3824381, "night-robe"), (3877472, "pj's"))
    fine_grained = read_text_samples(write(tmp_path, "most_common_fg.txt", FG_BLOCKS))
    assert fine_grained == [
        Sample("ILSVRC2012_val_00000001.JPEG", 281, (281,), 285, "fg"),
        Sample("ILSVRC2012_val_00000002.JPEG", 0, (0, 1), 2, "fg"),
    ]


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("most_common_fg.txt", FG_BLOCKS.replace("pred = 285", "pred = x"), r"fg.txt:1: .*pred"),
        ("most_common_fg.txt", FG_BLOCKS.replace("1, n01443537", "one, n01443537"), r"fg.txt:7: "),
        ("most_common_fg.txt", FG_BLOCKS.replace("cnt mistakes = 12", "cnt = 12"), r"fg.txt:7: "),
        ("most_common_fg.txt", "", r"fg.txt: no samples"),
        ("most_common_fg-OOV.txt", OOV_BLOCK.replace("[(4167759", "[(x"), r"OOV.txt:1: "),
        ("most_common_fg.txt", FG_BLOCKS.replace("pred = 2,", "pred = 2,\nremark"), r"fg.txt:7"),
        ("most_common_typo.txt", FG_BLOCKS, r"most_common_typo.txt: not a reference samples"),
    ],
)
def test_malformed_text_samples_name_the_file_and_line(
    tmp_path: Path, name: str, text: str, error: str
) -> None:
    with pytest.raises(SamplesError, match=error):
        read_text_samples(write(tmp_path, name, text))


def test_samples_are_found_in_every_form_of_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = tmp_path / "reference" / "automated_error_analysis"
    fg = write(study / "common_error_samples", "most_common_fg.txt", FG_BLOCKS)
    oov = write(study / "common_error_samples", "most_common_fg-OOV.txt", OOV_BLOCK)
    # Read in the order of the categories (fg before fg-OOV), whatever the names sort to.
    assert samples_files(study / "common_error_samples") == [fg, oov]
    assert samples_files(study) == [fg, oov]  # an upstream checkout
    assert samples_files(tmp_path / "reference") == [fg, oov]  # a reference folder
    assert samples_files(fg) == [fg]
    monkeypatch.setenv(REFERENCE_DIR_ENV, str(tmp_path / "reference"))
    assert [s.category for s in load_samples()] == ["fg", "fg", "fg-OOV"]
    # A development sample in CSV form is what the gates were set on: it wins.
    csv = reference_samples_csv(tmp_path / "reference")
    csv.write_text("category,image,target,multi_labels,pred\nfg,a.JPEG,1,1,2\n")
    assert locate_samples() == [csv]
    assert load_samples() == [Sample("a.JPEG", 1, (1,), 2, "fg")]


def test_no_samples_say_how_to_get_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(REFERENCE_DIR_ENV, str(tmp_path / "empty"))
    with pytest.raises(SamplesError, match=r"reference fetch"):
        locate_samples()
    assert main(["compare-reference"]) == 2
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert f"no reference samples in {tmp_path / 'empty'}" in line
    assert "`imagenet-errors reference fetch`" in line
    assert main(["compare-reference", "--samples", str(tmp_path / "nowhere.txt")]) == 2
    assert "nowhere.txt not found" in capsys.readouterr().err


@pytest.mark.reference_data("automated_error_analysis/error_samples_dev.csv")
def test_the_dev_csv_as_text_files_reads_back_the_same_rows(
    reference_dir: Path, tmp_path: Path
) -> None:
    dev = reference_samples_csv(reference_dir)
    folder = tmp_path / "common_error_samples"
    for category, text in text_samples(dev).items():
        path = write(folder, f"most_common_{category}.txt", text)
        assert sha256_of(path) == GENERATED_SHA256[category], category
    from_csv, from_text = read_samples(dev), load_samples(folder)
    assert len(from_text) == len(from_csv) == 3306
    assert Counter(from_text) == Counter(from_csv)
    # Within a category, the files keep the CSV's order.
    for category in GENERATED_SHA256:
        assert [s for s in from_text if s.category == category] == [
            s for s in from_csv if s.category == category
        ]
