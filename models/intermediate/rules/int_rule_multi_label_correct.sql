-- Rule 2: the prediction is one of the image's accepted multi-labels (correct
-- or unclear): a top-1 error, but not a mistake.
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

final as (

    select
        error_cases.image_id,
        error_cases.predicted_class_id,
        multi_labels.verdict as multi_label_verdict

    from error_cases
    inner join multi_labels
        on
            error_cases.image_id = multi_labels.image_id
            and error_cases.predicted_class_id = multi_labels.class_id
    where multi_labels.is_accepted

)

select * from final
