-- One row per model: when its predictions were last written and how many
-- there are. Incremental models compare this small table with what they hold
-- to find the models to (re)classify, instead of scanning every prediction.
with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}

),

final as (

    select
        model_id,
        max(predictions_written_at) as predictions_written_at,
        count(*) as num_predictions

    from predictions
    group by model_id

)

select * from final
