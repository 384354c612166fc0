with

source as (

    select * from {{ source_or_empty('ingest', 'image_labels') }}

),

renamed as (

    select
        image_id,
        cast(label_class_id as integer) as label_class_id

    from source

)

select * from renamed
