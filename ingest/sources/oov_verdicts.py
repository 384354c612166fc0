"""Supply fine-grained OOV verdicts per (image, predicted class) from a table."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from ingest.core.errors import BadInput
from ingest.core.parquet_io import write_parquet_atomically
from ingest.core.paths import oov_dir
from ingest.core.schemas import OOV_VERDICTS
from ingest.sources.labels import parse_class_id, read_table_rows

TRUE_VALUES, FALSE_VALUES = ("true", "1"), ("false", "0")


def write_oov_verdicts(
    verdicts: dict[tuple[str, int], bool], name: str, root: Path | None = None
) -> Path:
    """(image, predicted class) -> is OOV, as `oov/<name>.parquet` under the data root."""
    table = pa.table(
        {
            "image_id": [image for image, _ in verdicts],
            "predicted_class_id": [pred for _, pred in verdicts],
            "is_fine_grained_oov": list(verdicts.values()),
        },
        schema=OOV_VERDICTS,
    )
    return write_parquet_atomically(table, oov_dir(root) / f"{name}.parquet")


def import_oov_verdicts(path: Path, root: Path | None = None) -> Path:
    """A CSV/Parquet of image, class, is_oov -> `oov/imported.parquet`."""
    verdicts: dict[tuple[str, int], bool] = {}
    lines: dict[tuple[str, int], int] = {}
    for line, row in enumerate(read_table_rows(path, ("image", "class", "is_oov")), start=2):
        where = f"{path}:{line}"
        flag = str(row.get("is_oov", "")).strip().lower()
        if flag not in TRUE_VALUES + FALSE_VALUES:
            raise BadInput(f"{where}: is_oov must be true or false, got {flag!r}")
        case = (row["image"], parse_class_id(row["class"], where))
        if verdicts.setdefault(case, flag in TRUE_VALUES) != (flag in TRUE_VALUES):
            raise BadInput(
                f"{where}: image {case[0]} class {case[1]} contradicts line {lines[case]}"
            )
        lines.setdefault(case, line)
    return write_oov_verdicts(verdicts, "imported", root)
