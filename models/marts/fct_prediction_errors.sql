-- One row per model and evaluated image: the top-1 prediction, whether it is
-- right, and, when it is not, its error category with the evidence. Models are
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

final as (

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
        case
            when predictions.predicted_class_id = evaluation_images.label_class_id
                then evaluation_images.is_label_accepted
            else coalesce(error_categories.is_prediction_accepted, false)
        end as is_multi_label_correct,
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

)

select * from final
