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
    {%- set node = graph.sources.values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | first -%}
    {%- set glob_path = node.meta.parquet_glob -%}
    {%- set found = run_query("select count(*) from glob('" ~ glob_path ~ "')") -%}
    {%- if found.columns[0].values()[0] > 0 -%}
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
