"""A second, independent implementation of the error categories, for the tests.

Plain Python (dicts, sets, one numpy inner product per CLIP proposal), written
from the README's rule table and issue 14, not from the SQL: it reads the same
inputs dbt reads (the seeds' CSV files and the Parquet files under the data
root, `inputs`), decides every (image, prediction) in the reference's
precedence (`rules`, with the WordNet side in `taxonomy`), summarises each
model as the reference's `compute_mla` and `collect_results` do (`summary`),
and compares all of it with the published warehouse (`compare`).
"""
