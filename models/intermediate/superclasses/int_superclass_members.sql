-- A class belongs to a superclass when, for any of the superclass's predicates,
-- every lemma of the predicate is a lemma name of a synset on one of the class's
-- hypernym paths (the class's own synset included): the reference's
-- `lemma_names_in_synsets_superset` over `hypernym_paths()`. A predicate that is
-- one class's own lemma thus selects that class and the classes below it.
with

class_ancestors as (

    select * from {{ ref('wordnet_class_ancestors') }}

),

synset_lemmas as (

    select * from {{ ref('wordnet_synset_lemmas') }}

),

definitions as (

    select * from {{ ref('int_superclass_definitions') }}

),

class_lemmas as (

    select distinct
        class_ancestors.class_id,
        synset_lemmas.lemma

    from class_ancestors
    inner join synset_lemmas
        on class_ancestors.ancestor_wnid = synset_lemmas.wnid

),

predicate_sizes as (

    select
        superclass,
        predicate_id,
        count(distinct lemma) as lemma_count

    from definitions
    group by superclass, predicate_id

),

predicate_matches as (

    select
        definitions.superclass,
        definitions.predicate_id,
        class_lemmas.class_id,
        count(distinct definitions.lemma) as matched_lemma_count

    from definitions
    inner join class_lemmas
        on definitions.lemma = class_lemmas.lemma
    group by definitions.superclass, definitions.predicate_id, class_lemmas.class_id

),

final as (

    select distinct
        predicate_matches.superclass,
        predicate_matches.class_id

    from predicate_matches
    inner join predicate_sizes
        on
            predicate_matches.superclass = predicate_sizes.superclass
            and predicate_matches.predicate_id = predicate_sizes.predicate_id
    where predicate_matches.matched_lemma_count = predicate_sizes.lemma_count

)

select * from final
