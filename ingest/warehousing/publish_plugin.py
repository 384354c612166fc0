"""dbt-duckdb plugin: gives the on-run-end hook a SQL function that publishes.

profiles.yml loads it with the published path in its config; the
`publish_warehouse` macro calls `imagenet_errors_publish()` after a checkpoint,
only when every node of the run succeeded. So a plain `dbt build` publishes as
`imagenet-errors build` does: a plain build by a copy, `imagenet-errors build`
by handing the working file over once dbt has exited (ingest/warehousing/publish.py).
It also takes the build lock, so that a plain dbt run waits for any other
build of the same warehouse, and makes sure the working file exists before
DuckDB opens it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.credentials import DuckDBCredentials
from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from ingest.warehousing.lock import hold_until_exit
from ingest.warehousing.publish import HAND_OVER_ENV, publish_database, publishable_marker
from ingest.warehousing.working_copy import ensure_working_copy

FUNCTION = "imagenet_errors_publish"


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        published = plugin_config.get("published")
        if not published:
            raise ValueError(f"the {self.name} plugin needs `published: <path>` in its config")
        # Relative paths resolve against the current folder, as DuckDB does for `path`.
        self.published = Path(published)

    def update_connection_config(self, creds: DuckDBCredentials, config: dict[str, Any]) -> None:
        # Called just before DuckDB opens the working file. A plain dbt run takes
        # the build lock here and keeps it until it exits; one started by
        # `imagenet-errors build` shares its parent's (ingest/warehousing/lock.py).
        hold_until_exit(self.published)
        # The working file must exist by then when a build handed the last one
        # over (ingest/warehousing/working_copy.py).
        ensure_working_copy(self.published, Path(creds.path))

    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        conn.create_function(FUNCTION, self._publish, [], "VARCHAR", side_effects=True)

    def _publish(self) -> str:
        if self.creds is None:
            raise RuntimeError(f"{FUNCTION}() has no working database to publish")
        working = Path(self.creds.path)
        if os.environ.get(HAND_OVER_ENV):
            publishable_marker(working).touch()
            return str(working)
        return str(publish_database(working, self.published))
