"""The reference study (Peychev et al. 2023) as a yardstick.

`compare` runs the reference's classified error samples through the same dbt
models and reports agreement per category and for the open-world proposals
(`imagenet-errors compare-reference`, the gate in `bin/test`).
"""
