-- Rule 3: the prediction shares a superclass with one of the image's accepted
-- multi-labels (a husky for a malamute). Evidence: the first such superclass
-- and label by name and class index. Not on problematic images whose label is
-- not accepted: those are checked against the label (int_rule_problematic_images).
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

matches as (

    select
        error_cases.image_id,
        error_cases.predicted_class_id,
        same_superclass_pairs.shared_superclass,
        multi_labels.class_id as similar_label_class_id,
        row_number() over (
            partition by error_cases.image_id, error_cases.predicted_class_id
            order by same_superclass_pairs.shared_superclass, multi_labels.class_id
        ) as match_rank

    from error_cases
    inner join multi_labels
        on error_cases.image_id = multi_labels.image_id
    inner join same_superclass_pairs
        on
            error_cases.predicted_class_id = same_superclass_pairs.class_id
            and multi_labels.class_id = same_superclass_pairs.other_class_id
    where multi_labels.is_accepted and not error_cases.is_checked_against_label

),

final as (

    select
        image_id,
        predicted_class_id,
        shared_superclass,
        similar_label_class_id

    from matches
    where match_rank = 1

)

select * from final
