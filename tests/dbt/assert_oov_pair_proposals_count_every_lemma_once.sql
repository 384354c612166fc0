-- The proposal count of a pair is its number of rows: every lemma of every
-- proposed synset, each synset once, and the prediction always among them.
-- A pair's rows are all added in one run: a build checks the pairs it added.
with

pair_proposals as (

    select * from {{ ref('int_oov_pair_proposals') }}
    where {{ written_this_run('added_at') }}

),

synset_lemmas as (

    select * from {{ ref('wordnet_synset_lemmas') }}

),

classes as (

    select * from {{ ref('imagenet_classes') }}

),

rows_per_pair as (

    select
        predicted_class_id,
        label_class_id,
        count(*) as proposal_count

    from pair_proposals
    group by predicted_class_id, label_class_id

),

pair_synsets as (

    select distinct
        predicted_class_id,
        label_class_id,
        proposal_wnid

    from pair_proposals

),

lemmas_per_pair as (

    select
        pair_synsets.predicted_class_id,
        pair_synsets.label_class_id,
        count(*) as lemma_count

    from pair_synsets
    inner join synset_lemmas
        on pair_synsets.proposal_wnid = synset_lemmas.wnid
    group by pair_synsets.predicted_class_id, pair_synsets.label_class_id

),

predictions_proposed as (

    select distinct
        pair_proposals.predicted_class_id,
        pair_proposals.label_class_id

    from pair_proposals
    inner join classes
        on
            pair_proposals.predicted_class_id = classes.class_id
            and pair_proposals.proposal_wnid = classes.wnid

),

final as (

    select
        rows_per_pair.predicted_class_id,
        rows_per_pair.label_class_id,
        rows_per_pair.proposal_count,
        lemmas_per_pair.lemma_count

    from rows_per_pair
    left join lemmas_per_pair
        on
            rows_per_pair.predicted_class_id = lemmas_per_pair.predicted_class_id
            and rows_per_pair.label_class_id = lemmas_per_pair.label_class_id
    left join predictions_proposed
        on
            rows_per_pair.predicted_class_id = predictions_proposed.predicted_class_id
            and rows_per_pair.label_class_id = predictions_proposed.label_class_id
    where
        lemmas_per_pair.lemma_count is null
        or rows_per_pair.proposal_count <> lemmas_per_pair.lemma_count
        or predictions_proposed.predicted_class_id is null

)

select * from final
