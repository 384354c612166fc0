-- A table, unlike the other staging models: every build that adds a model looks
-- up the embeddings of a few dozen images. From Parquet, DuckDB decoded all
-- 50,000 images' 768-float lists to find them (0.5 s); from a table it reads
-- only the rows the join keeps (0.05 s). `imagenet-errors build` rebuilds it
-- only when the embeddings change.
{{ config(materialized='table') }}

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
