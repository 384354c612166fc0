-- Ordered pairs of distinct classes that share at least one superclass.
with

members as (

    select * from {{ ref('int_superclass_members') }}

),

final as (

    select
        members.class_id,
        other_members.class_id as other_class_id,
        min(members.superclass) as shared_superclass,
        count(*) as shared_superclass_count

    from members
    inner join members as other_members
        on
            members.superclass = other_members.superclass
            and members.class_id <> other_members.class_id
    group by members.class_id, other_members.class_id

)

select * from final
