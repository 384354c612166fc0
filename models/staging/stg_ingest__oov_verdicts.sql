with

source as (

    select * from {{ source_or_empty('ingest', 'oov_verdicts') }}

),

renamed as (

    select
        image_id,
        cast(predicted_class_id as integer) as predicted_class_id,
        is_fine_grained_oov

    from source

)

select * from renamed
