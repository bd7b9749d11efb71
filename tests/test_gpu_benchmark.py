"""`benchmarks/gpu.sh --smoke`: the GPU speed table's whole run at tiny size on the CPU.

It starts one process per runner (NVlabs/pytorch-fid, then kgan on each backend), so this
runs once, not per backend.
"""

import json
import os
import re
import subprocess
import sys

import pytest

from tests.conftest import load_benchmark

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REFERENCE = os.environ.get("NVLABS_STYLEGAN2_ADA", "/work/ref")

pytestmark = pytest.mark.cross_backend

ROWS = [("DCGAN (smoke)", "float32"), ("DCGAN (smoke)", "mixed"),
        ("StyleGAN2 smoke", "float32"), ("StyleGAN2 smoke", "mixed"),
        ("FID Inception 299x299", "float32")]
NUMBER = re.compile(r"^\d+\.\d$")
# A cell the per-runner time limits can leave unmeasured on a loaded machine.
UNMEASURED = {"timeout", "skipped (time)"}


def test_smoke_run_prints_every_row(tmp_path):
    # 240 s, 60 a runner (the smoke default is 300): the suite's longest cross-backend test.
    env = dict(os.environ, PYTHON=sys.executable, RESULTS=str(tmp_path / "cells.jsonl"),
               TOTAL_SECONDS="240")
    env.pop("KERAS_BACKEND", None)
    run = subprocess.run(["bash", os.path.join(ROOT, "benchmarks", "gpu.sh"), "--smoke"],
                         env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    assert lines[0].startswith("| model | precision | jax | tensorflow | torch | NVlabs")
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in lines[1:]]
    assert [tuple(row[:2]) for row in rows] == ROWS, run.stdout
    with_reference = os.path.isfile(os.path.join(REFERENCE, "training", "loss.py"))
    for row in rows:
        jax, tensorflow, torch, reference, published = row[2:]
        # The first cell of every backend's process is measured whatever the load.
        if row[:2] == ["DCGAN (smoke)", "float32"]:
            assert all(NUMBER.match(cell) for cell in (jax, tensorflow, torch)), row
        for cell in (jax, tensorflow, torch):
            assert NUMBER.match(cell) or cell in UNMEASURED, row
        if row[0].startswith("DCGAN"):
            assert reference == "-"
        elif row[0].startswith("StyleGAN2") and not with_reference:
            assert reference == "not available", row
        else:  # NVlabs' loop (the reference found) and pytorch-fid, a dev dependency
            assert NUMBER.match(reference) or reference in UNMEASURED, row
        assert published == ("-" if row[:2] != ["StyleGAN2 smoke", "mixed"] else
                             "41-46 (V100, auto256 mixed, ADA on)")
    if with_reference:  # NVlabs' process runs first: its first cell is always measured
        assert NUMBER.match(rows[2][5]), rows[2]


def test_missing_reference_says_where_to_get_it(tmp_path):
    nvlabs_step = load_benchmark("nvlabs_step")
    with pytest.raises(FileNotFoundError, match="git clone https://github.com/NVlabs/stylegan2-ada"):
        nvlabs_step.main(["--reference", str(tmp_path), "--backends", "torch"])


def test_table_marks_unavailable_timed_out_and_failed_cells(tmp_path, capsys):
    throughput = load_benchmark("throughput")
    base = {"config": "auto256", "device": "NVIDIA H100 80GB HBM3"}
    records = [
        {**base, "runner": "nvlabs", "model": "stylegan2", "precision": "float32",
         "error": "FileNotFoundError: NVlabs' stylegan2-ada-pytorch was not found at 'x'"},
        {**base, "runner": "nvlabs", "model": "inception", "precision": "float32",
         "images_per_second": 812.34},
        {**base, "runner": "torch", "model": "dcgan64", "precision": "float32",
         "images_per_second": 5000.0},
        {**base, "runner": "torch", "model": "dcgan64", "precision": "mixed",
         "error": "RuntimeError: out of memory"},
        {**base, "runner": "torch", "model": "stylegan2", "precision": "float32",
         "error": "skipped: out of time"},
        {"runner": "jax", "error": "timeout after 110 s"},
        {"runner": "tensorflow", "error": "exit 1: ModuleNotFoundError: No module named tensorflow"},
    ]
    path = tmp_path / "cells.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in records))
    throughput.print_table(str(path))
    rows = {tuple(cells[:2]): cells[2:] for cells in (
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in capsys.readouterr().out.splitlines() if line.startswith("| ") and "---" not in line)}
    assert rows["DCGAN 64x64, batch 128", "float32"] == ["timeout", "not available", "5000.0", "-", "-"]
    assert rows["DCGAN 64x64, batch 128", "mixed"][2] == "failed"
    assert rows["StyleGAN2 auto256", "float32"][2:4] == ["skipped (time)", "not available"]
    assert rows["StyleGAN2 auto256", "mixed"][2:4] == ["missing", "missing"]
    assert rows["FID Inception 299x299", "float32"][3] == "812.3"
