-- Each true class's errors across all models: per category, to which
-- predicted classes, how often, with the class's and the category's totals.
-- Problematic images are left out, as in the accuracy figures.
with

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}

),

classes as (

    select * from {{ ref('dim_classes') }}

),

evaluated as (

    select *

    from prediction_errors
    where not is_problematic and label_class_id is not null

),

class_predictions as (

    select
        label_class_id,
        count(*) as num_class_predictions

    from evaluated
    group by label_class_id

),

confusions as (

    select
        label_class_id,
        error_category,
        error_severity,
        predicted_class_id,
        count(*) as num_errors,
        count(distinct model_id) as num_models,
        count(distinct image_id) as num_images

    from evaluated
    where not is_top1_correct
    group by label_class_id, error_category, error_severity, predicted_class_id

),

with_totals as (

    select
        *,
        sum(num_errors) over (partition by label_class_id, error_category)
            as num_category_errors,
        sum(num_errors) over (partition by label_class_id) as num_class_errors,
        row_number() over (
            partition by label_class_id, error_category
            order by num_errors desc, predicted_class_id asc
        ) as predicted_class_rank

    from confusions

),

final as (

    select
        with_totals.label_class_id,
        labelled.class_name as label_class_name,
        labelled.class_group as label_class_group,
        with_totals.error_category,
        with_totals.error_severity,
        with_totals.predicted_class_id,
        predicted.class_name as predicted_class_name,
        with_totals.predicted_class_rank,
        with_totals.num_errors,
        with_totals.num_models,
        with_totals.num_images,
        cast(with_totals.num_category_errors as bigint) as num_category_errors,
        cast(with_totals.num_class_errors as bigint) as num_class_errors,
        class_predictions.num_class_predictions,
        {{ percent_of('with_totals.num_errors', 'with_totals.num_category_errors') }}
            as percent_of_category_errors,
        {{ percent_of('with_totals.num_category_errors', 'with_totals.num_class_errors') }}
            as category_percent_of_class_errors

    from with_totals
    inner join class_predictions
        on with_totals.label_class_id = class_predictions.label_class_id
    inner join classes as labelled
        on with_totals.label_class_id = labelled.class_id
    inner join classes as predicted
        on with_totals.predicted_class_id = predicted.class_id

)

select * from final
