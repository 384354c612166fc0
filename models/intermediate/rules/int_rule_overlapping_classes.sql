-- Rule 1: the prediction names the same thing as the label under another
-- class (the reference's collapsed mappings, e.g. laptop and notebook).
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

overlapping_class_pairs as (

    select * from {{ ref('overlapping_class_pairs') }}

),

final as (

    select
        error_cases.image_id,
        error_cases.predicted_class_id,
        overlapping_class_pairs.label_class_id as overlapping_label_class_id

    from error_cases
    inner join overlapping_class_pairs
        on
            error_cases.label_class_id = overlapping_class_pairs.label_class_id
            and error_cases.predicted_class_id = overlapping_class_pairs.predicted_class_id

)

select * from final
