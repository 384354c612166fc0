with

source as (

    select * from {{ source_or_empty('ingest', 'models') }}

),

renamed as (

    select
        model_id,
        source as model_source,
        architecture,
        architecture_family,
        parameter_count,
        pretraining_data,
        input_size,
        crop_pct,
        interpolation,
        image_set,
        num_images,
        num_skipped_images,
        device,
        wall_seconds,
        top1_accuracy as ingest_top1_accuracy,
        written_at as ingested_at

    from source

)

select * from renamed
