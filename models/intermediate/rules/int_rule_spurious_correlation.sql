-- Rule 5: the prediction is a class that often appears together with one of
-- the image's accepted multi-labels (a paddle for a canoe). Evidence: the label
-- it co-occurs with most, and on how many images.
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

cooccurring_class_pairs as (

    select * from {{ ref('int_cooccurring_class_pairs') }}

),

matches as (

    select
        error_cases.image_id,
        error_cases.predicted_class_id,
        multi_labels.class_id as cooccurring_label_class_id,
        cooccurring_class_pairs.cooccurrence_image_count,
        row_number() over (
            partition by error_cases.image_id, error_cases.predicted_class_id
            order by cooccurring_class_pairs.cooccurrence_image_count desc, multi_labels.class_id asc
        ) as match_rank

    from error_cases
    inner join multi_labels
        on error_cases.image_id = multi_labels.image_id
    inner join cooccurring_class_pairs
        on
            error_cases.predicted_class_id = cooccurring_class_pairs.class_id
            and multi_labels.class_id = cooccurring_class_pairs.other_class_id
    where multi_labels.is_accepted

),

final as (

    select
        image_id,
        predicted_class_id,
        cooccurring_label_class_id,
        cooccurrence_image_count

    from matches
    where match_rank = 1

)

select * from final
