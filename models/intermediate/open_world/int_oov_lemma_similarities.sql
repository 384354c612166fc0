-- The similarity of an image to a proposal lemma (the inner product of the
-- image's and the lemma prompt's CLIP embeddings), for every (image, lemma)
-- that an open-gated case proposes. Each pair is scored once, however many
-- cases and builds propose it, in a table of its own: scored inside the check,
-- the join that fetches two 768-float lists per pair took four times longer.
-- Lemmas without a text embedding are left out (the check reports them).
-- Incremental: a build scores the pairs of the cases it gated that are not
-- scored yet.
{{ config(materialized=incremental_materialization()) }}

with

gate as (

    select * from {{ ref('int_oov_gate') }}

),

pair_proposals as (

    select * from {{ ref('int_oov_pair_proposals') }}

),

image_embeddings as (

    select * from {{ ref('stg_ingest__clip_image_embeddings') }}

),

text_embeddings as (

    select * from {{ ref('stg_ingest__clip_text_embeddings') }}

),

{% if is_incremental() %}

    -- Only the images this run gates: the anti-join below would otherwise hash
    -- every pair ever scored to look up a few.
    scored_pairs as (

        select
            image_id,
            clip_model,
            lemma

        from {{ this }}
        where image_id in (select gate.image_id from gate)

    ),

{% endif %}

proposed_pairs as (

    select distinct
        gate.image_id,
        gate.clip_model,
        pair_proposals.lemma

    from gate
    inner join pair_proposals
        on
            gate.predicted_class_id = pair_proposals.predicted_class_id
            and gate.label_class_id = pair_proposals.label_class_id
    where gate.num_gate_neighbours > 0

),

new_pairs as (

    select proposed_pairs.*

    from proposed_pairs
    {% if is_incremental() %}
        left join scored_pairs
            on
                proposed_pairs.image_id = scored_pairs.image_id
                and proposed_pairs.clip_model = scored_pairs.clip_model
                and proposed_pairs.lemma = scored_pairs.lemma
        where scored_pairs.image_id is null
    {% endif %}

),

final as (

    select
        new_pairs.image_id,
        new_pairs.clip_model,
        new_pairs.lemma,
        {{ embedding_similarity('image_embeddings.image_embedding', 'text_embeddings.lemma_embedding') }}
            as similarity,
        {{ run_started_timestamp() }} as scored_at,
        '{{ inputs_fingerprint() }}' as inputs_fingerprint

    from new_pairs
    inner join image_embeddings
        on
            new_pairs.image_id = image_embeddings.image_id
            and new_pairs.clip_model = image_embeddings.clip_model
    inner join text_embeddings
        on
            new_pairs.lemma = text_embeddings.lemma
            and new_pairs.clip_model = text_embeddings.clip_model

)

select * from final
