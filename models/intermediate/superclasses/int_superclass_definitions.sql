-- The superclass definitions this build uses: those imported with
-- `imagenet-errors superclasses import` when there are any, else the project's
-- own seed. `definitions_source` says which.
with

imported as (

    select * from {{ ref('stg_ingest__superclass_definitions') }}

),

seeded as (

    select
        superclass,
        predicate_id,
        lemma,
        'seeds/superclass_definitions.csv' as definitions_source

    from {{ ref('superclass_definitions') }}

),

final as (

    select
        superclass,
        predicate_id,
        lemma,
        definitions_source
    from imported
    union all
    select
        superclass,
        predicate_id,
        lemma,
        definitions_source
    from seeded
    where not exists (select 1 from imported)

)

select * from final
