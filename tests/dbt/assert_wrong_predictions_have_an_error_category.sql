-- A wrong top-1 prediction always comes out as an error category: one left
-- `correct` means its (image, prediction) case was never classified, as when
-- a predictions file is older than those int_error_cases already read (it
-- reads only predictions written after its newest). Checks the rows this
-- build classified; `imagenet-errors build --full-refresh` repairs it.
-- Returns the offending predictions.
with

prediction_errors as (

    select * from {{ ref('fct_prediction_errors') }}
    where {{ written_this_run('classified_at') }}

),

final as (

    select
        model_id,
        image_id,
        predicted_class_id,
        label_class_id,
        predictions_written_at

    from prediction_errors
    where not is_top1_correct and error_category = 'correct'

)

select * from final
