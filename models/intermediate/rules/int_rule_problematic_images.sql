-- Problematic images (annotators disagreed with the original label or with
-- each other) are kept out of the accuracy figures and get the reference's own
-- categories, first match wins: no accepted multi-label at all; the prediction
-- is accepted although the original label is not; the prediction shares a
-- superclass with the original label (or CLIP calls it OOV); the prediction
-- co-occurs with the original label.
with

error_cases as (

    select * from {{ ref('int_error_cases') }}
    {{- only_cases_added_this_run() }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

cooccurring_class_pairs as (

    select * from {{ ref('int_cooccurring_class_pairs') }}

),

oov_verdicts as (

    select * from {{ ref('stg_ingest__oov_verdicts') }}

),

problematic_cases as (

    select * from error_cases
    where is_problematic

),

accepted_label_counts as (

    select
        image_id,
        count(*) as accepted_label_count

    from multi_labels
    where is_accepted
    group by image_id

),

accepted_predictions as (

    select distinct
        image_id,
        class_id as predicted_class_id

    from multi_labels
    where is_accepted

),

final as (

    select
        problematic_cases.image_id,
        problematic_cases.predicted_class_id,
        case
            when accepted_label_counts.image_id is null
                then 'problematic_no_accepted_label'
            when accepted_predictions.image_id is not null
                then 'problematic_prediction_accepted_label_not'
            when same_superclass_pairs.class_id is not null or oov_verdicts.is_fine_grained_oov
                then 'problematic_similar_to_label'
            when cooccurring_class_pairs.class_id is not null
                then 'problematic_cooccurs_with_label'
            else 'problematic_unexplained'
        end as problematic_category

    from problematic_cases
    left join accepted_label_counts
        on problematic_cases.image_id = accepted_label_counts.image_id
    left join accepted_predictions
        on
            problematic_cases.image_id = accepted_predictions.image_id
            and problematic_cases.predicted_class_id = accepted_predictions.predicted_class_id
    left join same_superclass_pairs
        on
            problematic_cases.predicted_class_id = same_superclass_pairs.class_id
            and problematic_cases.label_class_id = same_superclass_pairs.other_class_id
    left join oov_verdicts
        on
            problematic_cases.image_id = oov_verdicts.image_id
            and problematic_cases.predicted_class_id = oov_verdicts.predicted_class_id
    left join cooccurring_class_pairs
        on
            problematic_cases.predicted_class_id = cooccurring_class_pairs.class_id
            and problematic_cases.label_class_id = cooccurring_class_pairs.other_class_id

)

select * from final
