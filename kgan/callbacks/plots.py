"""Matplotlib figures of generated samples, written as PNG files."""

import math

import numpy as np


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def tile_images(images, cols=None):
    """Images in [-1, 1] `(n, h, w, c)` (c 1 or 3, clipped) as one grid
    `(rows·(h+1)+1, cols·(w+1)+1, c)` in [0, 1], separated by white lines,
    `cols` images a row (default: ⌈√n⌉, a square grid)."""
    images = np.clip((np.asarray(images, dtype="float32") + 1.0) / 2.0, 0.0, 1.0)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (n, h, w, 1 or 3). Received shape {images.shape}.")
    n, h, w, c = images.shape
    cols = cols or math.ceil(math.sqrt(n))
    rows = math.ceil(n / cols)
    grid = np.ones((rows * (h + 1) + 1, cols * (w + 1) + 1, c), dtype="float32")
    for i, image in enumerate(images):
        r, col = divmod(i, cols)
        grid[1 + r * (h + 1) : 1 + r * (h + 1) + h, 1 + col * (w + 1) : 1 + col * (w + 1) + w] = (
            image
        )
    return grid


def save_image_grid(images, path, title=None, cols=None):
    """Writes images in [-1, 1] as a grid PNG.

    Args:
        images: array `(n, h, w, c)`, c 1 or 3, values in [-1, 1] (clipped).
        path: output file path (.png).
        title: optional figure title.
        cols: images a row, default ⌈√n⌉ (a square grid).
    """
    grid = tile_images(images, cols)
    cols = cols or math.ceil(math.sqrt(len(images)))
    rows = math.ceil(len(images) / cols)
    c = grid.shape[-1]
    plt = _pyplot()
    fig = plt.figure(figsize=(min(12, 0.6 * cols + 1), min(12, 0.6 * rows + 1)), dpi=100)
    plt.imshow(grid[..., 0] if c == 1 else grid, cmap="gray" if c == 1 else None, vmin=0, vmax=1)
    plt.axis("off")
    if title:
        plt.title(title)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)


def save_image_columns(columns, path, title=None, rows=3):
    """Writes a grid whose row k shows image k of every array in `columns`
    (e.g. source, translation, target of a translation model).

    Args:
        columns: list of arrays `(n, h, w, c)` in [-1, 1], n ≥ `rows`, the same
            h and w; c 1 or 3 (grey columns are shown in RGB when any column is RGB).
        path: output file path (.png).
        title: optional figure title.
        rows: int ≥ 1, default 3.
    """
    columns = [np.asarray(column, "float32") for column in columns]
    sizes = {column.shape[1:3] for column in columns}
    if len(sizes) != 1 or min(len(column) for column in columns) < rows:
        raise ValueError(
            f"columns must hold at least {rows} images of one height and width each. "
            f"Received shapes {[column.shape for column in columns]}."
        )
    channels = max(column.shape[-1] for column in columns)
    columns = [np.broadcast_to(c[:rows], (rows, *c.shape[1:3], channels)) for c in columns]
    images = np.stack(columns, axis=1).reshape(rows * len(columns), *columns[0].shape[1:])
    save_image_grid(images, path, title=title, cols=len(columns))
    return path


def save_scatter(points, path, reference=None, title=None):
    """Writes 2-D samples as a scatter plot PNG, over optional reference points."""
    points = np.asarray(points)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must be (n, 2). Received shape {points.shape}.")
    plt = _pyplot()
    fig = plt.figure(figsize=(4, 4), dpi=100)
    if reference is not None:
        plt.scatter(*np.asarray(reference).T, s=4, c="tab:gray", alpha=0.3, label="data")
    plt.scatter(*points.T, s=2, c="tab:blue", alpha=0.5, label="generated")
    plt.gca().set_aspect("equal")
    if title:
        plt.title(title)
    fig.savefig(path, bbox_inches="tight")
    plt.close(fig)
