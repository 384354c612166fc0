-- The CLIP open-world check (rule 4) of every error case that reaches it: not
-- problematic, and not decided by an earlier rule (overlapping classes,
-- multi-label, fine-grained). First a gate: at least one of the image's 10
-- nearest reference images has a class sharing a superclass with the
-- prediction. Then every proposal lemma around the prediction
-- (int_oov_pair_proposals) is scored by the similarity of its prompt's text
-- embedding to the image embedding; the case is out of vocabulary when the
-- best lemma's synset is not one of the 1,000 classes. Without embeddings the
-- check is `not_evaluated`, never silently negative.
-- Incremental: a decision depends only on (image, prediction, label), so each
-- case is checked once, when it is added.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}

with

error_cases as (

    select * from {{ ref('int_error_cases') }}
    {{- only_cases_added_this_run() }}

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

superclass_members as (

    select * from {{ ref('int_superclass_members') }}

),

pair_proposals as (

    select * from {{ ref('int_oov_pair_proposals') }}

),

image_embeddings as (

    select * from {{ ref('stg_ingest__clip_image_embeddings') }}

),

image_neighbours as (

    select * from {{ ref('stg_ingest__clip_image_neighbours') }}

),

text_embeddings as (

    select * from {{ ref('stg_ingest__clip_text_embeddings') }}

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
    where
        not error_cases.is_problematic
        and error_cases.label_class_id is not null
        and overlapping_classes.image_id is null
        and multi_label_correct.image_id is null
        and fine_grained.image_id is null

),

embedded_cases as (

    select
        open_cases.error_case_key,
        image_embeddings.clip_model,
        image_embeddings.image_embedding

    from open_cases
    inner join image_embeddings
        on open_cases.image_id = image_embeddings.image_id

),

-- Neighbours whose class shares a superclass with the prediction.
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
    inner join superclass_members as neighbour_superclasses
        on image_neighbours.neighbour_class_id = neighbour_superclasses.class_id
    inner join superclass_members as predicted_superclasses
        on
            neighbour_superclasses.superclass = predicted_superclasses.superclass
            and open_cases.predicted_class_id = predicted_superclasses.class_id
    group by open_cases.error_case_key

),

scored_proposals as (

    select
        open_cases.error_case_key,
        pair_proposals.proposal_wnid,
        pair_proposals.lemma,
        pair_proposals.is_imagenet_class,
        text_embeddings.lemma is not null as is_embedded,
        {{ embedding_similarity('embedded_cases.image_embedding', 'text_embeddings.lemma_embedding') }}
            as similarity

    from open_cases
    inner join embedded_cases
        on open_cases.error_case_key = embedded_cases.error_case_key
    inner join gate_neighbours
        on open_cases.error_case_key = gate_neighbours.error_case_key
    inner join pair_proposals
        on
            open_cases.predicted_class_id = pair_proposals.predicted_class_id
            and open_cases.label_class_id = pair_proposals.label_class_id
    left join text_embeddings
        on
            pair_proposals.lemma = text_embeddings.lemma
            and embedded_cases.clip_model = text_embeddings.clip_model

),

ranked_proposals as (

    select
        error_case_key,
        proposal_wnid,
        lemma,
        is_imagenet_class,
        similarity,
        count(*) over (partition by error_case_key) as num_proposals,
        sum(case when is_embedded then 0 else 1 end) over (
            partition by error_case_key
        ) as num_unembedded_proposals,
        row_number() over (
            partition by error_case_key
            order by similarity desc, proposal_wnid asc, lemma asc
        ) as proposal_rank

    from scored_proposals

),

best_proposals as (

    select * from ranked_proposals
    where proposal_rank = 1

),

final as (

    select
        open_cases.error_case_key,
        open_cases.image_id,
        open_cases.predicted_class_id,
        open_cases.label_class_id,
        case
            when embedded_cases.error_case_key is null then 'not_evaluated'
            when gate_neighbours.error_case_key is null then 'gate_closed'
            when best_proposals.num_unembedded_proposals > 0 then 'not_evaluated'
            when best_proposals.is_imagenet_class then 'in_vocabulary'
            else 'out_of_vocabulary'
        end as oov_check,
        embedded_cases.clip_model,
        case
            when embedded_cases.error_case_key is not null
                then coalesce(gate_neighbours.num_gate_neighbours, 0)
        end as num_gate_neighbours,
        best_proposals.num_proposals,
        best_proposals.num_unembedded_proposals,
        best_proposals.lemma as best_lemma,
        best_proposals.proposal_wnid as best_wnid,
        best_proposals.similarity as best_similarity,
        {{ run_started_timestamp() }} as checked_at

    from open_cases
    left join embedded_cases
        on open_cases.error_case_key = embedded_cases.error_case_key
    left join gate_neighbours
        on open_cases.error_case_key = gate_neighbours.error_case_key
    left join best_proposals
        on open_cases.error_case_key = best_proposals.error_case_key

)

select * from final
