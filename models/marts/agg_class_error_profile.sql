-- Each true class's errors across all models: per category, to which
-- predicted classes, how often, with the class's and the category's totals.
-- Problematic images are left out, as in the accuracy figures. Built from
-- agg_common_errors (one row per image and wrong prediction, already summed
-- over models) rather than from fct_prediction_errors: at 1,000 models that
-- is a few million rows instead of fifty. A table, rebuilt with
-- agg_common_errors: an incremental version that guessed when the latter had
-- changed kept 278 of 1,814 rows after a plain `dbt build`.

with

common_errors as (

    select * from {{ ref('agg_common_errors') }}

),

classes as (

    select * from {{ ref('dim_classes') }}

),

confusions as (

    select
        label_class_id,
        error_category,
        error_severity,
        predicted_class_id,
        sum(num_models) as num_errors,
        count(*) as num_images,
        max(num_models) as max_models_per_image,
        max(source_classified_at) as source_classified_at

    from common_errors
    where not is_problematic and label_class_id is not null
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
        cast(with_totals.num_errors as bigint) as num_errors,
        with_totals.num_images,
        with_totals.max_models_per_image,
        cast(with_totals.num_category_errors as bigint) as num_category_errors,
        cast(with_totals.num_class_errors as bigint) as num_class_errors,
        {{ percent_of('with_totals.num_errors', 'with_totals.num_category_errors') }}
            as percent_of_category_errors,
        {{ percent_of('with_totals.num_category_errors', 'with_totals.num_class_errors') }}
            as category_percent_of_class_errors,
        with_totals.source_classified_at

    from with_totals
    inner join classes as labelled
        on with_totals.label_class_id = labelled.class_id
    inner join classes as predicted
        on with_totals.predicted_class_id = predicted.class_id

)

select * from final
