"""Building the dbt project and publishing the warehouse: where dbt is started.

The whole flow of `imagenet-errors build`, in one place:

    build.build_warehouse
      |  build_inputs: fingerprints of every source's files, the --vars and the
      |  project's code, against those kept from the last successful build in
      |  <name>_work.duckdb.dbt-state/ -> which nodes to select; with nothing
      |  changed, dbt is not started
      v
    dbt_runner.run_dbt: a child process `python -m ingest.warehousing.dbt_process`
      |  with the data root and databases in its environment
      v
    dbt_process: starts working_copy.start_in_background (copies the published
      |  file to <name>_work.duckdb if no working file is there), then runs dbt's
      |  own command line
      v
    dbt-duckdb opens the working file through publish_plugin (declared in
      |  profiles.yml), which first waits for that copy (ensure_working_copy)
      v  every node succeeded
    on-run-end hook macros/publish_warehouse.sql checkpoints and calls the
      |  plugin's imagenet_errors_publish():
      |    under `imagenet-errors build` it only leaves publish.publishable_marker;
      |    under a plain `dbt build`/`run`/`seed` it copies the working file over
      |    the published one (publish.publish_database)
      v  dbt exited
    dbt_runner sees the marker and calls publish.hand_over: one rename of the
    working file over the published one (readers keep the file they opened);
    build_warehouse then saves the manifest and build inputs as the new state.

A failed run publishes nothing. This package imports neither `predict` nor
`clip`: the build works on whatever Parquet is under the data root.
"""
