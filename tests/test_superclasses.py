"""Superclass definitions: the reference's file format, import, export and the round trip."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import duckdb
import pytest

from ingest.cli import main
from ingest.superclasses.definitions import (
    SEED_FILE,
    DefinitionsError,
    parse_json_lines,
    read_seed,
    to_json_lines,
    write_seed,
)
from ingest.superclasses.reference_file import read_reference_definitions
from ingest.superclasses.store import imported_path
from ingest.warehousing.dbt_runner import run_dbt

# A stand-in for the reference's superclasses.json (its own file is not public).
STAND_IN = (
    '{"0": [["dog"]]}\n'
    '{"1": [["hound"], ["Saluki"], ["whippet"]]}\n'
    '{"2": [["shopping_cart"], ["shopping_basket"]]}\n'
    '{"3": [["big_cat"], ["domestic_cat", "tabby"]]}\n'
)


def make_archive(path: Path, members: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_json_lines_round_trip() -> None:
    definitions = parse_json_lines(STAND_IN, "stand-in")
    assert definitions["3"] == (("big_cat",), ("domestic_cat", "tabby"))
    assert parse_json_lines(to_json_lines(definitions), "again") == definitions


def test_seed_round_trip(tmp_path: Path) -> None:
    definitions = read_seed()
    assert len(definitions) > 0
    copy = write_seed(definitions, tmp_path / "copy.csv")
    assert read_seed(copy) == definitions
    assert parse_json_lines(to_json_lines(definitions), "export") == definitions


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": [["dog"]]}\nnot json\n', "stand-in:2: not JSON"),
        ('{"a": ["dog"]}\n', "stand-in:1: superclass 'a': predicates must be"),
        ('{"a": [["dog"]]}\n{"a": [["cat"]]}\n', "stand-in:2: superclass 'a' is defined twice"),
        ("\n", "stand-in: no superclass definitions"),
    ],
)
def test_malformed_json_lines_name_the_line(text: str, message: str) -> None:
    with pytest.raises(DefinitionsError, match=message):
        parse_json_lines(text, "stand-in")


def test_archive_with_the_published_checksum_is_read(tmp_path: Path) -> None:
    archive = make_archive(
        tmp_path / "artefacts.tar.gz",
        {"artefacts/README.md": "x", "artefacts/superclasses.json": STAND_IN},
    )
    checksum = hashlib.sha256(archive.read_bytes()).hexdigest()
    loaded = read_reference_definitions(archive, expected_archive_sha256=checksum)
    assert loaded.definitions == parse_json_lines(STAND_IN, "stand-in")
    assert checksum in loaded.description


def test_archive_with_a_wrong_checksum_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_archive(tmp_path / "artefacts.tar.gz", {"superclasses.json": STAND_IN})
    code = main(["--data-root", str(tmp_path / "data"), "superclasses", "import", str(archive)])
    error = capsys.readouterr().err
    assert code == 2
    assert error.count("\n") == 1 and "sha256" in error and str(archive) in error
    assert not imported_path(tmp_path / "data").exists()


def test_import_of_a_bad_file_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "superclasses.json"
    bad.write_text('{"a": [["dog"]]}\n{"b": 3}\n')
    code = main(["--data-root", str(tmp_path / "data"), "superclasses", "import", str(bad)])
    error = capsys.readouterr().err
    assert code == 2 and error.count("\n") == 1 and f"{bad}:2" in error


def _members(root: Path, database: Path, work_dir: Path) -> tuple[set, set]:
    run_dbt(
        [
            "build",
            "--select",
            "+int_superclass_members",
            "+dim_classes",
            "--resource-type",
            "seed",
            "--resource-type",
            "model",
        ],
        root=root,
        database=database,
        quiet=True,
        work_dir=work_dir,
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        members = set(
            connection.execute("select superclass, class_id from int_superclass_members").fetchall()
        )
        sources = {
            row[0]
            for row in connection.execute(
                "select distinct superclass_definitions from dim_classes"
            ).fetchall()
        }
    return members, sources


def test_export_then_import_gives_identical_membership(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "data"
    seeded, seeded_sources = _members(root, tmp_path / "seed.duckdb", tmp_path / "w1")
    assert seeded_sources == {"seeds/superclass_definitions.csv"}

    exported = tmp_path / "superclasses.json"
    assert main(["superclasses", "export", "--output", str(exported)]) == 0
    assert parse_json_lines(exported.read_text(), "export") == read_seed(SEED_FILE)
    assert main(["--data-root", str(root), "superclasses", "import", str(exported)]) == 0
    assert "imported" in capsys.readouterr().out

    imported, imported_sources = _members(root, tmp_path / "imported.duckdb", tmp_path / "w2")
    assert imported == seeded
    (source,) = imported_sources
    assert source.startswith("superclasses.json (sha256 ")

    # Other definitions give other members; reset goes back to the seed.
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"sighthound": [["Saluki"], ["whippet"]]}) + "\n")
    assert main(["--data-root", str(root), "superclasses", "import", str(other)]) == 0
    changed, _ = _members(root, tmp_path / "other.duckdb", tmp_path / "w3")
    assert changed == {("sighthound", 172), ("sighthound", 176)}
    assert main(["--data-root", str(root), "superclasses", "reset"]) == 0
    assert not imported_path(root).exists()
