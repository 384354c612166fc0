-- The open-world proposals of each (prediction, target) pair among the error
-- cases: the class proposals minus siblings and ancestors that are the target
-- or one of its ancestors, each synset once, one row per lemma. The number of
-- rows of a pair is its proposal count. Pairs whose classes share a
-- superclass are left out: the fine-grained rule decides them before the OOV
-- rule (the target is always among an image's multi-labels). Only pairs on
-- images with a CLIP embedding are kept, the only ones the check can score,
-- unless the variable `oov_proposals_for_all_pairs` is true. Incremental: a
-- run adds only pairs not seen before, whichever image or model brings them.
{{ config(materialized=incremental_materialization()) }}

with

error_cases as (

    select * from {{ ref('int_undecided_error_cases') }}

),

class_proposals as (

    select * from {{ ref('int_oov_class_proposals') }}

),

proposal_lemmas as (

    select * from {{ ref('int_oov_proposal_lemmas') }}

),

class_ancestors as (

    select * from {{ ref('wordnet_class_ancestors') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

image_embeddings as (

    select * from {{ ref('stg_ingest__clip_image_embeddings') }}

),

-- The images whose cases the check can score: those with an embedding.
checkable_images as (

    select image_id
    from image_embeddings
    {% if var('oov_proposals_for_all_pairs') %}
        union
        select image_id
        from error_cases
    {% endif %}

),

{% if is_incremental() %}

    known_pairs as (

        select distinct
            predicted_class_id,
            label_class_id
        from {{ this }}

    ),

{% endif %}

new_pairs as (

    select distinct
        error_cases.predicted_class_id,
        error_cases.label_class_id

    from error_cases
    inner join checkable_images
        on error_cases.image_id = checkable_images.image_id
    left join same_superclass_pairs
        on
            error_cases.predicted_class_id = same_superclass_pairs.class_id
            and error_cases.label_class_id = same_superclass_pairs.other_class_id
    {% if is_incremental() %}
        left join known_pairs
            on
                error_cases.predicted_class_id = known_pairs.predicted_class_id
                and error_cases.label_class_id = known_pairs.label_class_id
    {% endif %}
    where
        error_cases.label_class_id is not null
        and same_superclass_pairs.class_id is null
        {% if is_incremental() %}
            and known_pairs.predicted_class_id is null
        {% endif %}

),

-- The target itself is among its ancestors here (distance 0).
kept_proposals as (

    select
        new_pairs.predicted_class_id,
        new_pairs.label_class_id,
        class_proposals.proposal_wnid,
        class_proposals.proposal_order,
        case class_proposals.proposal_source
            when 'prediction' then 1
            when 'superclass' then 2
            when 'sibling' then 3
            else 4
        end as source_rank

    from new_pairs
    inner join class_proposals
        on new_pairs.predicted_class_id = class_proposals.predicted_class_id
    left join class_ancestors as target_ancestors
        on
            new_pairs.label_class_id = target_ancestors.class_id
            and class_proposals.proposal_wnid = target_ancestors.ancestor_wnid
    where not (class_proposals.is_target_excludable and target_ancestors.class_id is not null)

),

-- Each synset once, where it first comes in the reference's order (so under
-- the first source that proposes it).
proposal_synsets as (

    select
        predicted_class_id,
        label_class_id,
        proposal_wnid,
        min(source_rank) as source_rank,
        min(proposal_order) as proposal_order

    from kept_proposals
    group by predicted_class_id, label_class_id, proposal_wnid

),

final as (

    select
        proposal_synsets.predicted_class_id,
        proposal_synsets.label_class_id,
        proposal_synsets.proposal_wnid,
        proposal_lemmas.lemma,
        proposal_synsets.proposal_order,
        proposal_lemmas.lemma_rank,
        proposal_lemmas.wordnet_offset,
        proposal_lemmas.is_imagenet_class,
        case proposal_synsets.source_rank
            when 1 then 'prediction'
            when 2 then 'superclass'
            when 3 then 'sibling'
            else 'ancestor'
        end as proposal_source,
        {{ run_started_timestamp() }} as added_at,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint

    from proposal_synsets
    inner join proposal_lemmas
        on proposal_synsets.proposal_wnid = proposal_lemmas.proposal_wnid

)

select * from final
