{#
    The on-run-start hook: make every Parquet source (`meta.parquet_glob`)
    a table this target can select from. DuckDB needs nothing (dbt-duckdb
    reads `meta.external_location`). Spark gets one external table per source
    over the glob's folder, with the declared columns: it reads as empty while
    no file matches (where a `parquet.`glob`` query would fail), reads the
    files a later ingest adds, and dropping it leaves the files alone.
    Re-created every run, so a changed data root or schema is picked up.
#}
{% macro register_parquet_sources() %}
    {{ return(adapter.dispatch('register_parquet_sources', 'imagenet_errors')()) }}
{% endmacro %}

{% macro default__register_parquet_sources() %}
    {{ return('') }}
{% endmacro %}

{% macro spark__register_parquet_sources() %}
    {%- if not execute -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- for node in graph.sources.values() if node.meta.parquet_glob -%}
        {%- set glob_path = node.meta.parquet_glob -%}
        {#- folder/**/pattern (any depth), folder/pattern, or one file. -#}
        {%- if '/**/' in glob_path -%}
            {%- set folder, _, pattern = glob_path.partition('/**/') -%}
            {%- set recursive = 'true' -%}
        {%- else -%}
            {%- set folder, _, pattern = glob_path.rpartition('/') -%}
            {%- set recursive = 'false' -%}
        {%- endif -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() -%}
            {%- do columns.append(column.name ~ ' ' ~ spark_column_type(column.data_type)) -%}
        {%- endfor -%}
        {%- do statements.append('create schema if not exists ' ~ node.schema) -%}
        {%- do statements.append('drop table if exists ' ~ node.schema ~ '.' ~ node.identifier) -%}
        {%- do statements.append(
            'create table ' ~ node.schema ~ '.' ~ node.identifier
            ~ ' (' ~ columns | join(', ') ~ ') using parquet'
            ~ " options (recursiveFileLookup '" ~ recursive ~ "', pathGlobFilter '" ~ pattern ~ "')"
            ~ " location '" ~ folder ~ "'"
        ) -%}
    {%- endfor -%}
    {%- for statement in statements -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}

{#- A column type of the sources' contract (DuckDB's names) in Spark's words. -#}
{% macro spark_column_type(data_type) %}
    {%- set names = {'varchar': 'string', 'timestamp with time zone': 'timestamp'} -%}
    {%- if data_type.endswith('[]') -%}
        {{ return('array<' ~ spark_column_type(data_type[:-2]) ~ '>') }}
    {%- endif -%}
    {{ return(names.get(data_type, data_type)) }}
{% endmacro %}
