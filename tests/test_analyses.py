"""The analysis marts, the expert agreement and the report, from a real build:
the published expert mistakes (ViT-3B, Greedy Soups) as two models, ReaL
multi-labels for the reviewed images, and the reference's 962 models."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from ingest.core.paths import working_database_path
from ingest.report import write_report
from ingest.report.html import format_value
from ingest.sources import reference_models
from ingest.sources.experts import import_experts
from ingest.sources.predictions import write_predictions
from ingest.warehousing.dbt_runner import run_dbt
from ingest.warehousing.publish import mark_published

pytestmark = pytest.mark.reference_data()


class _Tables(HTMLParser):
    """The report's tables as lists of rows of cell texts, keyed by their <h3> title."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._title = ""
        self._in: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in ("h3", "td", "th"):
            self._in, self._text = tag, ""
        elif tag == "table":
            self.tables[self._title] = []
        elif tag == "tr":
            self.tables[self._title].append([])

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3":
            self._title = self._text
        elif tag in ("td", "th"):
            self.tables[self._title][-1].append(self._text)
        if tag == self._in:
            self._in = None


@pytest.fixture(scope="module")
def build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    # From the reference folder (conftest skips these tests without it).
    base = tmp_path_factory.mktemp("analyses")
    root, database = base / "data", base / "errors.duckdb"
    result = import_experts(root=root)
    assert "ImageNet-ReaL for the 463 reviewed images" in result.labels_note
    reference_models.import_reference_models(root=root)
    run_dbt(["build"], root=root, database=database, work_dir=base)
    return base, database


def query(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def test_every_reviewed_mistake_is_compared_and_unmapped_ones_are_kept(build) -> None:
    _, database = build
    counts = dict(query(database, "select model_id, count(*) from fct_expert_reviews group by 1"))
    assert counts == {"vit3b": 378, "greedy_soups": 249}
    unmapped = query(
        database,
        "select distinct expert_category, mapped_error_category from agg_expert_agreement "
        "where mapped_error_category = 'no_counterpart'",
    )
    assert unmapped == [("Fine-grained with Multilabel Options", "no_counterpart")]
    # Each expert category's rows add up to its mistakes; rates are percentages.
    for model, category, total, summed, rate in query(
        database,
        "select model_id, expert_category, max(num_expert_category_mistakes), "
        "sum(num_mistakes), max(agreement_rate) from agg_expert_agreement group by 1, 2",
    ):
        assert total == summed, (model, category)
        assert rate is None or 0 <= rate <= 100
    # Fine-grained errors are the experts' largest category and mostly ours too
    # where both label sets see a mistake.
    rate = query(
        database,
        "select max(agreement_rate_on_mistakes) from agg_expert_agreement "
        "where model_id = 'vit3b' and expert_category = 'Fine-grained error'",
    )[0][0]
    assert rate > 50


def test_group_marts_line_up_with_the_reference_and_share_the_errors(build) -> None:
    _, database = build
    user_columns = [r[0] for r in query(database, "describe agg_model_group_errors")]
    reference_columns = [r[0] for r in query(database, "describe agg_reference_model_errors")]
    assert reference_columns[: len(user_columns)] == user_columns
    assert query(database, "select count(*) from agg_reference_model_errors") == [(962 * 4,)]
    # The reference's own figures for its first model come through unchanged.
    assert query(
        database,
        "select num_top1_errors, num_multi_label, num_model_failure, round(mla, 6) "
        "from agg_reference_model_errors "
        "where model_id = 'facebook--convnext-base-224' and class_group = 'all'",
    ) == [(2406, 948, 501, round(92.65039236992848, 6))]
    for shares, errors in query(
        database,
        "select share_overlapping_classes + share_multi_label + share_fine_grained "
        "+ share_fine_grained_oov + share_spurious_correlation + share_non_prototypical "
        "+ share_model_failure, num_top1_errors from agg_model_group_errors",
    ):
        assert errors == 0 or shares == pytest.approx(100.0)


def test_architecture_columns_mean_one_thing_in_both_reference_marts(build) -> None:
    _, database = build
    kinds = {"cnn", "transformer", "hybrid", "mlp"}
    for mart in ("dim_reference_models", "agg_reference_model_errors"):
        types = query(database, f"select distinct architecture_type from {mart}")
        assert {row[0] for row in types} == kinds, mart
    # The family is timm's module (the reference's arch), never the kind.
    families = query(
        database, "select distinct architecture_family from agg_reference_model_errors"
    )
    assert not kinds & {row[0] for row in families}
    columns = [row[0] for row in query(database, "describe dim_reference_models")]
    assert "architecture_family" not in columns


def test_common_errors_and_class_profiles_count_the_models(build) -> None:
    _, database = build
    (most,) = query(
        database,
        "select max(num_models), min(num_models), sum(num_models) from agg_common_errors",
    )
    (errors,) = query(
        database, "select count(*) from fct_prediction_errors where not is_top1_correct"
    )
    assert most[0] == 2 and most[1] == 1 and most[2] == errors[0]
    # Per class, the category totals add up to the class's errors.
    assert query(
        database,
        "select count(*) from (select label_class_id, max(num_class_errors) as total, "
        "sum(num_errors) as summed from agg_class_error_profile group by 1) "
        "where total <> summed",
    ) == [(0,)]


def test_report_writes_html_and_plots_whose_tables_equal_the_marts(build) -> None:
    base, database = build
    report = write_report(database, base / "report")
    page = report.html.read_text()
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', page)) == 10
    assert len(report.plots) == 10
    for plot in report.plots:
        assert plot.read_bytes().startswith(b"\x89PNG")
    assert report.notes == []  # the reference's models are there

    parser = _Tables()
    parser.feed(page)
    summary = parser.tables["Your models (class group all)"]
    header, rows = summary[0], summary[1:]
    expected = query(
        database,
        f"select {', '.join(header)} from agg_model_group_errors "
        "where class_group = 'all' order by model_id",
    )
    assert rows == [[format_value(v) for v in row] for row in expected]
    assert {row[0] for row in rows} == {"greedy_soups", "vit3b"}

    (title,) = [t for t in parser.tables if t.startswith("The 25 most common errors")]
    header, rows = parser.tables[title][0], parser.tables[title][1:]
    expected = query(
        database,
        f"select {', '.join(header)} from agg_common_errors where not is_problematic "
        "order by num_models desc, image_id, predicted_class_id limit 25",
    )
    assert rows == [[format_value(v) for v in row] for row in expected]

    header, *rows = parser.tables["Agreement with the experts of Vasudevan et al. (2022)"]
    expected = query(
        database,
        f"select distinct {', '.join(header)} from agg_expert_agreement "
        "order by model_id, num_expert_category_mistakes desc, expert_category",
    )
    assert rows == [[format_value(v) for v in row] for row in expected]


def test_report_without_a_warehouse_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="imagenet-errors build"):
        write_report(tmp_path / "missing.duckdb", tmp_path / "report")


