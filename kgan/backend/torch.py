"""PyTorch implementation of the kgan engine: `torch.autograd.grad`.

`torch.autograd.grad` (rather than `loss.backward()`) returns gradients for the
given variables only, so a discriminator update leaves no `.grad` on the
generator and vice versa.

Under an initialised `torch.distributed` process group of several ranks (gloo on
CPU, NCCL on GPUs; started by `torchrun` or `kgan train --workers N`), every
rank trains on its shard of each global batch and `gradients` averages the
gradients, the loss and the logs over the ranks (one all-reduce), so each rank
takes the step one process would take on the global batch. Without one, or
with one rank, nothing changes.
"""

import os

import torch
import torch.distributed as dist
from keras import ops


def _detach(logs):
    return {name: ops.convert_to_tensor(value).detach() for name, value in logs.items()}


def process_count():
    """The ranks of the initialised `torch.distributed` group; 1 without one."""
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def process_index():
    """This process's rank in the initialised `torch.distributed` group; 0 without one."""
    return dist.get_rank() if process_count() > 1 else 0


def replica_context():
    """`(rank, world_size)` under a `torch.distributed` group of several ranks,
    `(0, 1)` elsewhere: each rank is one replica of the global batch."""
    return process_index(), process_count()


def initialize_processes():
    """Joins the `torch.distributed` group that `torchrun` or `kgan train --workers`
    describes in the environment (`RANK`, `WORLD_SIZE`, `MASTER_ADDR`, `MASTER_PORT`):
    gloo on CPU, NCCL on GPUs. Does nothing without `WORLD_SIZE` > 1 or when joined."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1 or dist.is_initialized():
        return
    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")


def _mean_over_processes(tensors):
    """`tensors` averaged over the ranks with one all-reduce of a float32 buffer."""
    flat = torch.cat([t.reshape(-1).to(torch.float32) for t in tensors])
    dist.all_reduce(flat)
    flat /= process_count()
    sizes = [t.numel() for t in tensors]
    return [
        part.reshape(t.shape).to(t.dtype) for part, t in zip(torch.split(flat, sizes), tensors)
    ]


def gradients(loss_fn, variables):
    """`kgan.backend.gradients` with `torch.autograd.grad`; under a process group of
    several ranks the loss, logs and gradients are the means over the ranks."""
    loss, logs = loss_fn()
    grads = list(torch.autograd.grad(
        loss, [v.value for v in variables], allow_unused=True, materialize_grads=True
    ))
    loss, logs = loss.detach(), _detach(logs)
    if process_count() == 1:
        return loss, logs, grads
    names = list(logs)
    averaged = _mean_over_processes([loss, *logs.values(), *grads])
    loss, logs = averaged[0], dict(zip(names, averaged[1 : 1 + len(names)]))
    return loss, logs, averaged[1 + len(names) :]


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


def without_gradient(fn):
    """`kgan.backend.without_gradient`: `fn()` under `torch.no_grad()`, so its
    forward records no autograd graph (`ops.stop_gradient` would record one and
    then cut it)."""
    with torch.no_grad():
        return fn()


def inference(network, inputs, trace_key=()):
    """`kgan.backend.inference`: `network(inputs, training=False)` under
    `torch.no_grad()`, recording no autograd graph."""
    with torch.no_grad():
        return network(inputs, training=False)


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
