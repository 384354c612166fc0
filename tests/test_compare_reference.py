from __future__ import annotations

from pathlib import Path

import pytest
from reference_copy import sample_rows, write_samples_csv, write_samples_text

from ingest.cli import main
from ingest.reference.compare import (
    Comparison,
    PairProposals,
    Sample,
    SamplesError,
    failed_thresholds,
    parse_oov_top5,
    read_samples,
    report,
)
from ingest.reference.samples import load_samples


def subset(per_category: int) -> list[dict[str, str]]:
    """The first rows of each category of the reference folder's samples, in CSV form."""
    taken: dict[str, int] = {}
    kept = []
    for sample in load_samples():
        if taken.get(sample.category, 0) < per_category:
            taken[sample.category] = taken.get(sample.category, 0) + 1
            kept.append(sample)
    return sample_rows(kept)


def test_compare_reference_reports_counts_and_agreement(
    reference_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In the form the study published them: most_common_<category>.txt.
    samples = tmp_path / "common_error_samples"
    assert len(write_samples_text(subset(15), samples)) == 7
    code = main(["compare-reference", "--samples", str(samples), "--work-dir", str(tmp_path / "w")])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["category", "reference", "ours", "agree", "share"]
    assert any(line.startswith("fg ") and line.split()[1] == "15" for line in lines)
    assert lines[-1].startswith("agreement: ") and lines[-1].endswith("/105)")
    # The 15 fg-OOV rows also check the open-world proposals.
    (proposals,) = [line for line in lines if line.startswith("proposals: ")]
    assert proposals.endswith("/15)")


def test_threshold_failure_exits_non_zero(
    reference_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # In CSV form, every row relabelled a model failure: agreement must drop and the
    # gate must trip.
    rows = [row | {"category": "model_failure"} for row in subset(3)]
    samples = write_samples_csv(rows, tmp_path / "samples.csv")
    code = main(
        [
            "compare-reference",
            "--samples",
            str(samples),
            "--min-agreement",
            "98",
            "--work-dir",
            str(tmp_path / "w"),
        ]
    )
    assert code == 1
    assert "FAILED: overall agreement below 98.0%" in capsys.readouterr().err


def test_malformed_samples_name_the_row(tmp_path: Path) -> None:
    samples = tmp_path / "bad.csv"
    samples.write_text(
        "category,image,target,multi_labels,pred\nfg,a.JPEG,1,1,2\nfg,b.JPEG,x,1,2\n"
    )
    with pytest.raises(SamplesError, match=r"bad.csv:3"):
        read_samples(samples)
    samples.write_text("category,image,target,multi_labels,pred\nfoo,a.JPEG,1,1,2\n")
    with pytest.raises(SamplesError, match=r"bad.csv:2: unknown category 'foo'"):
        read_samples(samples)


def test_oov_top5_parses_plain_and_escaped_quotes() -> None:
    plain = "[(4167759, 'teetertotter', '58.59%'), (4336996, 'stretcher', '1.66%')]"
    assert parse_oov_top5(plain) == ((4167759, "teetertotter"), (4336996, "stretcher"))
    # As some rows of error_samples_dev.csv have it, after CSV unquoting.
    escaped = "[(3824381, \\'night-robe\\', \\'17.66%\\'), (3877472, \"pj\\'s\", \\'15.10%\\')]"
    assert parse_oov_top5(escaped) == ((3824381, "night-robe"), (3877472, "pj's"))


def test_malformed_oov_top5_names_the_row(tmp_path: Path) -> None:
    samples = tmp_path / "bad.csv"
    header = "category,image,target,multi_labels,pred,oov_num_proposals,oov_top5\n"
    samples.write_text(header + "fg-OOV,a.JPEG,1,1,2,5,\"[('x', 1)]\"\n")
    with pytest.raises(SamplesError, match=r"bad.csv:2: oov_top5 entry \('x', 1\)"):
        read_samples(samples)
    samples.write_text(header + "fg-OOV,a.JPEG,1,1,2,many,\n")
    with pytest.raises(SamplesError, match=r"bad.csv:2"):
        read_samples(samples)


def test_reference_samples_carry_proposals_on_every_fg_oov_row(reference_dir: Path) -> None:
    samples = load_samples()
    oov = [s for s in samples if s.category == "fg-OOV"]
    assert oov and all(s.oov_num_proposals and len(s.oov_top5) == 5 for s in oov)
    assert all(s.oov_num_proposals is None for s in samples if s.category != "fg-OOV")
    swing = next(s for s in oov if s.image == "ILSVRC2012_val_00001409.JPEG")
    assert swing.oov_num_proposals == 135 and swing.oov_top5[1] == (4167759, "seesaw")


def test_proposal_agreement_needs_the_count_and_every_top5_lemma() -> None:
    def sample(pred: int, count: int, top5: tuple[tuple[int, str], ...]) -> Sample:
        return Sample("a.JPEG", 1, (1,), pred, "fg-OOV", count, top5)

    ours = {
        (2, 1): PairProposals(3, frozenset({(10, "swing"), (11, "seesaw"), (11, "teeter")})),
        (3, 1): PairProposals(2, frozenset({(10, "swing"), (12, "slide")})),
    }
    samples = [
        sample(2, 3, ((11, "seesaw"), (10, "swing"))),
        sample(2, 4, ((11, "seesaw"),)),
        sample(3, 2, ((11, "seesaw"),)),
        sample(4, 2, ()),
        Sample("b.JPEG", 1, (1,), 5, "fg"),
    ]
    comparison = Comparison(samples, ["fine_grained_oov"] * 4 + ["fine_grained"], ours)
    assert [comparison.proposal_verdict(s) for s in samples[:4]] == [
        "match",
        "too few",
        "count equal, top-5 missing",
        "no proposals (the pair shares a superclass)",
    ]
    assert comparison.proposal_agreement == (1, 4)
    assert "proposals: 25.00% (1/4)" in report(comparison).splitlines()
    assert failed_thresholds(comparison, 0, 0, 25) == []
    assert failed_thresholds(comparison, 0, 0, 95.0) == ["proposal agreement 25.0% below 95.0%"]
