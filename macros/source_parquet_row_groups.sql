{#
    The Parquet row groups of a source, from the files' footers alone: one row
    per row group and column, with its statistics (DuckDB's parquet_metadata).
    Reading footers instead of data makes "what is in these files" a matter of
    milliseconds however many rows they hold. Empty, with the same columns,
    when no file matches the source's glob yet. DuckDB-specific, hence used
    only in staging.
#}
{% macro source_parquet_row_groups(source_name, table_name) %}
    {{ return(source_footer_relation(source_name, table_name, parquet_row_groups_sql, [
        ('file_name', 'varchar'), ('row_group_id', 'bigint'),
        ('row_group_num_rows', 'bigint'), ('column_id', 'bigint'),
        ('path_in_schema', 'varchar'), ('type', 'varchar'),
        ('stats_min_value', 'varchar'), ('stats_max_value', 'varchar'),
        ('stats_null_count', 'bigint'), ('total_compressed_size', 'bigint'),
        ('total_uncompressed_size', 'bigint')
    ])) }}
{% endmacro %}

{% macro parquet_row_groups_sql(glob_path) %}
    {{ return("parquet_metadata('" ~ glob_path ~ "')") }}
{% endmacro %}

{#
    The digest of its rows that our writers record in each file's footer
    (ingest/core/parquet_io.py), per file of a source: none for files other
    tools wrote. Empty when no file matches. DuckDB-specific, hence staging only.
#}
{% macro source_parquet_content_digests(source_name, table_name) %}
    {{ return(source_footer_relation(source_name, table_name, parquet_recorded_digests_sql, [
        ('file_name', 'varchar'), ('content_digest', 'varchar')
    ])) }}
{% endmacro %}

{#- Also read by the inputs fingerprint (parquet_files_digest_sql). -#}
{% macro parquet_recorded_digests_sql(glob_path) %}
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

{#
    `table_function(glob_path)` over the files of a source, or an empty
    relation of `columns` ((name, type) pairs) when no file matches its glob
    yet (the footer readers fail on a glob matching nothing), and when dbt
    only parses.
#}
{% macro source_footer_relation(source_name, table_name, table_function, columns) %}
    {#- Referenced unconditionally so dbt records the lineage when parsing. -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if execute -%}
        {%- set glob_path = source_parquet_node(source_name, table_name).meta.parquet_glob -%}
        {%- if parquet_files_exist(glob_path) -%}
            {{ return(table_function(glob_path)) }}
        {%- endif -%}
    {%- endif -%}
    {%- set empty -%}
        (
            select
            {%- for name, data_type in columns %}
                cast(null as {{ data_type }}) as {{ name }}{{ "," if not loop.last }}
            {%- endfor %}
            where false
        )
    {%- endset -%}
    {{ return(empty) }}
{% endmacro %}
