"""Reading what a build on the local `spark` target wrote, without starting Spark.

profiles.yml's spark target (dbt-spark's session method) keeps its tables as
Parquet folders in `<spark dir>/warehouse/<schema>.db/<table>/`. DuckDB reads
those files directly, which saves a second JVM start to look at a result
(compare-reference --target spark). A cluster's tables (thrift, Databricks) are
read through that cluster instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

# The schema of profiles.yml's spark target.
SPARK_SCHEMA = "imagenet_errors"


def spark_table_files(spark_dir: Path, table: str) -> Path:
    """The folder of Parquet files that holds `table` of a local spark build."""
    return spark_dir / "warehouse" / f"{SPARK_SCHEMA}.db" / table


def spark_tables_connection(spark_dir: Path, tables: Iterable[str]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with a view per table of a local spark build."""
    connection = duckdb.connect()
    for table in tables:
        files = spark_table_files(spark_dir, table)
        if not files.is_dir():
            connection.close()
            raise FileNotFoundError(f"{files}: the spark build wrote no table {table}")
        pattern = str(files / "*.parquet").replace("'", "''")
        connection.execute(f"create view {table} as select * from read_parquet('{pattern}')")
    return connection
