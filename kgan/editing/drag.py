"""DragGAN: point-based editing of a StyleGAN2 image by motion supervision and point tracking."""

import dataclasses
import math

import keras
import numpy as np
from keras import ops

from kgan.backend import TrainStep, apply_gradients, gradients, run_if
from kgan.models.stylegan import StyleGAN2
from kgan.utils.sampling import latents_or_given
from kgan.utils.validation import check_int, check_non_negative, check_positive


def bilinear_sample(features, points):
    """Bilinear interpolation of a feature map at fractional pixel positions.

    Positions outside the map are clamped to its border.

    Args:
        features: tensor `(H, W, C)`.
        points: tensor `(M, 2)` of (row, col) positions, pixel units, where
            integer positions are pixel centres (`features[row, col]`).

    Returns:
        Tensor `(M, C)`, differentiable with respect to `features`.
    """
    height, width, channels = features.shape
    points = ops.cast(points, features.dtype)
    rows = ops.clip(points[:, 0], 0.0, height - 1.0)
    cols = ops.clip(points[:, 1], 0.0, width - 1.0)
    row0, col0 = ops.floor(rows), ops.floor(cols)
    row_weight, col_weight = (rows - row0)[:, None], (cols - col0)[:, None]
    row0, col0 = ops.cast(row0, "int32"), ops.cast(col0, "int32")
    row1, col1 = ops.minimum(row0 + 1, height - 1), ops.minimum(col0 + 1, width - 1)
    flat = ops.reshape(features, (height * width, channels))

    def at(row, col):
        return ops.take(flat, row * width + col, axis=0)

    top = (1.0 - col_weight) * at(row0, col0) + col_weight * at(row0, col1)
    bottom = (1.0 - col_weight) * at(row1, col0) + col_weight * at(row1, col1)
    return (1.0 - row_weight) * top + row_weight * bottom


def _disc_offsets(radius):
    """Integer (row, col) offsets of length < radius (the centre always included)."""
    span = np.arange(-math.ceil(radius), math.ceil(radius) + 1)
    offsets = np.stack(np.meshgrid(span, span, indexing="ij"), -1).reshape(-1, 2)
    inside = (offsets**2).sum(-1) < max(radius, 1e-6) ** 2
    return offsets[inside].astype("float32")


def _inside(points, height, width):
    return ops.logical_and(
        ops.logical_and(points[..., 0] >= 0, points[..., 0] <= height - 1),
        ops.logical_and(points[..., 1] >= 0, points[..., 1] <= width - 1),
    )


def motion_supervision_loss(features, initial_features, handles, targets, radius, mask=None,
                            mask_weight=10.0):
    """DragGAN's motion supervision loss (Pan et al. 2023, eq. 1).

    `Σ_i mean_{q ∈ Ω1(p_i, r1)} |F(q + d_i) − sg(F(q))| + λ · mean(|F − F₀| · (1 − M))`,
    where Ω1 are the pixels of the image at distance < `radius` from the
    handle p_i (those inside the image), `d_i = (t_i − p_i) / max(‖t_i − p_i‖, 1)`
    (the paper's unit direction while the handle is more than one pixel away,
    the remaining offset once closer, so a handle never overshoots and one on
    its target adds nothing), `F(q + d_i)` is sampled bilinearly and `sg` stops
    the gradient, so the content at q is pulled one pixel towards the target.
    The L1 norms are averaged over their elements, as in the authors' code,
    which is what λ = 10 was chosen for.

    Args:
        features: tensor `(H, W, C)`, the current feature map F at image resolution.
        initial_features: tensor `(H, W, C)`, F₀ of the unedited image (only
            used with a mask).
        handles: tensor `(N, 2)`, current handle points p_i, (row, col) pixels.
        targets: tensor `(N, 2)`, target points t_i, (row, col) pixels.
        radius: float > 0, r1 in pixels.
        mask: None or tensor `(H, W)`, 1 where the image may change, 0 where
            it should stay; None: no mask term.
        mask_weight: float ≥ 0, default 10: λ.

    Returns:
        Scalar tensor.
    """
    height, width, channels = features.shape
    handles = ops.cast(handles, "float32")
    offset = ops.cast(targets, "float32") - handles
    length = ops.sqrt(ops.sum(offset**2, axis=-1, keepdims=True))
    direction = offset / ops.maximum(length, 1.0)
    disc = ops.convert_to_tensor(_disc_offsets(radius))
    points = handles[:, None, :] + disc[None]  # (N, K, 2)
    valid = ops.cast(_inside(points, height, width), features.dtype)  # (N, K)
    moved = points + direction[:, None, :]
    num_handles, num_offsets = points.shape[0], points.shape[1]
    here = bilinear_sample(features, ops.reshape(points, (-1, 2)))
    there = bilinear_sample(features, ops.reshape(moved, (-1, 2)))
    error = ops.reshape(
        ops.sum(ops.abs(there - ops.stop_gradient(here)), axis=-1), (num_handles, num_offsets)
    )
    per_handle = ops.sum(error * valid, axis=1) / (ops.sum(valid, axis=1) * channels)
    loss = ops.sum(per_handle)
    if mask is not None:
        fixed = 1.0 - ops.cast(mask, features.dtype)[:, :, None]
        loss = loss + mask_weight * ops.mean(ops.abs(features - initial_features) * fixed)
    return loss


