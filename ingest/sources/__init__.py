"""One writer per dbt source: the files under the data root that dbt reads.

Each module turns a user's file into the Parquet layout of one source in
`models/staging/_staging__sources.yml`: `predictions` (CSV/Parquet of
image,class[,probability]; also the writer `predict` uses), `npz` (a logits
matrix), `labels` (original, ReaL, Shankar and CSV labels), `oov_verdicts`,
`experts` (Vasudevan et al.'s reviewed mistakes) and `reference_models` (the
reference study's per-model results). Writers validate before they write and
write under a temporary name, then rename.
"""
