with

source as (

    select * from {{ source_or_empty('ingest', 'multi_labels') }}

),

renamed as (

    select
        image_id,
        cast(class_id as integer) as class_id,
        lower(verdict) as verdict,
        -- Shankar et al. count a prediction correct when it is correct or unclear.
        lower(verdict) in ('correct', 'unclear') as is_accepted

    from source

)

select * from renamed
