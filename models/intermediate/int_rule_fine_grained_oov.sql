-- Rule 4: the image shows something ImageNet has no class for, close to what
-- the model predicted (decided by the CLIP open-world check, supplied as
-- verdicts per image and predicted class).
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

error_cases as (

    select * from {{ ref('int_error_cases') }}
    {{- only_cases_added_this_run() }}

),

oov_verdicts as (

    select * from {{ ref('stg_ingest__oov_verdicts') }}

),

final as (

    select distinct
        error_cases.image_id,
        error_cases.predicted_class_id

    from error_cases
    inner join oov_verdicts
        on
            error_cases.image_id = oov_verdicts.image_id
            and error_cases.predicted_class_id = oov_verdicts.predicted_class_id
    where oov_verdicts.is_fine_grained_oov

)

select * from final
