"""The embedded demo, end to end: `imagenet-errors demo` and `bin/demo`.

`run` classifies the demo photos (`ingest.predict.demo_photos`) with the three
EfficientNet-Lite models, embeds them with CLIP against `reference`'s
deterministic views of the same photos, builds the warehouse and prints each
model's errors.
"""
