-- The mistakes models share: one row per (image, predicted class) that at
-- least one model got wrong (top-1), with how many models made it, its
-- category, the label and the image's accepted multi-labels, as in the
-- reference's common_error_samples. A sum over every model: rebuilt whole,
-- but only when fct_prediction_errors has rows newer than the last build
-- (`source_classified_at`), so a build with nothing new costs nothing here.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{% if is_incremental() %}delete from {{ this }} where source_classified_at
            < (select max(classified_at) from {{ ref('fct_prediction_errors') }}){% endif %}",
    )
}}

with

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}
    {% if is_incremental() %}
        -- Read nothing when the pre-hook kept the table (it was fresh).
        where not exists (select 1 from {{ this }})
    {% endif %}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

classes as (

    select * from {{ ref('dim_classes') }}

),

newest_classification as (

    select max(classified_at) as source_classified_at

    from prediction_errors

),

image_models as (

    select
        image_id,
        count(*) as num_models_evaluated

    from prediction_errors
    group by image_id

),

error_pairs as (

    select
        image_id,
        predicted_class_id,
        label_class_id,
        is_problematic,
        error_category,
        error_severity,
        count(*) as num_models

    from prediction_errors
    where not is_top1_correct
    group by
        image_id,
        predicted_class_id,
        label_class_id,
        is_problematic,
        error_category,
        error_severity

),

accepted_labels as (

    select
        image_id,
        cast(class_id as varchar) as class_id_text

    from multi_labels
    where is_accepted

),

multi_label_lists as (

    select
        image_id,
        {{ ordered_string_agg('class_id_text', "' '") }} as multi_label_class_ids

    from accepted_labels
    group by image_id

),

final as (

    select
        error_pairs.image_id,
        error_pairs.predicted_class_id,
        predicted.class_name as predicted_class_name,
        error_pairs.label_class_id,
        labelled.class_name as label_class_name,
        multi_label_lists.multi_label_class_ids,
        error_pairs.error_category,
        error_pairs.error_severity,
        error_pairs.is_problematic,
        error_pairs.num_models,
        image_models.num_models_evaluated,
        {{ percent_of('error_pairs.num_models', 'image_models.num_models_evaluated') }}
            as percent_of_models,
        newest_classification.source_classified_at

    from error_pairs
    cross join newest_classification
    inner join image_models
        on error_pairs.image_id = image_models.image_id
    inner join classes as predicted
        on error_pairs.predicted_class_id = predicted.class_id
    left join classes as labelled
        on error_pairs.label_class_id = labelled.class_id
    left join multi_label_lists
        on error_pairs.image_id = multi_label_lists.image_id

)

select * from final
