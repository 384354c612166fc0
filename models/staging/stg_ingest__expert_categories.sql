with

source as (

    select * from {{ source_or_empty('ingest', 'expert_categories') }}

),

renamed as (

    select
        model_id,
        image_id,
        cast(predicted_class_id as integer) as predicted_class_id,
        expert_category,
        expert_severity

    from source

)

select * from renamed
