-- Every model with predictions: its metadata when ingest ran it, or just its
-- id when its predictions were imported.
with

prediction_batches as (

    select * from {{ ref('int_prediction_batches') }}

),

ingested_models as (

    select * from {{ ref('stg_ingest__models') }}

),

final as (

    select
        prediction_batches.model_id,
        prediction_batches.num_predictions,
        ingested_models.model_source,
        ingested_models.architecture,
        ingested_models.architecture_family,
        ingested_models.parameter_count,
        ingested_models.pretraining_data,
        ingested_models.input_size,
        ingested_models.crop_pct,
        ingested_models.interpolation,
        ingested_models.image_set,
        ingested_models.num_skipped_images,
        ingested_models.device,
        ingested_models.wall_seconds,
        ingested_models.ingest_top1_accuracy,
        ingested_models.ingested_at

    from prediction_batches
    left join ingested_models
        on prediction_batches.model_id = ingested_models.model_id

)

select * from final
