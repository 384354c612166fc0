"""The dbt process `ingest.warehousing.dbt_runner` starts: dbt's command line, with two additions.

- The working copy starts before dbt is imported, to overlap dbt's start-up
  (ingest/warehousing/working_copy.py).
- With `--no-write-json`, dbt writes no artifacts: neither the manifest (1.7 MB
  of JSON, written twice a build, about 0.4 s here) nor run_results.json. When
  RUN_RESULTS_ENV names a file, the run's results are written there anyway:
  they are what callers read to see which nodes ran and how long each took.

    python -m ingest.warehousing.dbt_process build --select ...   # as `dbt build --select ...`
"""

from __future__ import annotations

import os
import sys

from ingest.warehousing.working_copy import start_in_background

RUN_RESULTS_ENV = "IMAGENET_ERRORS_RUN_RESULTS"


def main(arguments: list[str]) -> int:
    start_in_background()
    from click.exceptions import Abort, ClickException, Exit
    from dbt.cli.exceptions import ResultExit
    from dbt.cli.main import cli

    sys.argv[0] = "dbt"
    result = None
    try:
        # Not standalone, so that the run's results come back instead of an exit.
        outcome = cli.main(arguments, prog_name="dbt", standalone_mode=False)
        # A command returns (results, success); `--help` and `--version` an exit code.
        if isinstance(outcome, tuple):
            result, code = outcome[0], 0
        else:
            code = outcome or 0
    except ResultExit as failure:
        result, code = failure.result, failure.exit_code
    except ClickException as error:
        error.show()
        code = error.exit_code
    except Exit as done:
        code = done.exit_code
    except Abort:
        print("Aborted!", file=sys.stderr)
        code = 1
    results_path = os.environ.get(RUN_RESULTS_ENV)
    if results_path and hasattr(result, "write"):
        result.write(results_path)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
