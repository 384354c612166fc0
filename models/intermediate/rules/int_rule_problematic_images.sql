-- Rule 3 on problematic images whose original label is not among their
-- accepted multi-labels (or that have none): as the reference does, the
-- prediction is checked against the label instead of against the accepted
-- labels' superclasses. It shares a superclass with the label (the
-- reference's "fine-grained/OOV because of the same superclass as the
-- target"), else it co-occurs with the label. Neither: the case goes on to
-- the open-world check and the later rules, as on any image. Evidence: the
-- first shared superclass by name, or the co-occurrence count.
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

cooccurring_class_pairs as (

    select * from {{ ref('int_cooccurring_class_pairs') }}

),

checked_cases as (

    select * from error_cases
    where is_checked_against_label

),

decided as (

    select
        checked_cases.image_id,
        checked_cases.predicted_class_id,
        case
            when same_superclass_pairs.class_id is not null
                then 'problematic_similar_to_label'
            when cooccurring_class_pairs.class_id is not null
                then 'problematic_cooccurs_with_label'
        end as problematic_category,
        same_superclass_pairs.shared_superclass,
        case
            when same_superclass_pairs.class_id is null
                then cooccurring_class_pairs.cooccurrence_image_count
        end as cooccurrence_image_count,
        checked_cases.label_class_id

    from checked_cases
    left join same_superclass_pairs
        on
            checked_cases.predicted_class_id = same_superclass_pairs.class_id
            and checked_cases.label_class_id = same_superclass_pairs.other_class_id
    left join cooccurring_class_pairs
        on
            checked_cases.predicted_class_id = cooccurring_class_pairs.class_id
            and checked_cases.label_class_id = cooccurring_class_pairs.other_class_id

),

final as (

    select
        image_id,
        predicted_class_id,
        problematic_category,
        shared_superclass,
        cooccurrence_image_count,
        label_class_id as checked_label_class_id

    from decided
    where problematic_category is not null

)

select * from final
