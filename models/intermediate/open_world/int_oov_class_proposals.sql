-- Open-world proposals of the fine-grained OOV rule that do not depend on the
-- target: for each class P as a prediction, P itself, every class sharing a
-- superclass with P, P's siblings (direct hyponyms of P's direct hypernyms,
-- named instances left out) and P's ancestors from the first synset with a
-- meta label on a hypernym path (from the root) downwards. Siblings and
-- ancestors are dropped per error when they are the target or one of its
-- ancestors (int_oov_pair_proposals). Seeds only: the CLIP step builds this
-- before any prediction exists, to know which lemmas to embed.
with

classes as (

    select * from {{ ref('imagenet_classes') }}

),

hypernym_edges as (

    select * from {{ ref('wordnet_hypernym_edges') }}

),

synset_ancestors as (

    select * from {{ ref('wordnet_synset_ancestors') }}

),

synset_lemmas as (

    select * from {{ ref('wordnet_synset_lemmas') }}

),

meta_labels as (

    select * from {{ ref('oov_meta_labels') }}

),

same_superclass_pairs as (

    select * from {{ ref('int_same_superclass_pairs') }}

),

predictions as (

    select
        class_id as predicted_class_id,
        wnid as proposal_wnid,
        'prediction' as proposal_source

    from classes

),

superclass_classes as (

    select
        same_superclass_pairs.class_id as predicted_class_id,
        classes.wnid as proposal_wnid,
        'superclass' as proposal_source

    from same_superclass_pairs
    inner join classes
        on same_superclass_pairs.other_class_id = classes.class_id

),

-- NLTK's hypernyms() and hyponyms(): class links only, no instance links.
class_hypernym_edges as (

    select
        wnid,
        hypernym_wnid

    from hypernym_edges
    where not is_instance

),

siblings as (

    select distinct
        classes.class_id as predicted_class_id,
        children.wnid as proposal_wnid,
        'sibling' as proposal_source

    from classes
    inner join class_hypernym_edges as parents
        on classes.wnid = parents.wnid
    inner join class_hypernym_edges as children
        on parents.hypernym_wnid = children.hypernym_wnid
    where children.wnid <> classes.wnid

),

meta_synsets as (

    select distinct synset_lemmas.wnid

    from synset_lemmas
    inner join meta_labels
        on synset_lemmas.lemma = meta_labels.lemma

),

-- A synset is on a path below (or at) a meta-label synset when one of its
-- ancestors, or itself, carries a meta label: taken over every hypernym path.
meta_rooted_synsets as (

    select distinct synset_ancestors.wnid

    from synset_ancestors
    inner join meta_synsets
        on synset_ancestors.ancestor_wnid = meta_synsets.wnid

),

ancestors as (

    select
        classes.class_id as predicted_class_id,
        synset_ancestors.ancestor_wnid as proposal_wnid,
        'ancestor' as proposal_source

    from classes
    inner join synset_ancestors
        on classes.wnid = synset_ancestors.wnid
    inner join meta_rooted_synsets
        on synset_ancestors.ancestor_wnid = meta_rooted_synsets.wnid
    where synset_ancestors.distance > 0

),

proposals as (

    select * from predictions
    union all
    select * from superclass_classes
    union all
    select * from siblings
    union all
    select * from ancestors

),

final as (

    select
        predicted_class_id,
        proposal_wnid,
        proposal_source,
        proposal_source in ('sibling', 'ancestor') as is_target_excludable

    from proposals

)

select * from final
