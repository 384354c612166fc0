-- One row per model with predictions: when its predictions were last written,
-- how many there are, and the fingerprint of their content. Incremental
-- models compare the fingerprint with the one they hold to find the models to
-- (re)classify, and the models they hold that are gone. From the files'
-- footers (stg_ingest__prediction_files), not their rows.
with

prediction_files as (

    select * from {{ ref('stg_ingest__prediction_files') }}

),

model_files as (

    select distinct
        model_id,
        file_content_digest

    from prediction_files

),

fingerprints as (

    select
        model_id,
        md5({{ ordered_string_agg('file_content_digest', "','") }}) as predictions_fingerprint

    from model_files
    group by model_id

),

totals as (

    select
        model_id,
        max(predictions_written_at) as predictions_written_at,
        sum(num_predictions) as num_predictions

    from prediction_files
    group by model_id

),

final as (

    select
        totals.model_id,
        totals.predictions_written_at,
        totals.num_predictions,
        fingerprints.predictions_fingerprint

    from totals
    inner join fingerprints
        on totals.model_id = fingerprints.model_id

)

select * from final
