-- Open-world proposals of the fine-grained OOV rule that do not depend on the
-- target: for each class P as a prediction, P itself, every class sharing a
-- superclass with P, P's siblings (direct hyponyms of P's direct hypernyms,
-- named instances left out) and P's ancestors from the first synset with a
-- meta label on a hypernym path (from the root) downwards. Siblings and
-- ancestors are dropped per error when they are the target or one of its
-- ancestors (int_oov_pair_proposals). `proposal_order` is the reference's
-- order of the proposals, in which its open-world step breaks ties between
-- equal similarities (identical prompts of two synsets): the prediction, the
-- superclass classes by class index, the siblings in WordNet's order (parent by
-- parent), the ancestors path by path in NLTK's order, each from its meta-label
-- synset downwards. Seeds only: the CLIP step builds this before any
-- prediction exists, to know which lemmas to embed.
with

classes as (

    select * from {{ ref('imagenet_classes') }}

),

hypernym_edges as (

    select * from {{ ref('wordnet_hypernym_edges') }}

),

hypernym_paths as (

    select * from {{ ref('wordnet_class_hypernym_paths') }}

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

-- Within a source, `source_order` orders the proposals.
predictions as (

    select
        class_id as predicted_class_id,
        wnid as proposal_wnid,
        'prediction' as proposal_source,
        0 as source_order

    from classes

),

superclass_classes as (

    select
        same_superclass_pairs.class_id as predicted_class_id,
        classes.wnid as proposal_wnid,
        'superclass' as proposal_source,
        classes.class_id as source_order

    from same_superclass_pairs
    inner join classes
        on same_superclass_pairs.other_class_id = classes.class_id

),

-- NLTK's hypernyms() and hyponyms(): class links only, no instance links.
class_hypernym_edges as (

    select
        wnid,
        hypernym_wnid,
        hypernym_rank,
        hyponym_rank

    from hypernym_edges
    where not is_instance

),

-- A sibling under two parents comes first under the first parent.
siblings as (

    select
        classes.class_id as predicted_class_id,
        children.wnid as proposal_wnid,
        'sibling' as proposal_source,
        min(parents.hypernym_rank * 100000 + children.hyponym_rank) as source_order

    from classes
    inner join class_hypernym_edges as parents
        on classes.wnid = parents.wnid
    inner join class_hypernym_edges as children
        on parents.hypernym_wnid = children.hypernym_wnid
    where children.wnid <> classes.wnid
    group by classes.class_id, children.wnid

),

meta_synsets as (

    select distinct synset_lemmas.wnid

    from synset_lemmas
    inner join meta_labels
        on synset_lemmas.lemma = meta_labels.lemma

),

-- Where each of a class's hypernym paths first meets a meta-label synset.
path_meta_starts as (

    select
        hypernym_paths.class_id,
        hypernym_paths.path_rank,
        min(hypernym_paths.path_position) as meta_position

    from hypernym_paths
    inner join meta_synsets
        on hypernym_paths.wnid = meta_synsets.wnid
    group by hypernym_paths.class_id, hypernym_paths.path_rank

),

-- From there down to the class's parent, on every path; a synset on several
-- paths comes first where it first appears.
ancestors as (

    select
        hypernym_paths.class_id as predicted_class_id,
        hypernym_paths.wnid as proposal_wnid,
        'ancestor' as proposal_source,
        min(hypernym_paths.path_rank * 1000 + hypernym_paths.path_position) as source_order

    from hypernym_paths
    inner join path_meta_starts
        on
            hypernym_paths.class_id = path_meta_starts.class_id
            and hypernym_paths.path_rank = path_meta_starts.path_rank
    inner join classes
        on hypernym_paths.class_id = classes.class_id
    where
        hypernym_paths.path_position >= path_meta_starts.meta_position
        and hypernym_paths.wnid <> classes.wnid
    group by hypernym_paths.class_id, hypernym_paths.wnid

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
        proposal_source in ('sibling', 'ancestor') as is_target_excludable,
        row_number() over (
            partition by predicted_class_id
            order by
                case proposal_source
                    when 'prediction' then 1
                    when 'superclass' then 2
                    when 'sibling' then 3
                    else 4
                end,
                source_order
        ) as proposal_order

    from proposals

)

select * from final