def track_points(features, references, handles, radius):
    """DragGAN's point tracking (Pan et al. 2023, eq. 2): nearest neighbour in a patch.

    `p_i ← argmin_{q ∈ Ω2(p_i, r2)} ‖F(q) − f_i‖₁` over the square patch of
    pixels with `|q − p_i| ≤ r2` per axis that lie inside the image (first
    minimum in row-major order on ties).

    Args:
        features: tensor `(H, W, C)`, the feature map at image resolution.
        references: tensor `(N, C)`, f_i = F₀ at the initial handle points.
        handles: tensor `(N, 2)`, current handle points, integer (row, col) pixels.
        radius: int ≥ 1, r2 in pixels.

    Returns:
        Tensor `(N, 2)` float32, the tracked handle points (integer pixels).
    """
    height, width, _ = features.shape
    span = np.arange(-radius, radius + 1)
    patch = np.stack(np.meshgrid(span, span, indexing="ij"), -1).reshape(-1, 2).astype("float32")
    candidates = ops.cast(handles, "float32")[:, None, :] + ops.convert_to_tensor(patch)[None]
    num_handles, num_candidates = candidates.shape[0], candidates.shape[1]
    sampled = bilinear_sample(features, ops.reshape(candidates, (-1, 2)))
    sampled = ops.reshape(sampled, (num_handles, num_candidates, -1))
    distance = ops.sum(ops.abs(sampled - ops.cast(references, features.dtype)[:, None, :]), -1)
    distance = ops.where(_inside(candidates, height, width), distance, np.inf)
    best = ops.argmin(distance, axis=1)
    return ops.take_along_axis(candidates, best[:, None, None], axis=1)[:, 0, :]


@dataclasses.dataclass
class DragResult:
    """What `DragGAN.drag` returns (numpy arrays).

    Attributes:
        image: `(1, H, W, C)`, the edited image, in the generator's range.
        original: `(1, H, W, C)`, the image before the edit.
        w_plus: `(1, num_ws, w_dim)`, the edited w+ (the rows from
            `num_optimized_ws` on are the input's).
        trajectory: `(steps + 1, N, 2)`, the tracked handle points, (row, col)
            pixels, from the initial handles to the final ones.
        distances: `(N,)`, final distance of each handle to its target, pixels.
        steps: int, optimisation steps taken.
    """

    image: np.ndarray
    original: np.ndarray
    w_plus: np.ndarray
    trajectory: np.ndarray
    distances: np.ndarray
    steps: int


