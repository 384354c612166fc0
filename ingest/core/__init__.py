"""What every other package stands on: where things live and what the files hold.

`paths` resolves the project folder, the data root and its layout (predictions,
labels, clip, experts, reference), the reference folder and its layout, and the
published and working databases; `checksums` the sha256 every input is checked by;
`schemas` is the Parquet contract with dbt's sources
(`models/staging/_staging__sources.yml`); `parquet_io` writes Parquet under a
temporary name and renames it, so a killed run never leaves a file that later
steps would read. Nothing here imports another `ingest` package.
"""
