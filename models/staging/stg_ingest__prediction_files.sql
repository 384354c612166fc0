-- What each predictions file holds, read from Parquet footers only: per row
-- group, its model (the writers put one model in a file), when it was
-- written, and its number of rows. Finding the models to classify from this
-- takes milliseconds; reading the files' columns for it took a second at
-- 1,000 models.
with

row_group_columns as (

    select * from {{ source_parquet_row_groups('ingest', 'predictions') }}

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

final as (

    select
        file_name,
        row_group_id,
        first_model_id as model_id,
        first_model_id,
        last_model_id,
        cast(newest_written_at as timestamp with time zone) as predictions_written_at,
        cast(num_predictions as bigint) as num_predictions

    from row_groups

)

select * from final
