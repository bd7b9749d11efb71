"""Cached reference statistics: one `.npz` per data set, extractor and protocol."""

import os
import re

import numpy as np

from kgan.metrics.frechet import FeatureStatistics


def default_cache_dir():
    """`$KGAN_CACHE_DIR`, else `$KERAS_HOME/kgan/statistics` (`~/.keras/kgan/statistics`)."""
    if os.environ.get("KGAN_CACHE_DIR"):
        return os.environ["KGAN_CACHE_DIR"]
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(keras_home, "kgan", "statistics")


def extractor_key(extractor):
    """The cache-key string of an extractor: a string as it is, or for an
    extractor object `"<name>-<protocol>"` (e.g. `"fid_inception-clean-299"`:
    network and resize protocol)."""
    if isinstance(extractor, str):
        return extractor
    if not (isinstance(getattr(extractor, "name", None), str)
            and isinstance(getattr(extractor, "protocol", None), str)):
        raise ValueError("extractor must be a string or an extractor with `name` and `protocol` "
                         f"strings (see kgan.metrics.feature_extractor). Received: {extractor!r}")
    return f"{extractor.name}-{extractor.protocol}"


def statistics_path(dataset, extractor, protocol, cache_dir=None):
    """The cache file of one (data set, extractor, protocol) triple."""
    extractor = extractor_key(extractor)
    parts = []
    for name, value in (("dataset", dataset), ("extractor", extractor), ("protocol", protocol)):
        if not isinstance(value, str) or not value:
            raise ValueError(f"{name} must be a non-empty string. Received: {name}={value!r}")
        parts.append(re.sub(r"[^A-Za-z0-9.+-]+", "_", value))
    return os.path.join(cache_dir or default_cache_dir(), "__".join(parts) + ".npz")


def reference_statistics(dataset, extractor, protocol, compute, cache_dir=None,
                         keep_features=False):
    """Feature statistics of a reference data set, computed once and cached.

    The file `<cache_dir>/<dataset>__<extractor>__<protocol>.npz` holds `mu`,
    `sigma` (float64, from streaming running sums), `count`, the three keys,
    and with `keep_features=True` the features themselves (for KID and
    precision/recall). Name the protocol fully (resolution, resizing, number
    of samples, split), since any change makes the statistics incomparable.

    Args:
        dataset, extractor, protocol: the cache key: non-empty strings, where
            `extractor` may also be an extractor object (`feature_extractor(...)`,
            `DigitsFeatureExtractor`, ...), keyed by its name and its resize
            protocol (`extractor_key`). `compute` must use that same extractor.
        compute: callable returning the reference features, as one array
            `(n, d)` or an iterable of batches `(n_i, d)` (streamed).
        cache_dir: str, default `default_cache_dir()`.
        keep_features: bool, default False.

    Returns:
        dict with `mu`, `sigma`, `count`, `features` (array or None) and `path`.
    """
    extractor = extractor_key(extractor)
    path = statistics_path(dataset, extractor, protocol, cache_dir)
    if os.path.exists(path):
        with np.load(path) as stored:
            key = tuple(str(stored[name]) for name in ("dataset", "extractor", "protocol"))
            if key != (dataset, extractor, protocol):
                raise ValueError(f"{path} holds statistics for {key}, not "
                                 f"{(dataset, extractor, protocol)}. Remove the file.")
            if not keep_features or "features" in stored:
                return {
                    "mu": stored["mu"], "sigma": stored["sigma"], "count": int(stored["count"]),
                    "features": stored["features"] if "features" in stored else None,
                    "path": path,
                }
    result = compute()
    batches = [result] if isinstance(result, np.ndarray) or hasattr(result, "shape") else result
    statistics, kept = FeatureStatistics(), []
    for batch in batches:
        batch = np.asarray(batch)
        statistics.update(batch)
        if keep_features:
            kept.append(batch)
    features = np.concatenate(kept) if keep_features else None
    os.makedirs(os.path.dirname(path), exist_ok=True)
    extra = {"features": features} if keep_features else {}
    temporary = path + ".tmp.npz"
    np.savez(temporary, mu=statistics.mean, sigma=statistics.covariance, count=statistics.count,
             dataset=np.asarray(dataset), extractor=np.asarray(extractor),
             protocol=np.asarray(protocol), **extra)
    os.replace(temporary, path)
    return {"mu": statistics.mean, "sigma": statistics.covariance, "count": statistics.count,
            "features": features, "path": path}
