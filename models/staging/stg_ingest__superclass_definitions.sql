with

source as (

    select * from {{ source_or_empty('ingest', 'superclass_definitions') }}

),

renamed as (

    select
        superclass,
        cast(predicate_id as integer) as predicate_id,
        lemma,
        definitions_source

    from source

)

select * from renamed
