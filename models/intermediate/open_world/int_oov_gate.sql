-- The first half of the CLIP open-world check (rule 4): every error case
-- that reaches it (not decided by overlapping classes, multi-label,
-- fine-grained or, on problematic images, the checks against the label) with
-- its image's CLIP model, when the image has an embedding, and its gate: how
-- many of the image's 10 nearest reference images have a class sharing a
-- superclass with the prediction. As in the reference, a class in no
-- superclass is a superclass of its own, so a neighbour of the predicted
-- class itself always counts. The check scores proposals only for cases whose
-- gate is open.
-- A table of the cases this build decides (int_undecided_error_cases).

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

problematic_images as (

    select * from {{ ref('int_rule_problematic_images') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

image_embeddings as (

    select * from {{ ref('stg_ingest__clip_image_embeddings') }}

),

image_neighbours as (

    select * from {{ ref('stg_ingest__clip_image_neighbours') }}

),

open_cases as (

    select
        error_cases.error_case_key,
        error_cases.image_id,
        error_cases.predicted_class_id,
        error_cases.label_class_id

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
    left join problematic_images
        on
            error_cases.image_id = problematic_images.image_id
            and error_cases.predicted_class_id = problematic_images.predicted_class_id
    where
        error_cases.label_class_id is not null
        and overlapping_classes.image_id is null
        and multi_label_correct.image_id is null
        and fine_grained.image_id is null
        and problematic_images.image_id is null

),

-- Which CLIP model embedded each case's image, without the vectors.
embedded_cases as (

    select
        open_cases.error_case_key,
        image_embeddings.clip_model

    from open_cases
    inner join image_embeddings
        on open_cases.image_id = image_embeddings.image_id

),

-- Neighbours of the predicted class or of a class sharing a superclass with it.
gate_neighbours as (

    select
        open_cases.error_case_key,
        count(distinct image_neighbours.neighbour_rank) as num_gate_neighbours

    from open_cases
    inner join embedded_cases
        on open_cases.error_case_key = embedded_cases.error_case_key
    inner join image_neighbours
        on
            open_cases.image_id = image_neighbours.image_id
            and embedded_cases.clip_model = image_neighbours.clip_model
    left join same_superclass_pairs
        on
            open_cases.predicted_class_id = same_superclass_pairs.class_id
            and image_neighbours.neighbour_class_id = same_superclass_pairs.other_class_id
    where
        image_neighbours.neighbour_class_id = open_cases.predicted_class_id
        or same_superclass_pairs.class_id is not null
    group by open_cases.error_case_key

),

final as (

    select
        open_cases.error_case_key,
        open_cases.image_id,
        open_cases.predicted_class_id,
        open_cases.label_class_id,
        embedded_cases.clip_model,
        case
            when embedded_cases.error_case_key is not null
                then coalesce(gate_neighbours.num_gate_neighbours, 0)
        end as num_gate_neighbours,
        {{ run_started_timestamp() }} as added_at

    from open_cases
    left join embedded_cases
        on open_cases.error_case_key = embedded_cases.error_case_key
    left join gate_neighbours
        on open_cases.error_case_key = gate_neighbours.error_case_key

)

select * from final
