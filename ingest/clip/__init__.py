"""CLIP for the fine-grained out-of-vocabulary rule: embeddings and neighbours.

`model` loads an open_clip model (a tag, a local checkpoint or random
weights); `embed` writes image, reference-set and prompt embeddings in parts
(`embedding_parts`), resumable, under `<data root>/clip/`; `reference_set`
lists the reference images (ImageNet train, `<wnid>/<image>`); `neighbours`
finds each image's 10 nearest reference images in torch; `proposal_lemmas`
asks the warehouse which WordNet lemmas the open-world check will score. The
scoring itself is SQL (`int_oov_*` models).
"""
