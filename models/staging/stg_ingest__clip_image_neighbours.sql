with

source as (

    select * from {{ source_or_empty('ingest', 'clip_image_neighbours') }}

),

renamed as (

    select
        image_id,
        clip_model,
        cast(neighbour_rank as integer) as neighbour_rank,
        neighbour_image_id,
        cast(neighbour_class_id as integer) as neighbour_class_id,
        cast(similarity as double) as similarity

    from source

)

select * from renamed
