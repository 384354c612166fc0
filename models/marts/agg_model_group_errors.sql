-- Per model and class group: accuracy figures, the count of each error
-- category and its share of the top-1 errors, with the model's metadata.
-- Its columns line up with agg_reference_model_errors so plots overlay them.
with

summary as (

    select * from {{ ref('agg_model_error_summary') }}

),

models as (

    select * from {{ ref('dim_models') }}

),

final as (

    select
        summary.model_id,
        summary.class_group,
        models.architecture,
        models.architecture_family,
        models.parameter_count,
        coalesce(models.pretraining_data, 'unknown') as pretraining_data,
        summary.num_samples,
        summary.num_top1_correct,
        summary.num_top1_errors,
        summary.top1_accuracy,
        summary.mla,
        summary.mla_minor_errors_correct,
        summary.mla_minor_explainable_errors_correct,
        {% for category in error_categories() %}
            summary.num_{{ category }},
        {% endfor %}
        {{ error_share_columns() }}

    from summary
    left join models
        on summary.model_id = models.model_id

)

select * from final