class _DragStep(TrainStep, keras.Model):
    """One DragGAN iteration as a Keras train step, so that `train_on_batch` compiles it
    (JAX jit, `tf.function`; eager on torch).

    The batch is one flag, 1 where an update is allowed. A step renders the
    image and features from w+ = [edited, fixed], tracks the handles once an
    update was taken, stores the image and points, and takes an Adam step on
    `edited` where allowed and some handle is farther than `stop_distance`
    from its target, counting it in `taken`. The drag's data lives in
    non-trainable variables so that one compiled step serves every drag with
    the same number of points; no mask is a mask of ones (a zero mask term).
    """

    def __init__(self, editor, num_points):
        super().__init__(name="drag_step")
        self.editor = editor
        self.network = editor.network
        model = editor.model
        k = editor.num_optimized_ws
        height, width, channels = editor.image_shape
        feature_channels = editor.network.output[1].shape[-1]

        def state(name, shape, trainable=False):
            return self.add_weight(shape=shape, initializer="zeros", trainable=trainable, name=name)

        self.edited = state("edited", (1, k, model.w_dim), trainable=True)
        self.fixed = state("fixed", (1, model.num_ws - k, model.w_dim))
        self.initial = state("initial", (height, width, feature_channels))
        self.references = state("references", (num_points, feature_channels))
        self.targets = state("targets", (num_points, 2))
        self.points = state("points", (num_points, 2))
        self.image = state("image", (1, height, width, channels))
        self.mask = state("mask", (height, width))
        self.taken = state("taken", ())
        self.built = True
        self.compile(optimizer=keras.optimizers.Adam(editor.learning_rate))
        self.optimizer.build([self.edited])

    def start(self, w_plus, features, references, targets, handles, mask):
        """Loads a drag's data and resets the Adam state."""
        k = self.editor.num_optimized_ws
        self.edited.assign(w_plus[:, :k])
        self.fixed.assign(w_plus[:, k:])
        self.initial.assign(features)
        self.references.assign(references)
        self.targets.assign(targets)
        self.points.assign(handles)
        self.taken.assign(0.0)
        self.mask.assign(np.ones(self.mask.shape, "float32") if mask is None else mask)
        for variable in self.optimizer.variables:  # step count and moments
            variable.assign(ops.zeros(variable.shape, variable.dtype))
        self.optimizer.learning_rate = self.editor.learning_rate

    def stateful_train_step(self, data):
        allowed, _, _ = keras.utils.unpack_x_y_sample_weight(data)
        editor = self.editor

        points, targets, mask = self.points.value, self.targets.value, self.mask.value

        def loss_fn():
            ws = ops.concatenate([self.edited.value, self.fixed.value], axis=1)
            image, features = self.network(ws, training=False)
            features = ops.cast(features[0], "float32")
            tracked = ops.where(
                self.taken.value > 0,
                track_points(ops.stop_gradient(features), self.references.value, points,
                             editor.tracking_radius),
                points,
            )
            loss = motion_supervision_loss(
                features, self.initial.value, tracked, targets, editor.motion_radius, mask,
                editor.mask_weight,
            )
            return loss, {"image": ops.cast(image, "float32"), "points": tracked}

        loss, logs, grads = gradients(loss_fn, [self.edited])
        self.image.assign(logs["image"])
        self.points.assign(logs["points"])
        distance = ops.sqrt(ops.sum((logs["points"] - targets) ** 2, axis=-1))
        update = ops.logical_and(ops.reshape(allowed, ()) > 0,
                                 ops.max(distance) > editor.stop_distance)

        def step():
            apply_gradients(self.optimizer, grads, [self.edited])
            self.taken.assign(self.taken + 1.0)

        run_if(update, step)
        return {"loss": loss}


