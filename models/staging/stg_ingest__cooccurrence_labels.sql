with

source as (

    select * from {{ source_or_empty('ingest', 'cooccurrence_labels') }}

),

renamed as (

    select
        image_id,
        cast(class_id as integer) as class_id

    from source

)

select * from renamed
