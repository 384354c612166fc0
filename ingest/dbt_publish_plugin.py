"""dbt-duckdb plugin: gives the on-run-end hook a SQL function that publishes.

profiles.yml loads it with the published path in its config; the
`publish_warehouse` macro calls `imagenet_errors_publish()` after a checkpoint,
only when every node of the run succeeded. So a plain `dbt build` publishes as
`imagenet-errors build` does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from ingest.publish import publish_database

FUNCTION = "imagenet_errors_publish"


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        published = plugin_config.get("published")
        if not published:
            raise ValueError(f"the {self.name} plugin needs `published: <path>` in its config")
        # Relative paths resolve against the current folder, as DuckDB does for `path`.
        self.published = Path(published)

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        conn.create_function(FUNCTION, self._publish, [], "VARCHAR", side_effects=True)

    def _publish(self) -> str:
        if self.creds is None:
            raise RuntimeError(f"{FUNCTION}() has no working database to publish")
        return str(publish_database(Path(self.creds.path), self.published))
