-- Every distinct wrong (image, predicted class) of any model on an evaluated
-- image. The rules depend only on these, not on the model, so each is decided
-- once however many models make the same mistake. Incremental: a run adds the
-- pairs of predictions written since the last run (`added_at` marks them, and
-- the rules classify only those).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}

),

evaluation_images as (

    select * from {{ ref('int_evaluation_images') }}

),

{% if is_incremental() %}

    known_cases as (

        select
            image_id,
            predicted_class_id,
            predictions_written_at
        from {{ this }}

    ),

    -- Predictions written after the newest ones already read.
    watermark as (

        select
            coalesce(
                max(predictions_written_at), cast('1900-01-01' as timestamp with time zone)
            ) as predictions_written_at
        from known_cases

    ),

{% endif %}

distinct_predictions as (

    select
        image_id,
        predicted_class_id,
        max(predictions_written_at) as predictions_written_at

    from predictions
    {% if is_incremental() %}
        where predictions_written_at > (select watermark.predictions_written_at from watermark)
    {% endif %}
    group by image_id, predicted_class_id

),

final as (

    select
        distinct_predictions.image_id,
        distinct_predictions.predicted_class_id,
        evaluation_images.label_class_id,
        evaluation_images.is_problematic,
        distinct_predictions.predictions_written_at,
        {{ run_started_timestamp() }} as added_at

    from distinct_predictions
    inner join evaluation_images
        on distinct_predictions.image_id = evaluation_images.image_id
    {% if is_incremental() %}
        left join known_cases
            on
                distinct_predictions.image_id = known_cases.image_id
                and distinct_predictions.predicted_class_id = known_cases.predicted_class_id
    {% endif %}
    -- An image may have no single label (a photo of something ImageNet lacks):
    -- every prediction on it is then an error.
    where
        (
            evaluation_images.label_class_id is null
            or distinct_predictions.predicted_class_id <> evaluation_images.label_class_id
        )
        {% if is_incremental() %}
            and known_cases.image_id is null
        {% endif %}

)

select * from final
