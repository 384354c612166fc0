"""The content digest our writers put in every Parquet footer, which builds compare."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.core.parquet_io import CONTENT_DIGEST_KEY, content_digest, write_parquet_atomically


def table(values: list[int], written_at: datetime) -> pa.Table:
    return pa.table(
        {
            "image_id": [f"img{value}" for value in values],
            "class_id": pa.array(values, pa.int32()),
            "written_at": pa.array([written_at] * len(values), pa.timestamp("us", tz="UTC")),
        }
    )


def test_the_digest_follows_the_rows_not_the_clock_nor_the_chunks() -> None:
    rows = table([1, 2, 3], datetime(2026, 1, 1, tzinfo=UTC))
    later = table([1, 2, 3], datetime(2026, 6, 1, tzinfo=UTC))
    chunked = pa.concat_tables([rows.slice(0, 1), rows.slice(1)])
    assert content_digest(rows) == content_digest(later) == content_digest(chunked)
    assert content_digest(rows) != content_digest(
        table([1, 2, 4], datetime(2026, 1, 1, tzinfo=UTC))
    )
    # The type is content too: the same numbers as int64 are another file.
    widened = rows.set_column(1, "class_id", pa.array([1, 2, 3], pa.int64()))
    assert content_digest(widened) != content_digest(rows)


def test_the_footer_carries_the_digest_where_duckdb_reads_it(tmp_path: Path) -> None:
    rows = table([1, 2, 3], datetime(2026, 1, 1, tzinfo=UTC))
    path = write_parquet_atomically(rows, tmp_path / "rows.parquet")
    assert pq.read_table(path).equals(
        rows.replace_schema_metadata(pq.read_table(path).schema.metadata)
    )
    found = duckdb.sql(
        f"select decode(value) from parquet_kv_metadata('{path}') "
        f"where decode(key) = '{CONTENT_DIGEST_KEY}'"
    ).fetchall()
    assert found == [(content_digest(rows),)]
