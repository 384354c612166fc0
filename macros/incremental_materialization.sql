{#
    How the incremental models are materialised on this target: incremental on
    DuckDB (macros/should_full_refresh.sql and the refresh filters keep their
    rows right); a table rebuilt whole on every build elsewhere (Spark), where
    plain Parquet tables take no delete+insert: no held row can outlive its
    inputs, so builds stay right, at the cost of reclassifying everything.
#}
{% macro incremental_materialization() %}
    {{ return('incremental' if target.type == 'duckdb' else 'table') }}
{% endmacro %}
