{#
    Select a Parquet source, or an empty relation with the declared columns
    when no file matches its glob yet: a fresh clone must build (empty marts)
    before anything is ingested. DuckDB-specific, hence used only in staging.
#}
{% macro source_or_empty(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set node = source_parquet_node(source_name, table_name) -%}
    {%- set glob_path = node.meta.parquet_glob -%}
    {%- if parquet_files_exist(glob_path) -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ log("No Parquet for source " ~ source_name ~ "." ~ table_name ~ " at " ~ glob_path
        ~ ": it reads as empty. `imagenet-errors --help` shows how to ingest it.", info=true) }}
    (
        select
        {%- for column in node.columns.values() %}
            cast(null as {{ column.data_type }}) as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
        where false
    )
{% endmacro %}
