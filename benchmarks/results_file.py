"""The benchmarks' resumable results files: one JSON object per line, one line per finished run."""

import json
import os


def read_rows(path):
    """Every row of the JSONL file at `path` (a list of dicts; [] when it does not exist yet)."""
    if not os.path.exists(path):
        return []
    with open(path) as file:
        return [json.loads(line) for line in file if line.strip()]


def append_row(path, row):
    """Appends `row` (a JSON-serialisable dict) as one line, creating the file and its folder."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "a") as file:
        file.write(json.dumps(row) + "\n")
