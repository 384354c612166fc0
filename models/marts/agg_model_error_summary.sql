-- Per model and class group (all, organism, artifact, other): the figures of
-- the reference study's stats_imagenet_*.csv. Problematic images are left out;
-- an image is in a group when any of its accepted multi-labels is. Multi-label
-- accuracies are averaged per class of the original label, in percent.
-- Rows are first counted per model, label class and group membership (a few
-- million rows at 1,000 models), then spread over the groups. Incremental by
-- model, like fct_prediction_errors: a run summarises the models whose
-- current predictions (int_prediction_batches.predictions_fingerprint) it does
-- not hold, and drops those it holds with other or no predictions. It stores
-- the fingerprint of the fct_prediction_errors rows it read, so a summary of
-- rows fct had not reclassified yet is redone by the next build; the
-- publishing check refuses a summary that disagrees with fct meanwhile.
-- (Comparing with fct's own fingerprints would scan its fifty million rows.)
{{
    config(
        materialized=incremental_materialization(),
        unique_key='model_id',
        incremental_strategy='delete+insert',
        pre_hook="{{ drop_models_gone(ref('int_prediction_batches')) }}",
    )
}}

with

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}
    where {{ models_to_refresh_filter(ref('int_prediction_batches')) }}

),

class_counts as (

    select
        prediction_errors.model_id,
        prediction_errors.label_class_id,
        prediction_errors.is_in_organism_group,
        prediction_errors.is_in_artifact_group,
        prediction_errors.is_in_other_group,
        count(*) as num_samples,
        count(case when prediction_errors.is_top1_correct then 1 end) as num_top1_correct,
        count(case when prediction_errors.is_multi_label_correct then 1 end)
            as num_multi_label_correct,
        count(
            case
                when
                    prediction_errors.is_multi_label_correct
                    or prediction_errors.error_severity in ('correct', 'minor')
                    then 1
            end
        ) as num_correct_up_to_minor,
        count(
            case
                when
                    prediction_errors.is_multi_label_correct
                    or prediction_errors.error_severity in ('correct', 'minor', 'explainable')
                    then 1
            end
        ) as num_correct_up_to_explainable,
        {% for category in [
            'overlapping_classes', 'multi_label', 'fine_grained', 'fine_grained_oov',
            'spurious_correlation', 'non_prototypical', 'model_failure'
        ] %}
            count(case when prediction_errors.error_category = '{{ category }}' then 1 end)
                as num_{{ category }},
        {% endfor %}
        count(prediction_errors.oov_check) as num_oov_checks,
        count(case when prediction_errors.oov_check = 'not_evaluated' then 1 end)
            as num_oov_not_evaluated,
        max(prediction_errors.predictions_written_at) as predictions_written_at,
        max(prediction_errors.predictions_fingerprint) as predictions_fingerprint,
        count(case when prediction_errors.is_imagenet_m then 1 end) as num_imagenet_m_samples,
        count(
            case
                when
                    prediction_errors.is_imagenet_m
                    and not prediction_errors.is_multi_label_correct
                    then 1
            end
        ) as num_imagenet_m_errors

    from prediction_errors
    where not prediction_errors.is_problematic
    group by
        prediction_errors.model_id,
        prediction_errors.label_class_id,
        prediction_errors.is_in_organism_group,
        prediction_errors.is_in_artifact_group,
        prediction_errors.is_in_other_group

),

grouped as (

    select
        'all' as class_group,
        *
    from class_counts
    union all
    select
        'organism' as class_group,
        *
    from class_counts
    where is_in_organism_group
    union all
    select
        'artifact' as class_group,
        *
    from class_counts
    where is_in_artifact_group
    union all
    select
        'other' as class_group,
        *
    from class_counts
    where is_in_other_group

),

per_class as (

    select
        model_id,
        class_group,
        label_class_id,
        sum(num_samples) as num_samples,
        sum(num_top1_correct) as num_top1_correct,
        sum(num_multi_label_correct) as num_multi_label_correct,
        sum(num_correct_up_to_minor) as num_correct_up_to_minor,
        sum(num_correct_up_to_explainable) as num_correct_up_to_explainable,
        sum(num_overlapping_classes) as num_overlapping_classes,
        sum(num_multi_label) as num_multi_label,
        sum(num_fine_grained) as num_fine_grained,
        sum(num_fine_grained_oov) as num_fine_grained_oov,
        sum(num_spurious_correlation) as num_spurious_correlation,
        sum(num_non_prototypical) as num_non_prototypical,
        sum(num_model_failure) as num_model_failure,
        sum(num_oov_checks) as num_oov_checks,
        sum(num_oov_not_evaluated) as num_oov_not_evaluated,
        sum(num_imagenet_m_samples) as num_imagenet_m_samples,
        sum(num_imagenet_m_errors) as num_imagenet_m_errors,
        max(predictions_written_at) as predictions_written_at,
        max(predictions_fingerprint) as predictions_fingerprint

    from grouped
    group by model_id, class_group, label_class_id

),

final as (

    select
        model_id,
        class_group,
        cast(sum(num_samples) as bigint) as num_samples,
        cast(sum(num_top1_correct) as bigint) as num_top1_correct,
        cast(sum(num_samples) - sum(num_top1_correct) as bigint) as num_top1_errors,
        100.0 * sum(num_top1_correct) / sum(num_samples) as top1_accuracy,
        100.0 * avg(1.0 * num_multi_label_correct / num_samples) as mla,
        100.0 * avg(1.0 * num_correct_up_to_minor / num_samples) as mla_minor_errors_correct,
        100.0 * avg(1.0 * num_correct_up_to_explainable / num_samples)
            as mla_minor_explainable_errors_correct,
        cast(sum(num_overlapping_classes) as bigint) as num_overlapping_classes,
        cast(sum(num_multi_label) as bigint) as num_multi_label,
        cast(sum(num_fine_grained) as bigint) as num_fine_grained,
        cast(sum(num_fine_grained_oov) as bigint) as num_fine_grained_oov,
        cast(sum(num_spurious_correlation) as bigint) as num_spurious_correlation,
        cast(sum(num_non_prototypical) as bigint) as num_non_prototypical,
        cast(sum(num_model_failure) as bigint) as num_model_failure,
        cast(sum(num_oov_checks) as bigint) as num_oov_checks,
        cast(sum(num_oov_not_evaluated) as bigint) as num_oov_not_evaluated,
        case
            when sum(num_oov_checks) = 0 then 'no errors reached it'
            when sum(num_oov_not_evaluated) = 0 then 'checked'
            when sum(num_oov_not_evaluated) = sum(num_oov_checks) then 'not evaluated'
            else 'partly evaluated'
        end as oov_check_status,
        cast(sum(num_imagenet_m_samples) as bigint) as num_imagenet_m_samples,
        cast(sum(num_imagenet_m_errors) as bigint) as num_imagenet_m_errors,
        max(predictions_written_at) as predictions_written_at,
        max(predictions_fingerprint) as predictions_fingerprint,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint

    from per_class
    group by model_id, class_group

)

select * from final
