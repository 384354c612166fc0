-- Every model with predictions: its metadata when ingest ran it, or just its
-- id when its predictions were imported.
with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}

),

ingested_models as (

    select * from {{ ref('stg_ingest__models') }}

),

predicted_models as (

    select
        model_id,
        count(*) as num_predictions

    from predictions
    group by model_id

),

final as (

    select
        predicted_models.model_id,
        predicted_models.num_predictions,
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

    from predicted_models
    left join ingested_models
        on predicted_models.model_id = ingested_models.model_id

)

select * from final
