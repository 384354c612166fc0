"""The project-evaluator rules that matter here, checked over dbt's manifest.

Like dbt_project_evaluator (which cannot be installed offline): every model and
every column documented, recurring columns described by one doc block, a grain
test per model, sources read only in staging, no staging model reading
another, at most six parents per model. A model may be exempt from a rule when
seeds/dbt_evaluator_exceptions.csv lists it with the reason; an exception that
is no longer needed fails too. Each rule is also run on a small manifest that
breaks it, so that none can pass by checking nothing.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter

import pytest
import yaml

from ingest.core.paths import PROJECT_DIR, SEEDS_DIR
from ingest.warehousing.dbt_runner import run_dbt, target_dir

PROJECT = "imagenet_errors"
STAGING = "models/staging/"
MAX_PARENTS = 6
# dbt's `unique` and the project's own test for a key of several columns
# (macros/test_unique_combination_of_columns.sql).
GRAIN_TESTS = {"unique", "unique_combination_of_columns"}
EXCEPTIONS_FILE = SEEDS_DIR / "dbt_evaluator_exceptions.csv"


def project_nodes(manifest: dict, resource_type: str) -> dict[str, dict]:
    return {
        uid: node
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] == resource_type and node["package_name"] == PROJECT
    }


def models(manifest: dict) -> dict[str, dict]:
    return project_nodes(manifest, "model")


def is_staging(node: dict) -> bool:
    return node["original_file_path"].startswith(STAGING)


def undocumented_models(manifest: dict) -> list[str]:
    return sorted(node["name"] for node in models(manifest).values() if not node["description"])


def undocumented_columns(manifest: dict) -> list[str]:
    """Columns without a description, and models that declare no column at all."""
    missing = []
    for node in models(manifest).values():
        if not node["columns"]:
            missing.append(f"{node['name']}: no columns")
        missing += [
            f"{node['name']}.{name}"
            for name, column in node["columns"].items()
            if not column["description"]
        ]
    return sorted(missing)


def recurring_columns_without_doc_block(manifest: dict) -> list[str]:
    """Columns whose name recurs (models, seeds, sources) but whose text is no doc block's.

    The manifest holds descriptions rendered, so a column reads a doc block when
    its description is exactly some block's contents.
    """
    blocks = {
        doc["block_contents"].strip()
        for doc in manifest["docs"].values()
        if doc["package_name"] == PROJECT
    }
    owners = [
        *project_nodes(manifest, "model").values(),
        *project_nodes(manifest, "seed").values(),
        *(s for s in manifest["sources"].values() if s["package_name"] == PROJECT),
    ]
    columns = [(owner["name"], column) for owner in owners for column in owner["columns"].values()]
    uses = Counter(column["name"] for _, column in columns)
    return sorted(
        f"{owner}.{column['name']}"
        for owner, column in columns
        if uses[column["name"]] > 1 and column["description"].strip() not in blocks
    )


def models_without_grain_test(manifest: dict) -> list[str]:
    tested = {
        node["attached_node"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test"
        and (node.get("test_metadata") or {}).get("name") in GRAIN_TESTS
    }
    return sorted(node["name"] for uid, node in models(manifest).items() if uid not in tested)


def sources_read_outside_staging(manifest: dict) -> list[str]:
    return sorted(
        node["name"]
        for node in models(manifest).values()
        if not is_staging(node)
        and any(parent.startswith("source.") for parent in node["depends_on"]["nodes"])
    )


def staging_models_reading_staging_models(manifest: dict) -> list[str]:
    every = models(manifest)
    staging = {uid for uid, node in every.items() if is_staging(node)}
    return sorted(
        f"{every[uid]['name']} <- {every[parent]['name']}"
        for uid in staging
        for parent in every[uid]["depends_on"]["nodes"]
        if parent in staging
    )


def models_with_too_many_parents(manifest: dict) -> list[str]:
    """Models with more than MAX_PARENTS direct parents (models, seeds, sources)."""
    return sorted(
        node["name"]
        for node in models(manifest).values()
        if len(set(node["depends_on"]["nodes"])) > MAX_PARENTS
    )


def exceptions(rule: str) -> set[str]:
    with EXCEPTIONS_FILE.open(newline="") as handle:
        return {row["model_name"] for row in csv.DictReader(handle) if row["rule"] == rule}


RULES_WITH_EXCEPTIONS = {
    "grain_test": models_without_grain_test,
    "max_parents": models_with_too_many_parents,
}


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("dbt_parse")
    run_dbt(
        ["parse"], root=work / "data", database=work / "parse.duckdb", quiet=True, work_dir=work
    )
    return json.loads((target_dir(work) / "manifest.json").read_text())


def test_every_model_is_documented(manifest: dict) -> None:
    assert len(models(manifest)) > 30
    assert undocumented_models(manifest) == []


def test_every_column_is_documented(manifest: dict) -> None:
    assert undocumented_columns(manifest) == []


def test_recurring_columns_read_one_doc_block(manifest: dict) -> None:
    assert recurring_columns_without_doc_block(manifest) == []


def test_sources_are_read_only_in_staging(manifest: dict) -> None:
    readers = [n for n in models(manifest).values() if n["sources"]]
    assert readers and all(is_staging(node) for node in readers)
    assert sources_read_outside_staging(manifest) == []


def test_no_staging_model_reads_another(manifest: dict) -> None:
    assert staging_models_reading_staging_models(manifest) == []


@pytest.mark.parametrize("rule", sorted(RULES_WITH_EXCEPTIONS))
def test_rule_holds_but_for_the_listed_exceptions(manifest: dict, rule: str) -> None:
    # Equal, not a subset: an exception the project no longer needs must go.
    assert set(RULES_WITH_EXCEPTIONS[rule](manifest)) == exceptions(rule)


def test_every_exception_names_a_model_a_rule_and_a_reason(manifest: dict) -> None:
    names = {node["name"] for node in models(manifest).values()}
    with EXCEPTIONS_FILE.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["model_name"] in names, row
        assert row["rule"] in RULES_WITH_EXCEPTIONS, row
        assert len(row["reason"].split()) >= 5, row


# Each rule fails on a manifest that breaks it.


def _model(name: str, path: str = "models/marts/", **fields: object) -> tuple[str, dict]:
    node = {
        "resource_type": "model",
        "package_name": PROJECT,
        "name": name,
        "original_file_path": f"{path}{name}.sql",
        "description": "A model.",
        "columns": {"id": {"name": "id", "description": "Its key."}},
        "depends_on": {"nodes": []},
        "sources": [],
    }
    node.update(fields)
    return f"model.{PROJECT}.{name}", node


def _grain_test(model_uid: str, test: str = "unique") -> tuple[str, dict]:
    return f"test.{PROJECT}.{test}_{model_uid}", {
        "resource_type": "test",
        "package_name": PROJECT,
        "attached_node": model_uid,
        "test_metadata": {"name": test},
    }


def _manifest(*nodes: tuple[str, dict], docs: dict | None = None) -> dict:
    return {"nodes": dict(nodes), "sources": {}, "docs": docs or {}}


def test_the_rules_fail_on_a_manifest_that_breaks_them() -> None:
    staged = _model("stg_a", STAGING, depends_on={"nodes": ["source.p.s.a"]})
    other_staged = _model("stg_b", STAGING, depends_on={"nodes": [staged[0]]})
    undocumented = _model(
        "int_c",
        "models/intermediate/",
        description="",
        columns={"id": {"name": "id", "description": ""}},
        depends_on={"nodes": ["source.p.s.a"]},
    )
    no_columns = _model("dim_d", columns={})
    crowded = _model("fct_e", depends_on={"nodes": [f"model.{PROJECT}.m{i}" for i in range(7)]})
    tested = _model("agg_f")
    broken = _manifest(
        staged,
        other_staged,
        undocumented,
        no_columns,
        crowded,
        tested,
        _grain_test(tested[0], "unique_combination_of_columns"),
        # A not-null test is no grain test.
        _grain_test(staged[0], "not_null"),
    )
    assert undocumented_models(broken) == ["int_c"]
    assert undocumented_columns(broken) == ["dim_d: no columns", "int_c.id"]
    assert sources_read_outside_staging(broken) == ["int_c"]
    assert staging_models_reading_staging_models(broken) == ["stg_b <- stg_a"]
    assert models_with_too_many_parents(broken) == ["fct_e"]
    assert models_without_grain_test(broken) == ["dim_d", "fct_e", "int_c", "stg_a", "stg_b"]
    # Six parents are allowed.
    six = _model("fct_g", depends_on={"nodes": [f"model.{PROJECT}.m{i}" for i in range(6)]})
    assert models_with_too_many_parents(_manifest(six)) == []


def test_a_recurring_column_in_its_own_words_fails() -> None:
    block = {"doc.x.image_id": {"package_name": PROJECT, "block_contents": "Image file name.\n"}}
    first = _model(
        "a", columns={"image_id": {"name": "image_id", "description": "Image file name."}}
    )
    second = _model("b", columns={"image_id": {"name": "image_id", "description": "The image."}})
    alone = _model("c", columns={"once": {"name": "once", "description": "Said once."}})
    assert recurring_columns_without_doc_block(_manifest(first, second, alone, docs=block)) == [
        "b.image_id"
    ]


def test_the_inputs_fingerprint_reads_every_project_var(manifest: dict) -> None:
    """dbt gives a macro no list of the project's vars, so _project_vars names them:
    a var it missed would change results without reclassifying what was built."""
    macro_sql = manifest["macros"][f"macro.{PROJECT}._project_vars"]["macro_sql"]
    listed = re.search(r"for name in \[([^\]]*)\]", macro_sql)
    assert listed, "_project_vars no longer lists the vars as `for name in [...]`"
    names = set(re.findall(r"'([a-z_0-9]+)'", listed.group(1)))
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    assert names == set(project.get("vars") or {})
