"""Which lemmas get a text embedding: the OOV proposals of every predicted class.

The proposals are dbt models over the WordNet seeds (`int_oov_class_proposals`,
`int_oov_proposal_lemmas`); they depend only on seeds, so `embed` builds them
first, then reads the warehouse read-only.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ingest.core.paths import PROJECT_DIR, predictions_dir
from ingest.warehousing.dbt_runner import run_dbt

PROPOSAL_MODELS = ("int_oov_class_proposals", "int_oov_proposal_lemmas")

LEMMAS_SQL = """
select distinct lemmas.lemma
from int_oov_class_proposals as proposals
inner join int_oov_proposal_lemmas as lemmas using (proposal_wnid)
where proposals.predicted_class_id in (select unnest($predicted_class_ids::integer[]))
order by lemmas.lemma
"""


def normalise_lemma(text: str) -> str:
    """WordNet form to prompt form: lowercase, underscores as single spaces."""
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip().lower()


def read_lemma_file(path: Path) -> list[str]:
    """One lemma a line; blank lines skipped; normalised and deduplicated, in order."""
    lemmas = (normalise_lemma(line) for line in path.read_text(encoding="utf-8").splitlines())
    return list(dict.fromkeys(lemma for lemma in lemmas if lemma))


def predicted_class_ids(root: Path | None = None) -> list[int]:
    """Distinct top-1 classes over every model's predictions under the data root."""
    files = sorted(predictions_dir(root).glob("**/*.parquet"))
    if not files:
        raise FileNotFoundError(
            f"no predictions under {predictions_dir(root)}: run predict first, or pass --lemmas"
        )
    classes: set[int] = set()
    for path in files:
        column = pq.read_table(path, columns=["top5_class_ids"]).column("top5_class_ids")
        classes.update(pc.unique(pc.list_element(column, 0)).to_pylist())
    return sorted(c for c in classes if c is not None)


def select_proposal_lemmas(database: Path, class_ids: list[int]) -> list[str]:
    """The distinct proposal lemmas of the given predicted classes."""
    with duckdb.connect(str(database), read_only=True) as connection:
        missing = [
            name
            for name in PROPOSAL_MODELS
            if not connection.execute(
                "select count(*) from information_schema.tables where table_name = ?", [name]
            ).fetchone()[0]
        ]
        if missing:
            raise RuntimeError(f"the warehouse {database} has no {', '.join(missing)}")
        rows = connection.execute(LEMMAS_SQL, {"predicted_class_ids": class_ids}).fetchall()
    return [lemma for (lemma,) in rows]


def project_defines_proposal_models() -> bool:
    return all(any((PROJECT_DIR / "models").glob(f"**/{name}.sql")) for name in PROPOSAL_MODELS)


def warehouse_proposal_lemmas(root: Path, database: Path, quiet: bool = False) -> list[str] | None:
    """Build the proposal models (seeds only upstream), then select the lemmas.

    None, said on stderr, while this project has no proposal models to build.
    """
    if not project_defines_proposal_models():
        print(
            f"embed: no prompts to embed: the project has no {' or '.join(PROPOSAL_MODELS)} "
            "model yet (pass --lemmas FILE to embed a list)",
            file=sys.stderr,
        )
        return None
    class_ids = predicted_class_ids(root)
    selection = " ".join(f"+{name}" for name in PROPOSAL_MODELS)
    # Cautious: dbt's default would also run tests that merely touch a selected seed
    # (relationships from staging models to the classes), on models not built yet.
    command = ["build", "--select", selection, "--indirect-selection", "cautious"]
    command += ["--exclude-resource-type", "unit_test"]
    run_dbt(command, root=root, database=database, quiet=quiet)
    return select_proposal_lemmas(database, class_ids)
