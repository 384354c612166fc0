-- Per model and class group (all, organism, artifact, other): the figures of
-- the reference study's stats_imagenet_*.csv. Problematic images are left out;
-- an image is in a group when any of its accepted multi-labels is. Multi-label
-- accuracies are averaged per class of the original label, in percent.
with

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

classes as (

    select * from {{ ref('imagenet_classes') }}

),

image_groups as (

    select distinct
        multi_labels.image_id,
        classes.class_group

    from multi_labels
    inner join classes
        on multi_labels.class_id = classes.class_id
    where multi_labels.is_accepted

),

samples as (

    select
        prediction_errors.*,
        prediction_errors.is_multi_label_correct
        or prediction_errors.error_severity in ('correct', 'minor') as is_correct_up_to_minor,
        prediction_errors.is_multi_label_correct
        or prediction_errors.error_severity in (
            'correct', 'minor', 'explainable'
        ) as is_correct_up_to_explainable

    from prediction_errors
    where not prediction_errors.is_problematic

),

grouped_samples as (

    select
        samples.*,
        'all' as class_group

    from samples

    union all

    select
        samples.*,
        image_groups.class_group

    from samples
    inner join image_groups
        on samples.image_id = image_groups.image_id

),

per_class as (

    select
        model_id,
        class_group,
        label_class_id,
        avg(case when is_multi_label_correct then 1.0 else 0.0 end) as multi_label_accuracy,
        avg(case when is_correct_up_to_minor then 1.0 else 0.0 end) as minor_accuracy,
        avg(case when is_correct_up_to_explainable then 1.0 else 0.0 end) as explainable_accuracy

    from grouped_samples
    group by model_id, class_group, label_class_id

),

per_class_averages as (

    select
        model_id,
        class_group,
        100 * avg(multi_label_accuracy) as mla,
        100 * avg(minor_accuracy) as mla_minor_errors_correct,
        100 * avg(explainable_accuracy) as mla_minor_explainable_errors_correct

    from per_class
    group by model_id, class_group

),

counts as (

    select
        model_id,
        class_group,
        count(*) as num_samples,
        count(case when is_top1_correct then 1 end) as num_top1_correct,
        count(case when not is_top1_correct then 1 end) as num_top1_errors,
        count(case when error_category = 'overlapping_classes' then 1 end)
            as num_overlapping_classes,
        count(case when error_category = 'multi_label' then 1 end) as num_multi_label,
        count(case when error_category = 'fine_grained' then 1 end) as num_fine_grained,
        count(case when error_category = 'fine_grained_oov' then 1 end)
            as num_fine_grained_oov,
        count(case when error_category = 'spurious_correlation' then 1 end)
            as num_spurious_correlation,
        count(case when error_category = 'non_prototypical' then 1 end)
            as num_non_prototypical,
        count(case when error_category = 'model_failure' then 1 end) as num_model_failure,
        count(case when is_imagenet_m then 1 end) as num_imagenet_m_samples,
        count(case when is_imagenet_m and not is_multi_label_correct then 1 end)
            as num_imagenet_m_errors

    from grouped_samples
    group by model_id, class_group

),

final as (

    select
        counts.model_id,
        counts.class_group,
        counts.num_samples,
        counts.num_top1_correct,
        counts.num_top1_errors,
        100.0 * counts.num_top1_correct / counts.num_samples as top1_accuracy,
        per_class_averages.mla,
        per_class_averages.mla_minor_errors_correct,
        per_class_averages.mla_minor_explainable_errors_correct,
        counts.num_overlapping_classes,
        counts.num_multi_label,
        counts.num_fine_grained,
        counts.num_fine_grained_oov,
        counts.num_spurious_correlation,
        counts.num_non_prototypical,
        counts.num_model_failure,
        counts.num_imagenet_m_samples,
        counts.num_imagenet_m_errors

    from counts
    inner join per_class_averages
        on
            counts.model_id = per_class_averages.model_id
            and counts.class_group = per_class_averages.class_group

)

select * from final
