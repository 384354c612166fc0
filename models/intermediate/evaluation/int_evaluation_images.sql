-- The evaluation set at image grain: original label, whether the annotators
-- accepted it or any label at all, and which class groups the image belongs to (a group holds an
-- image when any of its accepted multi-labels is in the group).
with

multi_label_images as (

    select * from {{ ref('stg_ingest__multi_label_images') }}

),

image_labels as (

    select * from {{ ref('stg_ingest__image_labels') }}

),

multi_labels as (

    select * from {{ ref('stg_ingest__multi_labels') }}

),

classes as (

    select * from {{ ref('imagenet_classes') }}

),

image_keys as (

    select * from {{ ref('int_image_keys') }}

),

accepted_labels as (

    select
        multi_labels.image_id,
        multi_labels.class_id,
        classes.class_group

    from multi_labels
    inner join classes
        on multi_labels.class_id = classes.class_id
    where multi_labels.is_accepted

),

image_flags as (

    select
        accepted_labels.image_id,
        max(case when accepted_labels.class_id = image_labels.label_class_id then 1 else 0 end)
        = 1 as is_label_accepted,
        max(case when accepted_labels.class_group = 'organism' then 1 else 0 end)
        = 1 as is_in_organism_group,
        max(case when accepted_labels.class_group = 'artifact' then 1 else 0 end)
        = 1 as is_in_artifact_group,
        max(case when accepted_labels.class_group = 'other' then 1 else 0 end)
        = 1 as is_in_other_group

    from accepted_labels
    left join image_labels
        on accepted_labels.image_id = image_labels.image_id
    group by accepted_labels.image_id

),

final as (

    select
        multi_label_images.image_id,
        image_keys.image_key,
        image_labels.label_class_id,
        multi_label_images.is_problematic,
        multi_label_images.is_imagenet_m,
        coalesce(image_flags.is_label_accepted, false) as is_label_accepted,
        image_flags.image_id is not null as has_accepted_label,
        coalesce(image_flags.is_in_organism_group, false) as is_in_organism_group,
        coalesce(image_flags.is_in_artifact_group, false) as is_in_artifact_group,
        coalesce(image_flags.is_in_other_group, false) as is_in_other_group

    from multi_label_images
    inner join image_keys
        on multi_label_images.image_id = image_keys.image_id
    left join image_labels
        on multi_label_images.image_id = image_labels.image_id
    left join image_flags
        on multi_label_images.image_id = image_flags.image_id

)

select * from final
