-- One row per model with predictions: when its predictions were last written
-- and how many there are. Incremental models compare it with what they hold
-- to find the models to (re)classify. From the files' footers
-- (stg_ingest__prediction_files), not their rows.
with

prediction_files as (

    select * from {{ ref('stg_ingest__prediction_files') }}

),

final as (

    select
        model_id,
        max(predictions_written_at) as predictions_written_at,
        sum(num_predictions) as num_predictions

    from prediction_files
    group by model_id

)

select * from final
