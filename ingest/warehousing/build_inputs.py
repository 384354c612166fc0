"""What a warehouse build reads that dbt's `state:` comparison cannot see.

dbt compares the project's code and seeds with the manifest of the last build
(`state:modified`), but not the Parquet files its sources read, the data root
they sit under, or the variables passed on the command line. This records
those, so the next build can select the nodes that changed (`state:modified+`)
and the nodes downstream of sources whose files changed, and leave the rest
of the warehouse, already built from the same inputs, alone.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from ingest.core.paths import DATA_ROOT_ENV, PROJECT_DIR

SOURCES_FILE = PROJECT_DIR / "models" / "staging" / "_staging__sources.yml"
# Project files whose changes dbt's state comparison misses or misjudges:
# source meta (the globs), variable defaults.
PROJECT_FILES = (SOURCES_FILE, PROJECT_DIR / "dbt_project.yml")
# Everything else dbt parses, and what parses it: when none of it changed, no
# node is `state:modified` and the build needs no state comparison at all.
PROJECT_CODE_FILES = ("dbt_project.yml", "profiles.yml", "packages.yml", "dependencies.yml")
PROJECT_CODE_FOLDERS = {
    "model-paths": ["models"],
    "seed-paths": ["seeds"],
    "macro-paths": ["macros"],
    "test-paths": ["tests"],
    "analysis-paths": ["analyses"],
    "snapshot-paths": ["snapshots"],
}
PARSERS = ("dbt-core", "dbt-duckdb")
_ROOT_TEMPLATE = re.compile(r"\{\{\s*env_var\('" + DATA_ROOT_ENV + r"',\s*'[^']*'\)\s*\}\}")


@dataclass(frozen=True)
class BuildInputs:
    data_root: str
    dbt_vars: dict[str, Any]
    project_files: dict[str, str]
    # Source name -> fingerprint of the files its glob matches.
    sources: dict[str, str] = field(default_factory=dict)
    # Digest of every file dbt parses and of dbt's version (project_code_digest).
    project_code: str = ""

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> BuildInputs | None:
        try:
            return cls(**json.loads(path.read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def same_setting(self, other: BuildInputs) -> bool:
        """Same data root, variables and project files: only source files may differ."""
        return (self.data_root, self.dbt_vars, self.project_files) == (
            other.data_root,
            other.dbt_vars,
            other.project_files,
        )

    def same_project_code(self, other: BuildInputs) -> bool:
        """Nothing dbt parses changed: `state:modified` would select no node."""
        return bool(self.project_code) and self.project_code == other.project_code

    def changed_sources(self, previous: BuildInputs) -> list[str]:
        return sorted(
            name for name, print_ in self.sources.items() if previous.sources.get(name) != print_
        )


def source_globs(root: Path) -> dict[str, str]:
    """Each source table's Parquet glob (`meta.parquet_glob`) under `root`."""
    document = yaml.safe_load(SOURCES_FILE.read_text())
    globs = {}
    for source in document["sources"]:
        for table in source["tables"]:
            template = table.get("meta", {}).get("parquet_glob")
            if template is None:
                continue
            pattern = _ROOT_TEMPLATE.sub(lambda _: str(root).replace("\\", "/"), template)
            if "{{" in pattern or "{%" in pattern:
                raise ValueError(
                    f"{SOURCES_FILE}: the parquet_glob of {source['name']}.{table['name']} "
                    f"uses Jinja other than env_var('{DATA_ROOT_ENV}', ...): {template}"
                )
            globs[f"{source['name']}.{table['name']}"] = pattern
    return globs


def fingerprint_files(pattern: str) -> str:
    """Names, sizes and modification times of the files matching `pattern`."""
    digest = hashlib.sha256()
    # Relative globs resolve against the project folder, where dbt runs.
    for name in sorted(glob.glob(pattern, root_dir=PROJECT_DIR, recursive=True)):
        status = os.stat(PROJECT_DIR / name)
        digest.update(f"{name}\0{status.st_size}\0{status.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def project_code_digest(project: Path = PROJECT_DIR) -> str:
    """Contents of every file dbt parses in `project`, with dbt's version."""
    settings = yaml.safe_load((project / "dbt_project.yml").read_text())
    files = [project / name for name in PROJECT_CODE_FILES]
    for key, default in PROJECT_CODE_FOLDERS.items():
        for folder in settings.get(key, default):
            files += (path for path in (project / folder).rglob("*") if path.is_file())
    digest = hashlib.sha256()
    for package in PARSERS:
        digest.update(f"{package}=={metadata.version(package)}\n".encode())
    for path in sorted(set(files)):
        if path.is_file():
            digest.update(f"{path.relative_to(project).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def current_inputs(root: Path, dbt_vars: dict[str, Any] | None) -> BuildInputs:
    resolved = (PROJECT_DIR / root).resolve()
    return BuildInputs(
        data_root=str(resolved),
        dbt_vars=dict(dbt_vars or {}),
        project_files={
            path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in PROJECT_FILES
        },
        sources={
            name: fingerprint_files(pattern) for name, pattern in source_globs(resolved).items()
        },
        project_code=project_code_digest(),
    )
