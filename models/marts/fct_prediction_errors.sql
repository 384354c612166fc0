-- One row per model and evaluated image: the top-1 prediction, whether it is
-- right, and, when it is not, its error category with the evidence; on
-- problematic images the status of the labels as well. Models are
-- classified incrementally: a build only classifies models whose predictions
-- are new or were rewritten since the last build.
{{
    config(
        materialized='incremental',
        unique_key='model_id',
        incremental_strategy='delete+insert',
    )
}}

with

predictions as (

    select * from {{ ref('stg_ingest__predictions') }}
    where {{ models_to_refresh_filter('model_id') }}

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
        coalesce(error_categories.error_category, 'correct') as error_category,
        coalesce(error_categories.error_severity, 'correct') as error_severity,
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
        {{ run_started_timestamp() }} as classified_at

    from predictions
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
        classified_at

    from classified

)

select * from final
