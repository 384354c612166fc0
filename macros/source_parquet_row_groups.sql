{#
    The Parquet row groups of a source, from the files' footers alone: one row
    per row group and column, with its statistics (DuckDB's parquet_metadata).
    Reading footers instead of data makes "what is in these files" a matter of
    milliseconds however many rows they hold. Empty, with the same columns,
    when no file matches the source's glob yet. Dispatched, and used only in
    staging: Spark SQL reads no footers (below).
#}
{% macro source_parquet_row_groups(source_name, table_name) %}
    {{ return(adapter.dispatch('source_parquet_row_groups', 'imagenet_errors')(
        source_name, table_name)) }}
{% endmacro %}

{% macro duckdb__source_parquet_row_groups(source_name, table_name) %}
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
    tools wrote. Empty when no file matches. Dispatched, and staging only.
#}
{% macro source_parquet_content_digests(source_name, table_name) %}
    {{ return(adapter.dispatch('source_parquet_content_digests', 'imagenet_errors')(
        source_name, table_name)) }}
{% endmacro %}

{% macro duckdb__source_parquet_content_digests(source_name, table_name) %}
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

{#
    Spark SQL cannot read a Parquet footer, so its rows stand in: each file as
    one row group, with the columns the staging model reads (model_id's
    least and greatest value, written_at's greatest) computed by a scan. Slower
    than footers, the same answer. Reads as empty without files (the source is
    a table, register_parquet_sources).
#}
{% macro spark__source_parquet_row_groups(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- set row_groups -%}
        (
            select
                files.file_name,
                cast(0 as bigint) as row_group_id,
                files.num_rows as row_group_num_rows,
                cast(statistics.column_id as bigint) as column_id,
                statistics.path_in_schema,
                cast(null as string) as type,
                statistics.stats_min_value,
                statistics.stats_max_value,
                cast(null as bigint) as stats_null_count,
                cast(null as bigint) as total_compressed_size,
                cast(null as bigint) as total_uncompressed_size
            from (
                select
                    _metadata.file_path as file_name,
                    count(*) as num_rows,
                    min(model_id) as first_model_id,
                    max(model_id) as last_model_id,
                    cast(max(written_at) as string) as newest_written_at
                from {{ relation }}
                group by _metadata.file_path
            ) as files
            lateral view inline(array(
                named_struct(
                    'column_id', 0, 'path_in_schema', 'model_id',
                    'stats_min_value', files.first_model_id, 'stats_max_value', files.last_model_id
                ),
                named_struct(
                    'column_id', 1, 'path_in_schema', 'written_at',
                    'stats_min_value', files.newest_written_at,
                    'stats_max_value', files.newest_written_at
                )
            )) statistics
        )
    {%- endset -%}
    {{ return(row_groups) }}
{% endmacro %}

{#
    Spark reads no footer metadata either: each file's digest is computed from
    its rows instead, order-independent (the sum of row hashes, and the count),
    written_at left out as our writers leave it out. Not the sha256 the
    writers record, so fingerprints differ from DuckDB's; they only need to
    change when the content does.
#}
{% macro spark__source_parquet_content_digests(source_name, table_name) %}
    {%- set relation = source(source_name, table_name) -%}
    {%- set hashed = [] -%}
    {%- if execute -%}
        {%- for column in source_parquet_node(source_name, table_name).columns.values()
            if column.name != 'written_at' -%}
            {%- do hashed.append(column.name) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set digests -%}
        (
            select
                _metadata.file_path as file_name,
                md5(concat_ws(
                    ':', cast(count(*) as string),
                    cast(sum(cast(xxhash64({{ hashed | join(', ') or "''" }}) as decimal(38, 0)))
                        as string)
                )) as content_digest
            from {{ relation }}
            group by _metadata.file_path
        )
    {%- endset -%}
    {{ return(digests) }}
{% endmacro %}
