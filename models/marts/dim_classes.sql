-- The 1,000 ImageNet classes with their group and superclasses, for labelling
-- class indices in BI tools, and which superclass definitions the build used.
with

classes as (

    select * from {{ ref('imagenet_classes') }}

),

superclass_members as (

    select * from {{ ref('int_superclass_members') }}

),

superclass_definitions as (

    select * from {{ ref('int_superclass_definitions') }}

),

definitions_in_use as (

    select {{ ordered_string_agg('definitions_source', "'; '") }} as superclass_definitions

    from (select distinct definitions_source from superclass_definitions) as sources

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
        superclass_lists.superclasses,
        definitions_in_use.superclass_definitions

    from classes
    cross join definitions_in_use
    left join superclass_lists
        on classes.class_id = superclass_lists.class_id

)

select * from final