class DragGAN:
    """Point-based editing of a StyleGAN2 image: drag handle points onto target points.

    Each step renders the image and the feature map F of one synthesis block
    (bilinearly resized to the image resolution) from w+, tracks the handles
    (`track_points`, once w+ has changed), stops when every handle is within
    `stop_distance` of its target, and otherwise takes one Adam step on the
    first `num_optimized_ws` rows of w+ (the others stay fixed) to reduce
    `motion_supervision_loss`. Gradients come from `kgan.backend.gradients`
    inside a Keras train step, which `train_on_batch` compiles on JAX and
    TensorFlow and runs eagerly on PyTorch. It uses the model's
    `sampling_generator` (the EMA generator) with constant noise.

    Defaults scaled from the paper's 512² setting to small images:

    - features: the paper takes the 6th block of StyleGAN2 (128² features at
      512², a quarter of the image). At 32×32 a quarter is 8×8, whose cells
      are 4 pixels wide, too coarse for drags of a few pixels; the default is
      the block at half the image size (16×16 at 32×32), the finest block
      before the output one, whose features are less tied to pixel colour.
    - `num_optimized_ws`: the paper optimises the first 6 of 16 w+ rows
      (the styles up to the 32² block); the default keeps that share,
      `round(6 · num_ws / 16)` (3 of 8 at 32×32).
    - radii: the authors scale r1 = 3 and r2 = 12 pixels with the image
      (`round(r · size / 512)`), which rounds to zero below 128²; the
      defaults are `max(2, round(3 · size / 512))` and
      `max(3, round(12 · size / 512))` (2 and 3 at 32×32).

    `mask_weight` and `learning_rate` default to the paper's, made for 512²
    models; on small images they can be too stiff and too slow (the settings
    measured on 32×32 digits: recipes/README.md, DragGAN).

    Args:
        model: a trained `kgan.models.StyleGAN2` (e.g. from
            `kgan.pretrained.load_nvlabs_stylegan2`); a conditional one takes
            the image's class as `labels=` with `z` or `seed`.
        feature_resolution: int or None, default None (half the image
            size): the synthesis block whose output features are used, one of
            4, 8, ..., image size.
        num_optimized_ws: int in [1, num_ws] or None (see above).
        motion_radius: float > 0 or None: r1, pixels (see above).
        tracking_radius: int ≥ 1 or None: r2, pixels (see above).
        mask_weight: float ≥ 0, default 10 (the paper's λ).
        learning_rate: float > 0, default 2e-3 (the paper's Adam step).
        max_steps: int ≥ 1, default 200 (the paper reports 30–200 steps).
        stop_distance: float ≥ 0, default 1: a drag ends when every handle is
            at most this many pixels from its target.

    Example:
        >>> editor = kgan.editing.DragGAN(model)  # a trained StyleGAN2
        >>> result = editor.drag([[12, 16]], [[12, 21]], seed=3)
        >>> result.image.shape, result.distances  # (1, 32, 32, 1), [~1]

    Reference:
        Pan et al. 2023, "Drag Your GAN: Interactive Point-based Manipulation
        on the Generative Image Manifold" (SIGGRAPH 2023).
    """

    def __init__(self, model, feature_resolution=None, num_optimized_ws=None, motion_radius=None,
                 tracking_radius=None, mask_weight=10.0, learning_rate=2e-3, max_steps=200,
                 stop_distance=1.0):
        if not isinstance(model, StyleGAN2):
            raise ValueError(
                f"model must be a kgan.models.StyleGAN2. Received: model={type(model).__name__}"
            )
        self.model = model
        self.image_shape = tuple(model.sampling_generator.output_shape[1:])
        size = self.image_shape[0]
        resolutions = [4 * 2**i for i in range(int(math.log2(size)) - 1)]
        if feature_resolution is None:
            feature_resolution = size // 2
        if feature_resolution not in resolutions:
            raise ValueError(
                f"feature_resolution must be one of {resolutions}. "
                f"Received: feature_resolution={feature_resolution!r}"
            )
        if num_optimized_ws is None:
            num_optimized_ws = max(1, round(6 * model.num_ws / 16))
        check_int(num_optimized_ws, "num_optimized_ws")
        if num_optimized_ws > model.num_ws:
            raise ValueError(
                f"num_optimized_ws must be at most num_ws={model.num_ws}. "
                f"Received: num_optimized_ws={num_optimized_ws}"
            )
        if motion_radius is None:
            motion_radius = max(2, round(3 * size / 512))
        check_positive(motion_radius, "motion_radius")
        if tracking_radius is None:
            tracking_radius = max(3, round(12 * size / 512))
        check_int(tracking_radius, "tracking_radius")
        check_non_negative(mask_weight, "mask_weight")
        check_positive(learning_rate, "learning_rate")
        check_int(max_steps, "max_steps")
        check_non_negative(stop_distance, "stop_distance")
        self.feature_resolution = feature_resolution
        self.num_optimized_ws = num_optimized_ws
        self.motion_radius = float(motion_radius)
        self.tracking_radius = tracking_radius
        self.mask_weight = float(mask_weight)
        self.learning_rate = float(learning_rate)
        self.max_steps = max_steps
        self.stop_distance = float(stop_distance)
        synthesis = model.sampling_generator.get_layer("synthesis")
        # The block's features: its last convolution's output (the toRGB input).
        block_output = synthesis.get_layer(f"b{feature_resolution}_conv1").output
        features = keras.layers.Resizing(*self.image_shape[:2], interpolation="bilinear")(
            block_output
        )
        self.network = keras.Model(synthesis.input, [synthesis.output, features])
        self._steps = {}

    def w_plus_for(self, z=None, seed=None, psi=0.7, labels=None):
        """The w+ of a latent: `mapping(z)` (`mapping(z, c)` for a conditional
        model) truncated by ψ, repeated for every style layer.

        Args:
            z: array `(1, latent_dim)` or None; default drawn from `seed` as
                `StyleGAN.generate` does.
            seed: int or None.
            psi: float, default 0.7 (the DragGAN demo's truncation).
            labels: int or ints `(1,)` in `[0, num_classes)`, the image's class:
                needed by a conditional model, None for an unconditional one.

        Returns:
            `np.ndarray` `(1, num_ws, w_dim)`.
        """
        z = latents_or_given(1, z, seed, self.model.latent_dim)
        if len(z) != 1:
            raise ValueError(f"z must hold one latent, (1, latent_dim). Received: z.shape={z.shape}")
        w = self.model.map(z, psi=psi, labels=labels)
        return np.repeat(w[:, None, :], self.model.num_ws, axis=1)

    def _points(self, name, points):
        points = np.asarray(points, dtype="float32")
        if points.ndim != 2 or points.shape[1] != 2 or len(points) == 0:
            raise ValueError(
                f"{name} must be an array of (row, col) points, shape (N, 2) with N ≥ 1. "
                f"Received: {name}.shape={points.shape}"
            )
        height, width = self.image_shape[:2]
        inside = (points[:, 0] >= 0) & (points[:, 0] <= height - 1)
        inside &= (points[:, 1] >= 0) & (points[:, 1] <= width - 1)
        if not np.all(np.isfinite(points)) or not np.all(inside):
            raise ValueError(
                f"{name} must be finite (row, col) points inside the {height}×{width} image, "
                f"rows in [0, {height - 1}] and cols in [0, {width - 1}]. "
                f"Received: {name}={points.tolist()}"
            )
        return points

    def _start(self, w_plus, z, seed, psi, labels):
        given = [name for name, value in (("w_plus", w_plus), ("z", z), ("seed", seed))
                 if value is not None]
        if len(given) != 1:
            raise ValueError(f"drag() needs exactly one of w_plus, z or seed. Received: {given}")
        if w_plus is None:
            return self.w_plus_for(z=z, seed=seed, psi=psi, labels=labels)
        if labels is not None:
            raise ValueError("labels must be None with w_plus (its class is in w_plus already; "
                             f"labels go with z or seed). Received: labels={labels!r}")
        w_plus = np.asarray(w_plus, dtype="float32")
        expected = (1, self.model.num_ws, self.model.w_dim)
        if w_plus.shape != expected:
            raise ValueError(f"w_plus must have shape {expected}. Received: w_plus.shape={w_plus.shape}")
        return w_plus

    def drag(self, handles, targets, *, w_plus=None, z=None, seed=None, psi=0.7, mask=None,
             steps=None, labels=None):
        """Drags the handle points of one image towards the target points.

        Args:
            handles: array `(N, 2)`, (row, col) pixels inside the image; rounded
                to the nearest pixel (tracking works on the pixel grid).
            targets: array `(N, 2)`, (row, col) pixels inside the image.
            w_plus: array `(1, num_ws, w_dim)` of the image to edit, or
            z: array `(1, latent_dim)`, or
            seed: int, the latent's seed (exactly one of the three).
            psi: float, default 0.7: truncation of `z`/`seed` (not of `w_plus`).
            mask: None or array `(H, W)` of 0/1: 1 where the image may change;
                the features elsewhere are held to the original's with weight
                `mask_weight`.
            steps: int ≥ 1 or None (`max_steps`): the most optimisation steps.
            labels: int or None: the class of `z`/`seed`'s image, for a
                conditional model (see `w_plus_for`).

        Returns:
            `DragResult`.
        """
        handles = np.round(self._points("handles", handles))
        targets = self._points("targets", targets)
        if len(handles) != len(targets):
            raise ValueError(
                "handles and targets must have the same number of points. "
                f"Received: {len(handles)} handles and {len(targets)} targets"
            )
        steps = self.max_steps if steps is None else steps
        check_int(steps, "steps")
        height, width = self.image_shape[:2]
        if mask is not None:
            mask = np.asarray(mask, dtype="float32")
            if mask.shape != (height, width) or not np.all((mask == 0) | (mask == 1)):
                raise ValueError(
                    f"mask must be an array of 0 and 1 of shape ({height}, {width}). "
                    f"Received: mask.shape={mask.shape}"
                )
        w_plus = self._start(w_plus, z, seed, psi, labels)
        if len(handles) not in self._steps:
            self._steps[len(handles)] = _DragStep(self, len(handles))
        step = self._steps[len(handles)]
        with self.model.noise_mode("const"):
            original, features = self.network.predict_on_batch(w_plus)
            features = np.asarray(features[0], "float32")
            references = features[handles[:, 0].astype(int), handles[:, 1].astype(int)]
            step.start(w_plus, features, references, targets, handles, mask)
            trajectory = [handles]
            allowed = np.ones((1, 1), "float32")
            for taken in range(steps + 1):
                if taken == steps:
                    allowed = np.zeros((1, 1), "float32")
                step.train_on_batch(allowed)
                if taken:
                    trajectory.append(np.asarray(ops.convert_to_numpy(step.points)))
                if int(ops.convert_to_numpy(step.taken)) == taken:
                    break
        edited = np.asarray(ops.convert_to_numpy(step.edited))
        return DragResult(
            image=np.asarray(ops.convert_to_numpy(step.image)),
            original=np.asarray(original, "float32"),
            w_plus=np.concatenate([edited, w_plus[:, self.num_optimized_ws:]], axis=1),
            trajectory=np.stack(trajectory).astype("float32"),
            distances=np.linalg.norm(trajectory[-1] - targets, axis=-1).astype("float32"),
            steps=taken,
        )
