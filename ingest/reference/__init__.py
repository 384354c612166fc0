"""The reference study (Peychev et al. 2023) as a yardstick.

`fetch` installs the public files of the study and of the expert reviews into
the reference folder (`imagenet-errors reference fetch`), from pinned commits
and checked by sha256; `samples` reads the study's classified errors, as its
`most_common_<category>.txt` files or in CSV form; `compare` runs them through
the same dbt models and reports agreement per category and for the open-world
proposals (`imagenet-errors compare-reference`, the gate in `bin/test`).
"""
