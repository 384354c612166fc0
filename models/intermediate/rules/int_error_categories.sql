-- One category per wrong (image, predicted class), in the reference study's
-- precedence: the first rule that holds wins. Problematic images go down the
-- same chain, but for the one rule the reference replaces on those whose label
-- is not accepted: their predictions are checked against the label
-- (int_rule_problematic_images) instead of the accepted labels' superclasses
-- (int_rule_fine_grained); each case is in at most one of the two.
-- Incremental: a build appends the decisions of the cases no build decided
-- yet (int_undecided_error_cases), and it is rebuilt whole when the inputs of
-- any rule changed (inputs_fingerprint).
{{ config(materialized=incremental_materialization()) }}

with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

overlapping_classes as (

    select * from {{ ref('int_rule_overlapping_classes') }}

),

multi_label_correct as (

    select * from {{ ref('int_rule_multi_label_correct') }}

),

fine_grained as (

    select * from {{ ref('int_rule_fine_grained') }}

),

fine_grained_oov as (

    select * from {{ ref('int_rule_fine_grained_oov') }}

),

oov_checks as (

    select * from {{ ref('int_oov_checks') }}

),

spurious_correlation as (

    select * from {{ ref('int_rule_spurious_correlation') }}

),

non_prototypical as (

    select * from {{ ref('int_rule_non_prototypical') }}

),

problematic_images as (

    select * from {{ ref('int_rule_problematic_images') }}

),

categorised as (

    select
        error_cases.error_case_key,
        error_cases.image_id,
        error_cases.predicted_class_id,
        error_cases.label_class_id,
        error_cases.is_problematic,
        case
            when overlapping_classes.image_id is not null then 'overlapping_classes'
            when multi_label_correct.image_id is not null then 'multi_label'
            when fine_grained.image_id is not null then 'fine_grained'
            when problematic_images.image_id is not null then problematic_images.problematic_category
            when fine_grained_oov.image_id is not null then 'fine_grained_oov'
            when spurious_correlation.image_id is not null then 'spurious_correlation'
            when non_prototypical.image_id is not null then 'non_prototypical'
            else 'model_failure'
        end as error_category,
        multi_label_correct.image_id is not null as is_prediction_accepted,
        coalesce(fine_grained.shared_superclass, problematic_images.shared_superclass)
            as shared_superclass,
        coalesce(
            fine_grained.similar_label_class_id,
            case
                when problematic_images.shared_superclass is not null
                    then problematic_images.checked_label_class_id
            end
        ) as similar_label_class_id,
        -- The check against the label comes before rule 5, which may hold too.
        coalesce(
            case
                when problematic_images.cooccurrence_image_count is not null
                    then problematic_images.checked_label_class_id
            end,
            spurious_correlation.cooccurring_label_class_id
        ) as cooccurring_label_class_id,
        coalesce(
            problematic_images.cooccurrence_image_count,
            spurious_correlation.cooccurrence_image_count
        ) as cooccurrence_image_count,
        fine_grained_oov.oov_decided_by,
        oov_checks.oov_check,
        oov_checks.best_lemma as oov_best_lemma,
        oov_checks.best_wnid as oov_best_wnid,
        oov_checks.best_similarity as oov_best_similarity,
        oov_checks.num_proposals as oov_num_proposals,
        oov_checks.num_gate_neighbours as oov_num_gate_neighbours

    from error_cases
    left join overlapping_classes
        on
            error_cases.image_id = overlapping_classes.image_id
            and error_cases.predicted_class_id = overlapping_classes.predicted_class_id
    left join multi_label_correct
        on
            error_cases.image_id = multi_label_correct.image_id
            and error_cases.predicted_class_id = multi_label_correct.predicted_class_id
    left join fine_grained
        on
            error_cases.image_id = fine_grained.image_id
            and error_cases.predicted_class_id = fine_grained.predicted_class_id
    left join fine_grained_oov
        on
            error_cases.image_id = fine_grained_oov.image_id
            and error_cases.predicted_class_id = fine_grained_oov.predicted_class_id
    left join oov_checks
        on error_cases.error_case_key = oov_checks.error_case_key
    left join spurious_correlation
        on
            error_cases.image_id = spurious_correlation.image_id
            and error_cases.predicted_class_id = spurious_correlation.predicted_class_id
    left join non_prototypical
        on
            error_cases.image_id = non_prototypical.image_id
            and error_cases.predicted_class_id = non_prototypical.predicted_class_id
    left join problematic_images
        on
            error_cases.image_id = problematic_images.image_id
            and error_cases.predicted_class_id = problematic_images.predicted_class_id

),

final as (

    select
        error_case_key,
        image_id,
        predicted_class_id,
        label_class_id,
        is_problematic,
        error_category,
        {{ error_severity('error_category') }} as error_severity,
        is_prediction_accepted,
        -- Evidence is kept only for the rule that decided.
        case
            when error_category in ('fine_grained', 'problematic_similar_to_label')
                then shared_superclass
        end as shared_superclass,
        case
            when error_category in ('fine_grained', 'problematic_similar_to_label')
                then similar_label_class_id
        end as similar_label_class_id,
        case
            when error_category in ('spurious_correlation', 'problematic_cooccurs_with_label')
                then cooccurring_label_class_id
        end as cooccurring_label_class_id,
        case
            when error_category in ('spurious_correlation', 'problematic_cooccurs_with_label')
                then cooccurrence_image_count
        end as cooccurrence_image_count,
        case when error_category = 'fine_grained_oov' then oov_decided_by end as oov_decided_by,
        -- The open-world check's outcome and evidence, whatever category won:
        -- `not_evaluated` tells a user the rule could not run (no embeddings).
        oov_check,
        oov_best_lemma,
        oov_best_wnid,
        oov_best_similarity,
        oov_num_proposals,
        oov_num_gate_neighbours,
        {{ run_started_timestamp() }} as classified_at,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint

    from categorised

)

select * from final
