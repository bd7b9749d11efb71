"""PyTorch implementation of the kgan engine: `torch.autograd.grad`.

`torch.autograd.grad` (rather than `loss.backward()`) returns gradients for the
given variables only, so a discriminator update leaves no `.grad` on the
generator and vice versa.
"""

import torch
from keras import ops


def _detach(logs):
    return {name: ops.convert_to_tensor(value).detach() for name, value in logs.items()}


def gradients(loss_fn, variables):
    """`kgan.backend.gradients` with `torch.autograd.grad`."""
    loss, logs = loss_fn()
    grads = torch.autograd.grad(
        loss, [v.value for v in variables], allow_unused=True, materialize_grads=True
    )
    return loss.detach(), _detach(logs), list(grads)


def apply_gradients(optimizer, grads, variables):
    """`kgan.backend.apply_gradients`: `optimizer.apply` outside autograd."""
    with torch.no_grad():
        optimizer.apply(grads, variables)


def input_gradients(fn, x):
    """Differentiable gradient of `sum(fn(x))` with respect to the tensor `x`."""
    x = ops.convert_to_tensor(x)
    if not x.requires_grad:
        x = x.detach().requires_grad_(True)
    total = ops.sum(fn(x))
    (gradient,) = torch.autograd.grad(total, x, create_graph=torch.is_grad_enabled())
    return gradient


def run_if(condition, fn):
    """`kgan.backend.run_if`: torch runs eagerly, so a Python `if` on the scalar."""
    if bool(condition):
        fn()


def jit_compiles_input_gradients():
    """False: torch.compile cannot compile a double backward, so a step that
    differentiates input gradients runs eagerly."""
    return False


def writes_saved_models():
    """False: a SavedModel is written by a TensorFlow-backend subprocess
    (`kgan.export.reexport`)."""
    return False


def set_cpu_threads(num_threads):
    """Sets the threads torch's CPU operations use (`torch.set_num_threads`);
    the `kgan` command line's choice, never made for library users."""
    torch.set_num_threads(num_threads)
