with

source as (

    select * from {{ source_or_empty('ingest', 'reference_models') }}

),

renamed as (

    select
        idx as reference_index,
        model_id,
        source as model_source,
        arch as architecture,
        arch_group as architecture_group,
        arch_family as architecture_type,
        dataset as training_data,
        extra_annotations

    from source

)

select * from renamed
