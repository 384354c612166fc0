-- The CLIP open-world check (rule 4) of every error case that reaches it
-- (int_oov_gate). Cases whose gate is open score every proposal lemma around
-- the prediction (int_oov_pair_proposals) by the similarity of its prompt's
-- text embedding to the image embedding (int_oov_lemma_similarities); the
-- case is out of vocabulary when the best lemma's synset is not one of the
-- 1,000 classes. Equal similarities (the same prompt text of two synsets) go
-- to the first proposal in the reference's order, as its argmax does.
-- Without embeddings the check is `not_evaluated`, never silently negative.
-- A table of the cases this build decides (int_undecided_error_cases): each
-- case is checked once, and int_error_categories keeps the outcome.

with

gate as (

    select * from {{ ref('int_oov_gate') }}

),

pair_proposals as (

    select * from {{ ref('int_oov_pair_proposals') }}

),

-- Only the images this run checks: the left join below would otherwise hash
-- every similarity ever scored (3.4 million at 1,000 models) to look up a few.
lemma_similarities as (

    select * from {{ ref('int_oov_lemma_similarities') }}
    where image_id in (select gate.image_id from gate)

),

scored_proposals as (

    select
        gate.error_case_key,
        pair_proposals.proposal_wnid,
        pair_proposals.lemma,
        pair_proposals.proposal_order,
        pair_proposals.lemma_rank,
        pair_proposals.is_imagenet_class,
        lemma_similarities.lemma is not null as is_embedded,
        lemma_similarities.similarity

    from gate
    inner join pair_proposals
        on
            gate.predicted_class_id = pair_proposals.predicted_class_id
            and gate.label_class_id = pair_proposals.label_class_id
    left join lemma_similarities
        on
            gate.image_id = lemma_similarities.image_id
            and gate.clip_model = lemma_similarities.clip_model
            and pair_proposals.lemma = lemma_similarities.lemma
    where gate.num_gate_neighbours > 0

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
            order by similarity desc nulls last, proposal_order asc, lemma_rank asc
        ) as proposal_rank

    from scored_proposals

),

best_proposals as (

    select * from ranked_proposals
    where proposal_rank = 1

),

final as (

    select
        gate.error_case_key,
        gate.image_id,
        gate.predicted_class_id,
        gate.label_class_id,
        case
            when gate.clip_model is null then 'not_evaluated'
            when gate.num_gate_neighbours = 0 then 'gate_closed'
            -- No proposal for the pair (cannot happen: the prediction is always one).
            when best_proposals.error_case_key is null then 'not_evaluated'
            when best_proposals.num_unembedded_proposals > 0 then 'not_evaluated'
            when best_proposals.is_imagenet_class then 'in_vocabulary'
            else 'out_of_vocabulary'
        end as oov_check,
        gate.clip_model,
        gate.num_gate_neighbours,
        best_proposals.num_proposals,
        best_proposals.num_unembedded_proposals,
        best_proposals.lemma as best_lemma,
        best_proposals.proposal_wnid as best_wnid,
        best_proposals.similarity as best_similarity,
        {{ run_started_timestamp() }} as checked_at

    from gate
    left join best_proposals
        on gate.error_case_key = best_proposals.error_case_key

)

select * from final
