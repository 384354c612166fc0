-- The 1,000 ImageNet classes with their group and superclasses, for labelling
-- class indices in BI tools.
with

classes as (

    select * from {{ ref('imagenet_classes') }}

),

superclass_members as (

    select * from {{ ref('int_superclass_members') }}

),

superclass_lists as (

    select
        class_id,
        {{ ordered_string_agg('superclass', "', '") }} as superclasses

    from superclass_members
    group by class_id

),

final as (

    select
        classes.class_id,
        classes.wnid,
        classes.class_name,
        classes.class_names,
        classes.class_group,
        superclass_lists.superclasses

    from classes
    left join superclass_lists
        on classes.class_id = superclass_lists.class_id

)

select * from final
