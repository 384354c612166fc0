-- The prompt text of every open-world proposal: each lemma of each synset in
-- int_oov_class_proposals, lowercase with spaces for underscores, as the
-- reference prompts `A photo of a {lemma}`. Seeds only, like the proposals.
with

class_proposals as (

    select * from {{ ref('int_oov_class_proposals') }}

),

synset_lemmas as (

    select * from {{ ref('wordnet_synset_lemmas') }}

),

classes as (

    select * from {{ ref('imagenet_classes') }}

),

proposal_synsets as (

    select distinct proposal_wnid

    from class_proposals

),

final as (

    select
        proposal_synsets.proposal_wnid,
        lower(replace(synset_lemmas.lemma, '_', ' ')) as lemma,
        synset_lemmas.lemma_rank,
        cast(substr(proposal_synsets.proposal_wnid, 2, 8) as integer) as wordnet_offset,
        classes.wnid is not null as is_imagenet_class

    from proposal_synsets
    inner join synset_lemmas
        on proposal_synsets.proposal_wnid = synset_lemmas.wnid
    left join classes
        on proposal_synsets.proposal_wnid = classes.wnid

)

select * from final
