"""Builders of the derived dbt seeds (`imagenet-errors seeds` rebuilds them).

`classes` (the 1,000 classes with names and groups) and `build` (the WordNet
closure and edge seeds, the multi-label-set image list, the non-prototypical
images the experts named, and `_seeds.yml` with each seed's sources and sha256
from `provenance`). Authored seeds (`superclass_definitions.csv`,
`overlapping_class_pairs.csv`, ...) are edited by hand, not built here.
"""
