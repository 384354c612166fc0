-- One row per mistake the experts of Vasudevan et al. (2022) reviewed, per
-- model: their failure category, its counterpart among ours, and the category
-- our rules gave the same prediction. `our_error_category` is not_evaluated
-- when the image is not in the evaluation set.
with

expert_categories as (

    select * from {{ ref('stg_ingest__expert_categories') }}

),

category_mapping as (

    select * from {{ ref('expert_category_mapping') }}

),

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}

),

final as (

    select
        expert_categories.model_id,
        expert_categories.image_id,
        expert_categories.predicted_class_id,
        prediction_errors.label_class_id,
        expert_categories.expert_category,
        expert_categories.expert_severity,
        category_mapping.mapped_error_category,
        coalesce(prediction_errors.is_problematic, false) as is_problematic,
        coalesce(prediction_errors.error_category, 'not_evaluated') as our_error_category,
        -- Our labels may accept the prediction (multi_label) or find the
        -- image problematic: then we see no mistake to categorise at all.
        coalesce(
            not prediction_errors.is_problematic
            and prediction_errors.error_category in (
                'fine_grained', 'fine_grained_oov', 'spurious_correlation',
                'non_prototypical', 'model_failure'
            ),
            false
        ) as is_mistake_for_us,
        case
            when category_mapping.mapped_error_category is null then null
            else coalesce(
                prediction_errors.error_category = category_mapping.mapped_error_category, false
            )
        end as is_agreement

    from expert_categories
    left join category_mapping
        on expert_categories.expert_category = category_mapping.expert_category
    left join prediction_errors
        on
            expert_categories.model_id = prediction_errors.model_id
            and expert_categories.image_id = prediction_errors.image_id

)

select * from final
