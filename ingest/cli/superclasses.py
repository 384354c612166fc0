"""`imagenet-errors superclasses`: use the reference's definitions, or export ours."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ingest.cli._options import Subcommands


def register(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "superclasses",
        help="import the reference's superclass definitions, or export ours",
        description="Superclasses decide fine-grained errors. The project ships its own "
        "(seeds/superclass_definitions.csv); `import` makes builds use another set, such as "
        "the reference study's superclasses.json, until `reset`.",
    )
    actions = parser.add_subparsers(dest="superclasses_command", required=True, metavar="ACTION")
    importing = actions.add_parser(
        "import",
        help="use the definitions in FILE instead of the project's seed",
        description="Read the reference's superclasses.json (JSON lines, one "
        "{superclass_id: [[lemma, ...], ...]} a line) or its artefacts.tar.gz (sha256 "
        "verified) and write them under the data root "
        "(superclasses/superclass_definitions.parquet), where the dbt project reads them "
        "instead of seeds/superclass_definitions.csv. Membership is computed by the same SQL "
        "(int_superclass_members). The next `imagenet-errors build` reclassifies the errors "
        "they touch.",
    )
    importing.add_argument("file", type=Path, help="superclasses.json or artefacts.tar.gz")
    importing.set_defaults(handler=_run_import)
    exporting = actions.add_parser(
        "export",
        help="write the project's definitions in the reference's JSON-lines format",
    )
    exporting.add_argument("--output", type=Path, help="file to write (default: standard output)")
    exporting.add_argument(
        "--seed",
        type=Path,
        help="definitions CSV to export (default seeds/superclass_definitions.csv)",
    )
    exporting.set_defaults(handler=_run_export)
    reset = actions.add_parser("reset", help="remove the imported definitions: use the seed")
    reset.set_defaults(handler=_run_reset)
    refine = actions.add_parser(
        "refine",
        help="refine the hand-written prior on the reference's samples into a definitions CSV",
        description="Start from the named superclasses of ingest/superclasses/prior.yml and "
        "split, merge or drop them on the evidence of a samples file (the format of "
        "error_samples_dev.csv): see ingest/reference/refine.py. Writes the seed's CSV "
        "format to --output and prints each superclass with its rationale and what the "
        "refinement changed. `compare-reference --folds` measures how well this generalises.",
    )
    refine.add_argument("--samples", type=Path, required=True)
    refine.add_argument("--output", type=Path, required=True, help="definitions CSV to write")
    refine.set_defaults(handler=_run_refine)


def _run_import(args: argparse.Namespace) -> None:
    from ingest.superclasses.reference_file import read_reference_definitions
    from ingest.superclasses.store import write_imported

    loaded = read_reference_definitions(args.file)
    path = write_imported(loaded.definitions, loaded.description)
    print(
        f"imported {len(loaded.definitions)} superclasses from {loaded.description} to {path}; "
        "the next `imagenet-errors build` reclassifies the errors already built"
    )


def _run_export(args: argparse.Namespace) -> None:
    from ingest.superclasses.definitions import SEED_FILE, read_seed, to_json_lines

    text = to_json_lines(read_seed(args.seed or SEED_FILE))
    if args.output is None:
        sys.stdout.write(text)
        return
    temporary = args.output.with_name(f".{args.output.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.output)
    print(f"wrote {args.output}", file=sys.stderr)


def _run_reset(args: argparse.Namespace) -> None:
    from ingest.superclasses.store import imported_path, remove_imported

    if remove_imported():
        print(f"removed {imported_path()}: builds use seeds/superclass_definitions.csv again")
    else:
        print("nothing imported: builds use seeds/superclass_definitions.csv")


def _run_refine(args: argparse.Namespace) -> None:
    from ingest.reference.compare import read_samples
    from ingest.reference.refine import refine_prior
    from ingest.reference.replay import Replay
    from ingest.superclasses.definitions import write_seed
    from ingest.superclasses.prior import read_prior

    samples = read_samples(args.samples)
    prior = read_prior()
    refined = refine_prior(prior.definitions, Replay(samples), samples)
    write_seed(refined.definitions, args.output)
    for name in refined.definitions:
        why = prior.rationales.get(
            name, "started by the refinement: classes the samples pair that no prior group holds"
        )
        note = refined.notes.get(name)
        print(f"{name}: {why}" + (f" [refined: {note}]" if note else ""))
    print(f"{len(refined.definitions)} superclasses written to {args.output}", file=sys.stderr)
