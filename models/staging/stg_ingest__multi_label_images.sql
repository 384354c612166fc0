with

source as (

    select * from {{ source_or_empty('ingest', 'multi_label_images') }}

),

renamed as (

    select
        image_id,
        coalesce(is_problematic, false) as is_problematic,
        coalesce(is_imagenet_m, false) as is_imagenet_m,
        annotation_source

    from source

)

select * from renamed
