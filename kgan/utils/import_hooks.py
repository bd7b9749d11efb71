"""Running code around a module's first import, without importing it first."""

import importlib.abc
import sys


def around_first_import(name, wrap):
    """Has the first import of the top-level module `name` run as `wrap(run)`.

    `run()` executes the module; `wrap` may run code before and after it. Code
    that only looks the module up (`importlib.util.find_spec`) leaves the hook in
    place. Nothing happens if `name` is imported already or the same `wrap` is
    installed for it.

    Args:
        name: str, a top-level module name, e.g. `"keras"`.
        wrap: callable taking `run`, a callable of no arguments.
    """
    if name in sys.modules or any(
        isinstance(finder, _AroundImport) and finder.name == name and finder.wrap is wrap
        for finder in sys.meta_path
    ):
        return
    sys.meta_path.insert(0, _AroundImport(name, wrap))


class _AroundImport(importlib.abc.MetaPathFinder):
    """Finds `name` with the other finders and wraps the execution of its module."""

    def __init__(self, name, wrap):
        self.name = name
        self.wrap = wrap

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None  # not installed: the import fails as usual
        run_module = spec.loader.exec_module

        def exec_module(module):
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            self.wrap(lambda: run_module(module))

        spec.loader.exec_module = exec_module
        return spec
