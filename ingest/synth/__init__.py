"""Synthetic workloads in the layout of real ingest, for benchmarks and tests.

`predictions` writes N fake models' predictions on real labels (top-1 from
55-90 %, errors to WordNet neighbours, other labels, co-occurring classes or
per-image confusers); `clip` writes synthetic CLIP embeddings, neighbours and
lemma embeddings so that the open-world rule runs at scale.
"""
