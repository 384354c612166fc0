"""The `imagenet-errors` command line: argparse only, one module per command group.

Each command module has a `register(commands)` that adds its subcommands and binds
each to its handler with `set_defaults(handler=...)`; `_main.py` assembles them,
applies the global options and turns bad input into one line and exit code 2.
The work itself lives in the feature packages; handlers import them lazily so
that `--help` stays fast.
"""

from ingest.cli._main import build_parser, main

__all__ = ["build_parser", "main"]
