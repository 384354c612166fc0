with

source as (

    select * from {{ source_or_empty('ingest', 'clip_image_embeddings') }}

),

renamed as (

    select
        image_id,
        clip_model,
        embedding as image_embedding

    from source

)

select * from renamed
