"""The one error type for input a user must fix: the CLI prints it as one line, exit 2.

Raised before anything is written (importers validate the whole file first,
then write under a temporary name and rename), so refusing a file leaves the
data root and the published warehouse as they were. The message names the file,
the row or model, and the value that is wrong.
"""

from __future__ import annotations


class BadInput(ValueError):
    """Input that cannot be ingested or read as given; the message says where and why."""
