{#
    The source node of a Parquet source and whether any file matches its glob
    (`meta.parquet_glob`) yet, for the staging macros that read it. Called
    only when dbt executes (`graph` and queries are unavailable when parsing).
    Dispatched: DuckDB asks its `glob` table function; on Spark every source is
    a table that reads as empty without files (register_parquet_sources).
#}
{% macro source_parquet_node(source_name, table_name) %}
    {{ return(graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first) }}
{% endmacro %}

{% macro parquet_files_exist(glob_path) %}
    {{ return(adapter.dispatch('parquet_files_exist', 'imagenet_errors')(glob_path)) }}
{% endmacro %}

{% macro default__parquet_files_exist(glob_path) %}
    {{ return(true) }}
{% endmacro %}

{% macro duckdb__parquet_files_exist(glob_path) %}
    {%- set found = run_query("select count(*) from glob('" ~ glob_path ~ "')") -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{% endmacro %}
