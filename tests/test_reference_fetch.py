"""`imagenet-errors reference fetch` against a local HTTP server on 127.0.0.1.

The server lays files out as raw.githubusercontent.com does
(`<owner>/<repo>/<commit>/<path>`) and can break a transfer half-way. The
mechanics run on stand-in files (with their checksums put in place of the
published ones); the last test serves a copy of the real reference files.
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from reference_copy import GENERATED_SHA256, mirror_copy, upstream_copy

from ingest.cli import main
from ingest.core.checksums import sha256_of
from ingest.core.paths import DATA_ROOT_ENV, REFERENCE_DIR_ENV
from ingest.reference import fetch
from ingest.reference.fetch import PUBLIC_FILES, PublicFile, fetch_reference, selected_files
from ingest.reference.samples import load_samples


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), MirrorHandler)
        self.root = root
        self.requests: list[tuple[str, str | None]] = []  # (path, Range header)
        self.break_after: dict[str, int] = {}  # path -> bytes sent before closing, once
        self.ignore_range = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class MirrorHandler(BaseHTTPRequestHandler):
    server: MirrorServer

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.lstrip("/")
        self.server.requests.append((path, self.headers.get("Range")))
        file = self.server.root / path
        if not file.is_file():
            self.send_error(404)
            return
        body = file.read_bytes()
        start = 0
        requested = self.headers.get("Range")
        if requested and not self.server.ignore_range:
            start = int(requested.removeprefix("bytes=").split("-")[0])
            if start >= len(body):
                self.send_error(416)
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        cut = self.server.break_after.pop(path, None)
        self.wfile.write(body[start:] if cut is None else body[start : start + cut])
        if cut is not None:
            self.close_connection = True


def serve(root: Path) -> Iterator[MirrorServer]:
    server = MirrorServer(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def stand_in(file: PublicFile) -> bytes:
    # Sizes from 30 KB to 400 KB: several chunks each, so a transfer can break in the middle.
    line = f"stand-in for {file.name}\n".encode()
    position = [f.name for f in PUBLIC_FILES].index(file.name)
    return line * (400 * (1 + position))


@pytest.fixture
def stand_ins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[PublicFile]:
    """Stand-in files in a mirror's layout, their checksums the ones fetch expects."""
    files = []
    for file in PUBLIC_FILES:
        body = stand_in(file)
        served = tmp_path / "mirror" / file.path
        served.parent.mkdir(parents=True, exist_ok=True)
        served.write_bytes(body)
        files.append(dataclasses.replace(file, sha256=hashlib.sha256(body).hexdigest()))
    monkeypatch.setattr(fetch, "PUBLIC_FILES", tuple(files))
    return files


@pytest.fixture
def server(tmp_path: Path) -> Iterator[MirrorServer]:
    yield from serve(tmp_path / "mirror")


def fetch_command(server: MirrorServer, folder: Path) -> list[str]:
    return ["reference", "fetch", "--to", str(folder), "--base-url", server.url, "--no-progress"]


def test_addresses_are_the_pinned_canonical_ones() -> None:
    by_name = {file.name: file for file in PUBLIC_FILES}
    assert by_name["automated_error_analysis/stats_imagenet_all.csv"].url() == (
        "https://raw.githubusercontent.com/eth-sri/automated-error-analysis/"
        "d32916d21e1fb8e4e60bcaf0f0ac9b5115cc20d0/stats-imagenet/non_problematic_stats_all.csv"
    )
    assert by_name["imagenet_mistakes/vit3b_mistakes.json"].url("http://mirror/") == (
        "http://mirror/google-research/imagenet-mistakes/"
        "6fdda60a87dd79cdef764c8823db7b2f67c43a97/metadata/vit3b_mistakes.json"
    )
    shankar = by_name["human_accuracy_v3.0.0.json"]
    assert shankar.large and shankar not in selected_files()
    assert shankar.url() == (
        "https://storage.googleapis.com/brain-car-datasets/imagenet-mistakes/"
        "human_accuracy_v3.0.0.json"
    )
    assert len(selected_files()) == 14 and len(selected_files(with_large=True)) == 15


def test_fetch_installs_every_file_verified_and_a_rerun_fetches_nothing(
    stand_ins: list[PublicFile],
    server: MirrorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "reference"
    assert main(fetch_command(server, folder)) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        f"reference data in {folder}: 14 installed, 0 already there, 0 failed"
    )
    for file in stand_ins[:14]:
        assert (folder / file.name).read_bytes() == stand_in(file)
    assert not list(folder.rglob("*.part")) and not (folder / stand_ins[14].name).exists()
    assert len(server.requests) == 14 and all(r is None for _, r in server.requests)

    server.requests.clear()
    assert main(fetch_command(server, folder)) == 0
    assert "0 installed, 14 already there" in capsys.readouterr().out
    assert server.requests == []

    # The large file only on request, from its own address under the mirror.
    assert main([*fetch_command(server, folder), "--with-shankar"]) == 0
    assert server.requests == [(stand_ins[14].path, None)]
    assert (folder / "human_accuracy_v3.0.0.json").read_bytes() == stand_in(stand_ins[14])

    monkeypatch.setenv(REFERENCE_DIR_ENV, str(folder))
    capsys.readouterr()
    assert main(["reference", "status"]) == 0
    assert "missing" not in capsys.readouterr().out


