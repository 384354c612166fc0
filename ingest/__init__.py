"""imagenet-errors: classify the errors of ImageNet classifiers with dbt on DuckDB.

The Python half of the project; the rules themselves are the dbt project
(`models/`, `macros/`, `seeds/`). Packages by role, imports pointing down:

    cli/         the `imagenet-errors` command line (argparse only, one module per group)
    demo/        the embedded demo end to end
    predict/     classifiers over image sets -> predictions
    clip/        CLIP embeddings, nearest reference images, proposal lemmas
    sources/     one writer per dbt source under the data root (predictions, labels,
                 npz, OOV verdicts, experts, reference models)
    warehousing/ dbt runs, build selection, publishing the DuckDB file
    reference/   agreement with the reference study (compare-reference)
    report/      the HTML report from the marts
    synth/       synthetic workloads for benchmarks and tests
    seeds/       builders of the derived dbt seeds
    imagenet/    ImageNet classes and WordNet 3.0
    core/        paths and data-root layout, Parquet schemas, atomic writes

`cli` may import any package; the feature packages import `core`, `imagenet`
and `sources` (and `clip`, `reference` and `demo` also `warehousing`); `core`
and `imagenet` import no other package but `core`. tests/test_layout.py keeps it so.
"""

__version__ = "0.1.0"
