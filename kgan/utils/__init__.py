"""Internal helpers that several kgan packages share (not public API).

- `validation`: argument and input-array checks that raise kgan's `ValueError` messages.
- `shapes`: the per-sample input and output shapes of a network.
- `sampling`: seeded latents and batched inference for `generate()` / `translate()`.
- `native_logs`: hides TensorFlow's C++ log lines in command-line runs.
"""