def test_a_corrupted_file_and_a_missing_one_fail_with_one_line_each(
    stand_ins: list[PublicFile],
    server: MirrorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corrupted, missing = stand_ins[0], stand_ins[12]
    served = server.root / corrupted.path
    served.write_bytes(served.read_bytes().replace(b"stand-in", b"stand-up", 1))
    (server.root / missing.path).unlink()
    folder = tmp_path / "reference"
    (folder / corrupted.name).parent.mkdir(parents=True)
    (folder / corrupted.name).write_text("an older copy, edited")

    assert main(fetch_command(server, folder)) == 2
    captured = capsys.readouterr()
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2, errors
    assert errors[0].startswith(f"reference fetch: {corrupted.name}: sha256 ")
    assert f"is not the published {corrupted.sha256}; removed" in errors[0]
    assert errors[1] == (
        f"reference fetch: {missing.name}: HTTP 404 Not Found ({server.url}/{missing.path})"
    )
    assert "12 installed, 0 already there, 2 failed" in captured.out
    # Nothing half-written: the refused download is gone, the old file kept as it was.
    assert (folder / corrupted.name).read_text() == "an older copy, edited"
    assert not (folder / missing.name).exists() and not list(folder.rglob("*.part"))

    # --no-verify installs what the server has, and says so.
    assert main([*fetch_command(server, folder), "--no-verify"]) == 2
    errors = capsys.readouterr().err.strip().splitlines()
    assert "installed (--no-verify)" in errors[0] and "HTTP 404" in errors[1]
    assert (folder / corrupted.name).read_bytes() == served.read_bytes()


def test_an_interrupted_transfer_is_resumed_by_the_next_run(
    stand_ins: list[PublicFile],
    server: MirrorServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    file = stand_ins[3]
    size = len(stand_in(file))
    server.break_after[file.path] = 50_000
    folder = tmp_path / "reference"
    assert main([*fetch_command(server, folder), "--retries", "0"]) == 2
    (error,) = capsys.readouterr().err.strip().splitlines()
    assert error == (
        f"reference fetch: {file.name}: connection closed after 50,000 of {size:,} bytes "
        f"({server.url}/{file.path}); 50,000 bytes kept in {Path(file.name).name}.part, "
        "run again to resume"
    )
    partial = folder / (file.name + ".part")
    assert not (folder / file.name).exists() and partial.stat().st_size == 50_000

    server.requests.clear()
    assert main(fetch_command(server, folder)) == 0
    assert server.requests == [(file.path, "bytes=50000-")]
    assert (folder / file.name).read_bytes() == stand_in(file) and not partial.exists()


def test_a_transfer_breaking_off_is_retried_and_a_server_ignoring_range_restarts(
    stand_ins: list[PublicFile], server: MirrorServer, tmp_path: Path
) -> None:
    file = stand_ins[5]
    server.break_after[file.path] = 70_000
    server.ignore_range = True
    folder = tmp_path / "reference"
    result = fetch_reference(folder, stand_ins[:14], base_url=server.url, progress=False)
    assert result.failed == [] and len(result.installed) == 14
    ranges = [r for path, r in server.requests if path == file.path]
    assert ranges == [None, "bytes=70000-"]  # answered with the whole file: written anew
    assert sha256_of(folder / file.name) == file.sha256


def test_install_from_a_local_copy_in_either_layout(
    stand_ins: list[PublicFile], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream = tmp_path / "upstream"
    for file in stand_ins[:14]:
        (upstream / file.upstream).parent.mkdir(parents=True, exist_ok=True)
        (upstream / file.upstream).write_bytes(stand_in(file))
    first, second = tmp_path / "first", tmp_path / "second"
    assert main(["reference", "fetch", "--from", str(upstream), "--to", str(first)]) == 0
    # A reference folder is a local copy too.
    assert main(["reference", "fetch", "--from", str(first), "--to", str(second)]) == 0
    for file in stand_ins[:14]:
        assert (second / file.name).read_bytes() == stand_in(file)
    capsys.readouterr()

    (upstream / stand_ins[13].upstream).unlink()
    assert main(["reference", "fetch", "--from", str(upstream), "--to", str(tmp_path / "x")]) == 2
    (error,) = capsys.readouterr().err.strip().splitlines()
    assert error.startswith(f"reference fetch: {stand_ins[13].name}: not in {upstream} ")
    assert str(upstream / stand_ins[13].upstream) in error


def test_the_reference_files_from_a_mirror_give_the_same_samples(
    reference_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the real files: the recorded checksums hold for all but the
    most_common_*.txt, which are written from the dev sample where the reference
    folder has no real ones (their checksums are then the generated ones)."""
    written = mirror_copy(tmp_path / "mirror", reference_dir)
    files = []
    for file in selected_files():
        actual = sha256_of(written[file.name])
        if file.is_sample and actual != file.sha256:
            category = file.name.rsplit("most_common_", 1)[1].removesuffix(".txt")
            assert actual == GENERATED_SHA256[category]
            file = dataclasses.replace(file, sha256=actual)
        assert actual == file.sha256, file.name
        files.append(file)
    folder = tmp_path / "reference"
    for server in serve(tmp_path / "mirror"):
        result = fetch_reference(folder, files, base_url=server.url, progress=False)
    assert result.failed == [] and len(result.installed) == 14

    # The samples of the fetched folder are the reference folder's; the stats import.
    expected = load_samples(reference_dir)
    monkeypatch.setenv(REFERENCE_DIR_ENV, str(folder))
    monkeypatch.setenv(DATA_ROOT_ENV, str(tmp_path / "data"))  # main() sets it
    assert sorted(load_samples(), key=repr) == sorted(expected, key=repr)
    assert main(["--data-root", str(tmp_path / "data"), "reference-models"]) == 0
    assert main(["--data-root", str(tmp_path / "data"), "experts", "import"]) == 0
    # And a copy in the upstream layout installs the same files.
    upstream_copy(tmp_path / "upstream", reference_dir)
    second = tmp_path / "second"
    assert fetch_reference(second, files, source_dir=tmp_path / "upstream").failed == []
    for file in files:
        assert sha256_of(second / file.name) == sha256_of(folder / file.name)
