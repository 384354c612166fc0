-- Finding the models to classify from Parquet footers needs, in every row
-- group of the predictions files, one model and the statistics that say so.
-- Returns the offending files and row groups.
with

prediction_files as (

    select * from {{ ref('stg_ingest__prediction_files') }}

),

final as (

    select
        file_name,
        row_group_id,
        first_model_id,
        last_model_id,
        predictions_written_at

    from prediction_files
    where
        first_model_id is null
        or last_model_id is null
        or first_model_id <> last_model_id
        or predictions_written_at is null

)

select * from final
