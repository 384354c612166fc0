{#
    The Parquet row groups of a source, from the files' footers alone: one row
    per row group and column, with its statistics (DuckDB's parquet_metadata).
    Reading footers instead of data makes "what is in these files" a matter of
    milliseconds however many rows they hold. Empty, with the same columns,
    when no file matches the source's glob yet. DuckDB-specific, hence used
    only in staging.
#}
{% macro source_parquet_row_groups(source_name, table_name) %}
    {#- Referenced unconditionally so dbt records the lineage when parsing. -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- set empty -%}
        (
            select
                cast(null as varchar) as file_name,
                cast(null as bigint) as row_group_id,
                cast(null as bigint) as row_group_num_rows,
                cast(null as bigint) as column_id,
                cast(null as varchar) as path_in_schema,
                cast(null as varchar) as type,
                cast(null as varchar) as stats_min_value,
                cast(null as varchar) as stats_max_value,
                cast(null as bigint) as stats_null_count,
                cast(null as bigint) as total_compressed_size,
                cast(null as bigint) as total_uncompressed_size
            where false
        )
    {%- endset -%}
    {%- if not execute -%}
        {{ return(empty) }}
    {%- endif -%}
    {%- set glob_path = source_parquet_node(source_name, table_name).meta.parquet_glob -%}
    {%- if not parquet_files_exist(glob_path) -%}
        {{ return(empty) }}
    {%- endif -%}
    {{ return("parquet_metadata('" ~ glob_path ~ "')") }}
{% endmacro %}

{#
    The digest of its rows that our writers record in each file's footer
    (ingest/core/parquet_io.py), per file of a source: none for files other
    tools wrote. Empty when no file matches. DuckDB-specific, hence staging only.
#}
{% macro source_parquet_content_digests(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- set empty -%}
        (
            select
                cast(null as varchar) as file_name,
                cast(null as varchar) as content_digest
            where false
        )
    {%- endset -%}
    {%- if not execute -%}
        {{ return(empty) }}
    {%- endif -%}
    {%- set glob_path = source_parquet_node(source_name, table_name).meta.parquet_glob -%}
    {%- if not parquet_files_exist(glob_path) -%}
        {{ return(empty) }}
    {%- endif -%}
    {%- set recorded -%}
        (
            select
                file_name,
                decode(value) as content_digest
            from parquet_kv_metadata('{{ glob_path }}')
            where decode(key) = 'imagenet_errors.content_sha256'
        )
    {%- endset -%}
    {{ return(recorded) }}
{% endmacro %}