def test_reference_models_refuse_an_altered_file(tmp_path: Path) -> None:
    header = "model_dir_id,num_params\n"
    for name in reference_models.SHA256:
        (tmp_path / name).write_text(header)
    with pytest.raises(ValueError, match=r"stats_imagenet_all.csv: sha256 .* not the published"):
        reference_models.import_reference_models(tmp_path, root=tmp_path / "data")
    (tmp_path / "stats_imagenet_all.csv").write_text(header + "m,1\n")
    with pytest.raises(ValueError, match=r"stats_imagenet_all.csv:2: no column"):
        reference_models.import_reference_models(tmp_path, verify=False, root=tmp_path / "data")
    (tmp_path / "models_summary.csv").unlink()
    with pytest.raises(ValueError, match=r"models_summary\.csv not found"):
        reference_models.import_reference_models(tmp_path, verify=False, root=tmp_path / "data")


# The shared-error marts and what must agree with them before a build is
# published (the per-model summary counts the same rows of fct).
SHARED_MARTS = ["build", "--select", "+agg_class_error_profile", "+agg_model_error_summary"]


def test_shared_error_marts_add_only_the_cases_new_models_touch(build) -> None:
    """Runs last: it adds a model to the module's build."""
    base, database = build
    before = query(database, "select max(source_classified_at) from agg_common_errors")
    root = base / "data"
    # A mark that survives only if a build leaves the table alone. It goes
    # into the working file, where dbt keeps the incremental state, which is
    # then declared the published state (a build discards any other).
    marked = "select count(*) from agg_common_errors where multi_label_class_ids = 'kept'"
    working = working_database_path(database)
    with duckdb.connect(str(working)) as connection:
        connection.execute("update agg_common_errors set multi_label_class_ids = 'kept'")
    mark_published(working)
    run_dbt(SHARED_MARTS, root=root, database=database)
    assert query(database, marked) != [(0,)]
    with duckdb.connect(str(database), read_only=True) as connection:
        images, classes = zip(
            *connection.execute(
                "select image_id, predicted_class_id from fct_prediction_errors "
                "where model_id = 'vit3b'"
            ).fetchall(),
            strict=True,
        )
    write_predictions("vit3b_again", list(images), [[c] for c in classes], root=root)
    run_dbt(SHARED_MARTS, root=root, database=database)
    assert query(database, "select max(source_classified_at) from agg_common_errors") > before
    # Only the cases the new model's mistakes touch were rewritten.
    assert query(database, marked) == query(
        database,
        "select count(*) from agg_common_errors where (image_id, predicted_class_id) not in "
        "(select (image_id, predicted_class_id) from fct_prediction_errors "
        "where model_id = 'vit3b_again' and not is_top1_correct)",
    )
    assert query(database, marked) != [(0,)]
    # Each vit3b mistake is now made by one more model, and the profile follows.
    ((errors, evaluated_errors),) = query(
        database,
        "select count(*), count(case when not is_problematic and label_class_id is not null "
        "then 1 end) from fct_prediction_errors where not is_top1_correct",
    )
    assert query(database, "select sum(num_models) from agg_common_errors") == [(errors,)]
    assert query(database, "select sum(num_errors) from agg_class_error_profile") == [
        (evaluated_errors,)
    ]
    assert query(database, "select max(num_models) from agg_common_errors") == [(3,)]
