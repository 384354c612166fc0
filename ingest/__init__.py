"""imagenet-errors: classify the errors of ImageNet classifiers with dbt on DuckDB."""

__version__ = "0.1.0"
