-- Every distinct wrong (image, predicted class) of any model on an evaluated
-- image. The rules depend only on these, not on the model, so each is decided
-- once however many models make the same mistake. Incremental: a run adds the
-- cases of the models fct_prediction_errors does not hold yet with their
-- current predictions (predictions_fingerprint); `added_at` says which run
-- added a case. Rebuilt whole when the labels change (inputs_fingerprint).
{{ config(materialized=incremental_materialization()) }}
-- depends_on: {{ ref('int_prediction_batches') }}

{%- set classified = relation_unless_rebuilt('fct_prediction_errors') if is_incremental() else none %}
{%- set new_models = models_to_refresh_filter(ref('int_prediction_batches'), held=classified)
    if classified is not none else 'true' %}

with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}
    where {{ new_models }}

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
        predicted_class_id

    from predictions
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
        {{ run_started_timestamp() }} as added_at,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint

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
