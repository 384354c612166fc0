-- Every distinct wrong (image, predicted class) of any model on an evaluated
-- image. The rules depend only on these, not on the model, so each is decided
-- once however many models make the same mistake. Incremental: a run adds the
-- pairs of predictions written since the last run (`added_at` marks them, and
-- the rules classify only those).
{{ config(materialized='incremental') }}

{%- set watermark = newest_value_held('predictions_written_at') %}

with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}

),

evaluation_images as (

    select * from {{ ref('int_evaluation_images') }}

),

{% if is_incremental() %}

    known_cases as (

        select error_case_key
        from {{ this }}

    ),

{% endif %}

distinct_predictions as (

    select
        image_id,
        predicted_class_id,
        max(predictions_written_at) as predictions_written_at

    from predictions
    {% if watermark is not none %}
        -- A literal, so the database skips Parquet row groups written before it.
        where predictions_written_at > cast('{{ watermark }}' as timestamp with time zone)
    {% endif %}
    group by image_id, predicted_class_id

),

final as (

    select
        {{ error_case_key('evaluation_images.image_key', 'distinct_predictions.predicted_class_id') }}
            as error_case_key,
        distinct_predictions.image_id,
        distinct_predictions.predicted_class_id,
        evaluation_images.label_class_id,
        evaluation_images.is_problematic,
        -- The reference checks such an error against the label, not against the
        -- accepted labels' superclasses (int_rule_problematic_images).
        evaluation_images.is_problematic and not evaluation_images.is_label_accepted
            as is_checked_against_label,
        distinct_predictions.predictions_written_at,
        {{ run_started_timestamp() }} as added_at

    from distinct_predictions
    inner join evaluation_images
        on distinct_predictions.image_id = evaluation_images.image_id
    {% if is_incremental() %}
        left join known_cases
            on
                {{ error_case_key('evaluation_images.image_key', 'distinct_predictions.predicted_class_id') }}
                = known_cases.error_case_key
    {% endif %}
    -- An image may have no single label (a photo of something ImageNet lacks):
    -- every prediction on it is then an error.
    where
        (
            evaluation_images.label_class_id is null
            or distinct_predictions.predicted_class_id <> evaluation_images.label_class_id
        )
        {% if is_incremental() %}
            and known_cases.error_case_key is null
        {% endif %}

)

select * from final
