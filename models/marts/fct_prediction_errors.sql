-- One row per model and evaluated image: the top-1 prediction, whether it is
-- right, and, when it is not, its error category with the evidence. Models are
-- classified incrementally: a build only classifies models whose predictions
-- are new or were rewritten since the last build.
{{
    config(
        materialized='incremental',
        unique_key='model_id',
        incremental_strategy='delete+insert',
    )
}}

with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}

),

multi_label_images as (

    select * from {{ ref('stg_ingest__multi_label_images') }}

),

image_labels as (

    select * from {{ ref('stg_ingest__image_labels') }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

error_categories as (

    select * from {{ ref('int_error_categories') }}

),

models_to_classify as (

    select
        model_id,
        max(predictions_written_at) as predictions_written_at

    from predictions
    group by model_id

),

classified_models as (

    {% if is_incremental() %}
        select
            model_id,
            max(predictions_written_at) as predictions_written_at
        from {{ this }}
        group by model_id
    {% else %}
        select
            cast(null as varchar) as model_id,
            cast(null as timestamp with time zone) as predictions_written_at
        where false
    {% endif %}

),

-- Models with no rows yet, or whose predictions were rewritten since.
new_models as (

    select models_to_classify.model_id

    from models_to_classify
    left join classified_models
        on models_to_classify.model_id = classified_models.model_id
    where
        classified_models.model_id is null
        or models_to_classify.predictions_written_at > classified_models.predictions_written_at

),

accepted_labels as (

    select
        image_id,
        class_id
    from multi_labels
    where is_accepted

),

final as (

    select
        predictions.model_id,
        predictions.image_id,
        image_labels.label_class_id,
        predictions.predicted_class_id,
        predictions.predicted_probability,
        multi_label_images.is_problematic,
        multi_label_images.is_imagenet_m,
        coalesce(
            predictions.predicted_class_id = image_labels.label_class_id, false
        ) as is_top1_correct,
        accepted_labels.class_id is not null as is_multi_label_correct,
        coalesce(error_categories.error_category, 'correct') as error_category,
        coalesce(error_categories.error_severity, 'correct') as error_severity,
        error_categories.shared_superclass,
        error_categories.similar_label_class_id,
        error_categories.cooccurring_label_class_id,
        error_categories.cooccurrence_image_count,
        predictions.predictions_written_at

    from predictions
    inner join new_models
        on predictions.model_id = new_models.model_id
    inner join multi_label_images
        on predictions.image_id = multi_label_images.image_id
    left join image_labels
        on predictions.image_id = image_labels.image_id
    left join accepted_labels
        on
            predictions.image_id = accepted_labels.image_id
            and predictions.predicted_class_id = accepted_labels.class_id
    left join error_categories
        on
            predictions.image_id = error_categories.image_id
            and predictions.predicted_class_id = error_categories.predicted_class_id

)

select * from final
