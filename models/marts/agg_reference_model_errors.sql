-- The reference study's 962 models per class group, in the columns of
-- agg_model_group_errors (same names, same figures), so every plot can place
-- the user's models among the paper's. Top-1 is on the group's
-- non-problematic multi-label images, as ours is.
with

reference_stats as (

    select * from {{ ref('stg_ingest__reference_model_stats') }}

),

final as (

    select
        model_id,
        class_group,
        architecture,
        architecture_family,
        parameter_count,
        pretraining_data,
        num_samples,
        num_top1_correct,
        num_top1_errors,
        {{ percent_of('num_top1_correct', 'num_samples') }} as top1_accuracy,
        mla,
        mla_minor_errors_correct,
        mla_minor_explainable_errors_correct,
        {% for category in error_categories() %}
            num_{{ category }},
        {% endfor %}
        {{ error_share_columns() }},
        architecture_type,
        architecture_group,
        training_data,
        extra_annotations,
        imagenet_top1_accuracy

    from reference_stats

)

select * from final
