-- Rule 4: the image shows something ImageNet has no class for, close to what
-- the model predicted: the CLIP open-world check (int_oov_checks) found an
-- out-of-vocabulary proposal. A verdict supplied for the case
-- (`imagenet-errors oov import`) takes precedence over the check.
with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

oov_checks as (

    select * from {{ ref('int_oov_checks') }}

),

oov_verdicts as (

    select * from {{ ref('stg_ingest__oov_verdicts') }}

),

decided as (

    select
        error_cases.image_id,
        error_cases.predicted_class_id,
        case
            when oov_verdicts.image_id is not null then 'supplied_verdict'
            else 'clip_check'
        end as oov_decided_by,
        coalesce(
            oov_verdicts.is_fine_grained_oov, oov_checks.oov_check = 'out_of_vocabulary', false
        ) as is_fine_grained_oov

    from error_cases
    left join oov_checks
        on error_cases.error_case_key = oov_checks.error_case_key
    left join oov_verdicts
        on
            error_cases.image_id = oov_verdicts.image_id
            and error_cases.predicted_class_id = oov_verdicts.predicted_class_id

),

final as (

    select distinct
        image_id,
        predicted_class_id,
        oov_decided_by

    from decided
    where is_fine_grained_oov

)

select * from final
