"""Builders of the committed dbt seeds (`imagenet-errors seeds` rebuilds them)."""
