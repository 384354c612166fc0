from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ingest.cli import main
from ingest.compare_reference import SamplesError, read_samples


def subset(source: Path, target: Path, per_category: int) -> None:
    with source.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    taken: dict[str, int] = {}
    kept = []
    for row in rows:
        if taken.get(row["category"], 0) < per_category:
            taken[row["category"]] = taken.get(row["category"], 0) + 1
            kept.append(row)
    with target.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)


def test_compare_reference_reports_counts_and_agreement(
    reference_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = tmp_path / "samples.csv"
    subset(reference_dir / "automated_error_analysis" / "error_samples_dev.csv", samples, 15)
    code = main(["compare-reference", "--samples", str(samples), "--work-dir", str(tmp_path / "w")])
    out = capsys.readouterr().out
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split() == ["category", "reference", "ours", "agree", "share"]
    assert any(line.startswith("fg ") and line.split()[1] == "15" for line in lines)
    assert lines[-1].startswith("agreement: ") and lines[-1].endswith("/105)")


def test_threshold_failure_exits_non_zero(
    reference_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    samples = tmp_path / "samples.csv"
    subset(reference_dir / "automated_error_analysis" / "error_samples_dev.csv", samples, 3)
    # Relabel every row as a model failure: agreement must drop and the gate must trip.
    rows = list(csv.DictReader(samples.open()))
    for row in rows:
        row["category"] = "model_failure"
    with samples.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
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
