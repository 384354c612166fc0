-- What each predictions file holds, read from Parquet footers only: per row
-- group, its model (the writers put one model in a file), when it was
-- written, its number of rows, and the file's content digest. Finding the
-- models to classify from this takes milliseconds; reading the files' columns
-- for it took a second at 1,000 models.
with

row_group_columns as (

    select * from {{ source_parquet_row_groups('ingest', 'predictions') }}

),

recorded_digests as (

    select * from {{ source_parquet_content_digests('ingest', 'predictions') }}

),

row_groups as (

    select
        file_name,
        row_group_id,
        max(row_group_num_rows) as num_predictions,
        max(case when path_in_schema = 'model_id' then stats_min_value end)
            as first_model_id,
        max(case when path_in_schema = 'model_id' then stats_max_value end)
            as last_model_id,
        max(case when path_in_schema = 'written_at' then stats_max_value end)
            as newest_written_at

    from row_group_columns
    group by file_name, row_group_id

),

-- Files other tools wrote carry no digest of their rows: their footers'
-- sizes and statistics stand for it (parquet_footer_digest).
footer_digests as (

    select
        file_name,
        {{ parquet_footer_digest() }} as content_digest

    from row_group_columns
    group by file_name

),

final as (

    select
        row_groups.file_name,
        row_groups.row_group_id,
        row_groups.first_model_id as model_id,
        row_groups.first_model_id,
        row_groups.last_model_id,
        cast(row_groups.newest_written_at as {{ timestamp_tz_type() }}) as predictions_written_at,
        cast(row_groups.num_predictions as bigint) as num_predictions,
        coalesce(recorded_digests.content_digest, footer_digests.content_digest)
            as file_content_digest

    from row_groups
    inner join footer_digests
        on row_groups.file_name = footer_digests.file_name
    left join recorded_digests
        on row_groups.file_name = recorded_digests.file_name

)

select * from final
