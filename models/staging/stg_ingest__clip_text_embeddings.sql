with

source as (

    select * from {{ source_or_empty('ingest', 'clip_text_embeddings') }}

),

renamed as (

    select
        lemma,
        prompt,
        clip_model,
        embedding as lemma_embedding

    from source

)

select * from renamed
