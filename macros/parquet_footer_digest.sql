{#
    The digest of one Parquet file's rows as its footer describes them, an
    aggregate over the file's rows of DuckDB's parquet_metadata (grouped by
    file_name; on Spark, over source_parquet_row_groups' stand-in for it): row
    counts, sizes and statistics per row group and column. It stands for the content of files other tools wrote, which carry no
    recorded digest (ingest/core/parquet_io.py). The `written_at` column is
    left out, as our writers leave it out of theirs: rewriting the same rows
    later is no change. One expression for the staging model and the inputs
    fingerprint, so both call the same file the same.
#}
{% macro parquet_footer_digest() %}
    {{ return(adapter.dispatch('parquet_footer_digest', 'imagenet_errors')()) }}
{% endmacro %}

{#- Spark: the same text, ordered by struct sort (collect_list has no order). -#}
{% macro default__parquet_footer_digest() %}
    md5(concat_ws(',', transform(array_sort(collect_list(
        case when path_in_schema <> 'written_at' then named_struct(
            'row_group_id', row_group_id, 'column_id', column_id, 'text', concat_ws(
                '|', cast(row_group_id as string), cast(column_id as string),
                cast(row_group_num_rows as string), path_in_schema, type,
                stats_min_value, stats_max_value, cast(stats_null_count as string),
                cast(total_compressed_size as string), cast(total_uncompressed_size as string)
            )
        ) end
    )), entry -> entry.text)))
{% endmacro %}

{% macro duckdb__parquet_footer_digest() %}
    md5(string_agg(
        case when path_in_schema <> 'written_at' then concat_ws(
            '|', row_group_id, column_id, row_group_num_rows, path_in_schema, type,
            stats_min_value, stats_max_value, stats_null_count,
            total_compressed_size, total_uncompressed_size
        ) end,
        ',' order by row_group_id, column_id
    ))
{% endmacro %}
