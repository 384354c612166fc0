-- Ephemeral, unlike the other staging models: it reads the files that change
-- on every build that adds a model, so as a view dbt would recreate it each
-- time for nothing (DuckDB globs again at query time anyway), on the path
-- every added model waits on. Its models inline it instead.
{{ config(materialized='ephemeral') }}

with

source as (

    select * from {{ source_or_empty('ingest', 'predictions') }}

),

renamed as (

    select
        model_id,
        image_id,
        -- Element 1 (counted from 1) is the top-1 prediction.
        cast({{ array_element('top5_class_ids', 1) }} as integer) as predicted_class_id,
        cast({{ array_element('top5_probabilities', 1) }} as double) as predicted_probability,
        top5_class_ids,
        top5_probabilities,
        cast(label_rank as integer) as label_rank,
        written_at as predictions_written_at

    from source

)

select * from renamed
