-- One row per model and evaluated image: the top-1 prediction, whether it is
-- right, and, when it is not, its error category with the evidence; on
-- problematic images the status of the labels as well. Models are
-- classified incrementally: a build classifies the models whose predictions
-- are new or were rewritten (predictions_fingerprint) and drops those whose
-- predictions are gone; it is rebuilt whole when any other input changed
-- (inputs_fingerprint). A row that breaks what users rely on (a class out of
-- range, a wrong prediction with no category) fails the insert itself.
{{
    config(
        materialized=incremental_materialization(),
        unique_key='model_id',
        incremental_strategy='delete+insert',
        pre_hook="{{ drop_models_gone(ref('int_prediction_batches')) }}",
    )
}}

with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}
    where {{ models_to_refresh_filter(ref('int_prediction_batches')) }}

),

prediction_batches as (

    select * from {{ ref('int_prediction_batches') }}

),

evaluation_images as (

    select * from {{ ref('int_evaluation_images') }}

),

error_categories as (

    select * from {{ ref('int_error_categories') }}

),

classified as (

    select
        predictions.model_id,
        predictions.image_id,
        evaluation_images.label_class_id,
        predictions.predicted_class_id,
        predictions.predicted_probability,
        evaluation_images.is_problematic,
        evaluation_images.is_imagenet_m,
        evaluation_images.is_in_organism_group,
        evaluation_images.is_in_artifact_group,
        evaluation_images.is_in_other_group,
        coalesce(
            predictions.predicted_class_id = evaluation_images.label_class_id, false
        ) as is_top1_correct,
        -- Correct under the reference's multi-label accuracy: the label itself
        -- (unless the annotators of a problematic image rejected it), an
        -- overlapping class of it, or an accepted multi-label.
        case
            when predictions.predicted_class_id = evaluation_images.label_class_id
                then evaluation_images.is_label_accepted or not evaluation_images.is_problematic
            else
                coalesce(error_categories.is_prediction_accepted, false)
                or coalesce(error_categories.error_category = 'overlapping_classes', false)
        end as is_multi_label_correct,
        evaluation_images.is_label_accepted,
        evaluation_images.has_accepted_label,
        -- No decision for a wrong prediction stays null, and fails below.
        case
            when predictions.predicted_class_id = evaluation_images.label_class_id then 'correct'
            else error_categories.error_category
        end as error_category,
        case
            when predictions.predicted_class_id = evaluation_images.label_class_id then 'correct'
            else error_categories.error_severity
        end as error_severity,
        error_categories.shared_superclass,
        error_categories.similar_label_class_id,
        error_categories.cooccurring_label_class_id,
        error_categories.cooccurrence_image_count,
        error_categories.oov_decided_by,
        error_categories.oov_check,
        error_categories.oov_best_lemma,
        error_categories.oov_best_wnid,
        error_categories.oov_best_similarity,
        error_categories.oov_num_proposals,
        error_categories.oov_num_gate_neighbours,
        predictions.predictions_written_at,
        prediction_batches.predictions_fingerprint,
        {{ run_started_timestamp() }} as classified_at

    from predictions
    inner join prediction_batches
        on predictions.model_id = prediction_batches.model_id
    inner join evaluation_images
        on predictions.image_id = evaluation_images.image_id
    left join error_categories
        on
            {{ error_case_key('evaluation_images.image_key', 'predictions.predicted_class_id') }}
            = error_categories.error_case_key

),

final as (

    select
        model_id,
        image_id,
        label_class_id,
        predicted_class_id,
        predicted_probability,
        is_problematic,
        is_imagenet_m,
        is_in_organism_group,
        is_in_artifact_group,
        is_in_other_group,
        is_top1_correct,
        is_multi_label_correct,
        error_category,
        error_severity,
        -- The reference's outcome for the labels of a problematic image, which
        -- it records before going down the rules (README, Problematic images).
        case
            when not is_problematic then null
            when is_label_accepted then 'label_accepted'
            when not has_accepted_label and is_top1_correct
                then 'no_accepted_label_prediction_is_label'
            when not has_accepted_label and error_category = 'overlapping_classes'
                then 'no_accepted_label_overlapping_classes'
            when not has_accepted_label then 'no_accepted_label_wrong'
            when is_top1_correct then 'label_not_accepted_prediction_is_label'
            else 'label_not_accepted'
        end as label_status,
        shared_superclass,
        similar_label_class_id,
        cooccurring_label_class_id,
        cooccurrence_image_count,
        oov_decided_by,
        oov_check,
        oov_best_lemma,
        oov_best_wnid,
        oov_best_similarity,
        oov_num_proposals,
        oov_num_gate_neighbours,
        predictions_written_at,
        predictions_fingerprint,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint,
        classified_at

    from classified
    where
        {{ fail_when(
            'predicted_class_id not between 0 and 999',
            "'fct_prediction_errors: model ' || model_id || ' predicts class '"
            ~ " || predicted_class_id || ' on ' || image_id || ', not a class index (0-999)'"
        ) }}
        and {{ fail_when(
            'not predicted_probability between 0 and 1',
            "'fct_prediction_errors: model ' || model_id || ' gives ' || image_id"
            ~ " || ' the probability ' || predicted_probability || ', not in [0, 1]'"
        ) }}
        and {{ fail_when(
            'error_category is null',
            "'fct_prediction_errors: the wrong prediction of ' || model_id || ' on ' || image_id"
            ~ " || ' has no error category: int_error_categories is behind it; build it too'"
            ~ " || ' (dbt build --select +fct_prediction_errors)'"
        ) }}

)

select * from final
