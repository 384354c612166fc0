-- Ordered pairs of classes that appear together in at least
-- `min_cooccurrence_images` images outside the evaluation set (ReaL labels plus
-- the original label), excluding pairs that share a superclass: those are
-- fine-grained confusions, not spurious correlations.
with

cooccurrence_labels as (

    select * from {{ ref('stg_ingest__cooccurrence_labels') }}

),

image_labels as (

    select * from {{ ref('stg_ingest__image_labels') }}

),

evaluation_set_images as (

    select * from {{ ref('int_evaluation_set_images') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

image_classes as (

    select
        image_id,
        class_id
    from cooccurrence_labels

    union

    select
        image_id,
        label_class_id as class_id
    from image_labels

),

outside_evaluation_set as (

    select image_classes.*

    from image_classes
    left join evaluation_set_images
        on image_classes.image_id = evaluation_set_images.image_id
    where evaluation_set_images.image_id is null

),

pair_counts as (

    select
        outside_evaluation_set.class_id,
        other_labels.class_id as other_class_id,
        count(distinct outside_evaluation_set.image_id) as cooccurrence_image_count

    from outside_evaluation_set
    inner join outside_evaluation_set as other_labels
        on
            outside_evaluation_set.image_id = other_labels.image_id
            and outside_evaluation_set.class_id <> other_labels.class_id
    group by outside_evaluation_set.class_id, other_labels.class_id

),

final as (

    select pair_counts.*

    from pair_counts
    left join same_superclass_pairs
        on
            pair_counts.class_id = same_superclass_pairs.class_id
            and pair_counts.other_class_id = same_superclass_pairs.other_class_id
    where
        pair_counts.cooccurrence_image_count >= {{ var('min_cooccurrence_images') }}
        and same_superclass_pairs.class_id is null

)

select * from final
