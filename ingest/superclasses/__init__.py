"""Superclass definitions: ours (the seed) or the reference's own file, in its format.

A superclass is a list of predicates, each a list of WordNet lemmas; a class is
a member when every lemma of one predicate is a lemma name of a synset on the
class's hypernym paths (the reference's `lemma_names_in_synsets_superset`,
computed in SQL by `int_superclass_members`).

- `definitions`: the in-memory form, the seed CSV and the reference's JSON lines.
- `reference_file`: read the reference's `superclasses.json` or its checksummed
  `artefacts.tar.gz`.
- `store`: the imported definitions under the data root, which the dbt project
  reads instead of the seed.
"""
