"""FID, KID, Inception Score and precision/recall over feature arrays, against
straightforward reference formulas written here, and the statistics cache."""

import itertools
import warnings

import numpy as np
import pytest
from scipy import linalg

from kgan.metrics import (
    FeatureStatistics,
    feature_statistics,
    fid_from_features,
    frechet_distance,
    inception_score,
    kid,
    polynomial_mmd2,
    precision_recall,
    reference_statistics,
)


def _reference_fd(mu1, s1, mu2, s2):
    # pytorch-fid's calculate_frechet_distance, written out here.
    covmean, _ = linalg.sqrtm(s1.dot(s2), disp=False)
    if not np.isfinite(covmean).all():
        offset = np.eye(s1.shape[0]) * 1e-6
        covmean = linalg.sqrtm((s1 + offset).dot(s2 + offset))
    covmean = covmean.real
    diff = mu1 - mu2
    return diff.dot(diff) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean)


def _reference_fid(a, b):
    return _reference_fd(a.mean(0), np.cov(a, rowvar=False), b.mean(0), np.cov(b, rowvar=False))


def test_frechet_distance_matches_reference_formula():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((500, 16))
    b = rng.standard_normal((500, 16)) @ rng.standard_normal((16, 16)) * 0.5 + 1.0
    stats_a, stats_b = feature_statistics(a), feature_statistics(b)
    assert frechet_distance(*stats_a, *stats_b) == pytest.approx(_reference_fid(a, b), rel=1e-6)
    assert frechet_distance(*stats_a, *stats_a) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_shape_errors():
    with pytest.raises(ValueError, match="mu1 and mu2 must have the same dimension d"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match="sigma2 must be a \\(3, 3\\) matrix like mu2"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(3), np.eye(4)[:3])
    with pytest.raises(ValueError, match="mu1 must be a vector \\(d,\\)"):
        frechet_distance(np.zeros((3, 1)), np.eye(3), np.zeros(3), np.eye(3))


def test_frechet_distance_rejects_non_finite_and_indefinite_statistics():
    rng = np.random.default_rng(10)
    mu, sigma = feature_statistics(rng.standard_normal((50, 4)))
    with pytest.raises(ValueError, match="mu1 must hold only finite values.*4 NaN"):
        frechet_distance(mu * np.nan, sigma, mu, sigma)
    with pytest.raises(ValueError, match="sigma2 must hold only finite values"):
        frechet_distance(mu, sigma, mu, np.where(np.eye(4) > 0, np.inf, sigma))
    # An eigenvalue of -1: not a covariance, whichever side it is on (pytorch-fid raises too).
    indefinite = np.diag([1.0, 1.0, 1.0, -1.0])
    with pytest.raises(ValueError, match="sigma1 must be a positive semi-definite.*-1"):
        frechet_distance(mu, indefinite, mu, sigma)
    # Positive diagonal, eigenvalues 3 and -1 in the first two axes.
    with pytest.raises(ValueError, match="sigma2 must be a positive semi-definite"):
        frechet_distance(mu, sigma, mu, np.pad([[1.0, 2.0], [2.0, 1.0]], (0, 2)))


def test_frechet_distance_accepts_round_off_in_singular_covariances():
    # 20 samples in 32 dimensions: rank 19, and float32 storage adds float32-sized
    # negative eigenvalues, which are round-off of that dtype, not indefiniteness.
    rng = np.random.default_rng(11)
    a = rng.standard_normal((20, 32))
    mu, sigma = feature_statistics(a)
    assert np.linalg.eigvalsh(sigma.astype("float32").astype("float64"))[0] < 0
    reference = _reference_fd(mu, sigma, mu + 1.0, sigma)
    assert frechet_distance(mu, sigma.astype("float32"), mu + 1.0, sigma) == pytest.approx(
        reference, rel=1e-5)
    assert frechet_distance(mu, np.zeros((32, 32)), mu, np.zeros((32, 32))) == 0.0


def test_streaming_statistics_match_numpy_in_float64():
    rng = np.random.default_rng(0)
    features = rng.standard_normal((1000, 12)) @ rng.standard_normal((12, 12)) + 1e4
    stats = FeatureStatistics()
    for batch in np.array_split(features.astype("float32"), 7):
        stats.update(batch)
    as32 = features.astype("float32").astype("float64")
    assert stats.count == 1000
    np.testing.assert_allclose(stats.mean, as32.mean(0), rtol=1e-12)
    np.testing.assert_allclose(stats.covariance, np.cov(as32, rowvar=False), rtol=1e-8, atol=1e-8)
    with pytest.raises(ValueError, match="12 columns"):
        stats.update(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        FeatureStatistics().update(np.zeros((1, 3))).covariance  # noqa: B018


def test_fid_from_features_matches_reference_and_is_zero_against_itself():
    rng = np.random.default_rng(1)
    a = rng.standard_normal((400, 8))
    b = rng.standard_normal((300, 8)) @ rng.standard_normal((8, 8)) * 0.7 + 0.5
    assert fid_from_features(a, b) == pytest.approx(_reference_fid(a, b), rel=1e-6)
    assert fid_from_features(a, a) == pytest.approx(0.0, abs=1e-9)
    assert fid_from_features(a, b) == frechet_distance(*feature_statistics(a),
                                                       *feature_statistics(b))


def test_fid_from_features_rejects_non_finite_rows():
    rng = np.random.default_rng(12)
    a, b = rng.standard_normal((50, 4)), rng.standard_normal((50, 4))
    a[3, 1], a[7, 0] = np.nan, np.inf
    with pytest.raises(ValueError, match="features1 must hold only finite values.*2 of 50 rows.*row 3"):
        fid_from_features(a, b)
    with pytest.raises(ValueError, match="features must hold only finite values.*2 of 50 rows"):
        feature_statistics(a)
    with pytest.raises(ValueError, match="features1.shape=\\(50, 4\\), features2.shape=\\(50, 3\\)"):
        fid_from_features(b, b[:, :3])
    # float32 features past float32's range are Inf already: caught, not a NaN FID.
    with np.errstate(over="ignore"):
        overflowed = b.astype("float32") * np.float32(1e39)
    with pytest.raises(ValueError, match="50 of 50 rows"):
        fid_from_features(b, overflowed)
    with pytest.raises(ValueError, match="1 of 50 rows"):
        FeatureStatistics().update(np.concatenate([b[:49], a[3:4]]))


def test_feature_statistics_in_float64_for_huge_float32_features():
    # |x| ~ 1e20: squares overflow float32 (max 3.4e38) but not float64.
    rng = np.random.default_rng(13)
    a, b = rng.standard_normal((200, 6)), rng.standard_normal((150, 6)) * 1.2 + 0.3
    a32, b32 = (a * 1e20).astype("float32"), (b * 1e20).astype("float32")
    mu, sigma = feature_statistics(a32)
    assert mu.dtype == sigma.dtype == np.float64 and np.isfinite(sigma).all()
    expected = fid_from_features(a32.astype("float64") / 1e20, b32.astype("float64") / 1e20)
    assert fid_from_features(a32, b32) == pytest.approx(expected * 1e40, rel=1e-9)


def test_fid_of_one_dimensional_features_is_the_closed_form():
    # d = 1: (μ₁ − μ₂)² + (σ₁ − σ₂)²; the covariance must stay (1, 1).
    rng = np.random.default_rng(14)
    a, b = rng.standard_normal((100, 1)), rng.standard_normal((80, 1)) * 2.0 + 1.0
    mu, sigma = feature_statistics(a)
    assert mu.shape == (1,) and sigma.shape == (1, 1)
    expected = (a.mean() - b.mean()) ** 2 + (a.std(ddof=1) - b.std(ddof=1)) ** 2
    assert fid_from_features(a, b) == pytest.approx(expected, rel=1e-10)


def _reference_mmd2(x, y):
    d = x.shape[1]
    k = lambda u, v: (u @ v / d + 1.0) ** 3
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i, j in itertools.permutations(range(m), 2)) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))
    xy = sum(k(u, v) for u in x for v in y) / (m * n)
    return xx + yy - 2 * xy


def test_kid_matches_reference_formula():
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((30, 5)), rng.standard_normal((25, 5)) + 0.3
    assert polynomial_mmd2(x, y) == pytest.approx(_reference_mmd2(x, y), rel=1e-10)
    # Subsets: same draws as kid() makes, scored by the reference formula.
    draws = np.random.default_rng(7)
    expected = [
        _reference_mmd2(x[draws.choice(30, 20, replace=False)], y[draws.choice(25, 20, replace=False)])
        for _ in range(4)
    ]
    mean, std = kid(x, y, num_subsets=4, subset_size=20, seed=7)
    assert mean == pytest.approx(np.mean(expected), rel=1e-10)
    assert std == pytest.approx(np.std(expected), rel=1e-8)
    # subset_size is capped at the smaller set.
    assert kid(x[:25], y, num_subsets=1, subset_size=1000)[0] == pytest.approx(
        polynomial_mmd2(x[:25], y), rel=1e-12)


def test_kid_same_distribution_near_zero_and_errors():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((600, 16)), rng.standard_normal((600, 16))
    same, spread = kid(a, b, num_subsets=10, subset_size=300)
    shifted, _ = kid(a, b + 0.5, num_subsets=10, subset_size=300)
    assert abs(same) < 3 * spread + 1e-3 and shifted > 10 * abs(same)
    with pytest.raises(ValueError, match="same width"):
        kid(a, b[:, :3])
    with pytest.raises(ValueError, match="num_subsets"):
        kid(a, b, num_subsets=0)


def test_polynomial_mmd2_and_kid_input_errors_name_both_shapes():
    rng = np.random.default_rng(15)
    x, y = rng.standard_normal((30, 5)), rng.standard_normal((25, 3))
    shapes = "features1.shape=\\(30, 5\\), features2.shape=\\(25, 3\\)"
    with pytest.raises(ValueError, match="same width d. Received: " + shapes):
        polynomial_mmd2(x, y)
    with pytest.raises(ValueError, match=shapes):
        kid(x, y)
    with pytest.raises(ValueError, match="features2 must be an array \\(n, d\\) with n ≥ 2"):
        kid(x, x[:1])
    x[4, 2] = np.nan
    with pytest.raises(ValueError, match="features1 must hold only finite values.*1 of 30 rows"):
        polynomial_mmd2(x, x)
    with pytest.raises(ValueError, match="num_subsets must be an integer ≥ 1. Received: num_subsets=True"):
        kid(y, y, num_subsets=True)


def test_kid_warns_when_every_subset_is_the_whole_of_both_sets():
    rng = np.random.default_rng(16)
    x, y = rng.standard_normal((2, 4)), rng.standard_normal((2, 4))
    with pytest.warns(UserWarning, match="kid_std = 0 is not an uncertainty"):
        mean, std = kid(x, y, num_subsets=3)
    assert mean == pytest.approx(polynomial_mmd2(x, y)) and std < 1e-12
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # subsets that differ, or a single one: no warning
        kid(x, rng.standard_normal((3, 4)), num_subsets=3)
        kid(x, y, num_subsets=1)


def _reference_is(p, splits):
    # Salimans et al.'s code: part i is rows i·n // splits up to (i + 1)·n // splits.
    n, scores = len(p), []
    for i in range(splits):
        part = p[i * n // splits : (i + 1) * n // splits]
        py = part.mean(0)
        kl = [sum(q * np.log(q / m) for q, m in zip(row, py) if q > 0) for row in part]
        scores.append(np.exp(np.mean(kl)))
    return np.mean(scores), np.std(scores)


def test_inception_score_known_values_and_reference():
    assert inception_score(np.full((100, 10), 0.1)) == pytest.approx((1.0, 0.0))
    one_hot = np.tile(np.eye(7), (10, 1))  # every split holds each class once
    assert inception_score(one_hot) == pytest.approx((7.0, 0.0))
    assert inception_score(np.tile(np.eye(1, 7), (70, 1)))[0] == pytest.approx(1.0)  # collapse
    rng = np.random.default_rng(4)
    logits = rng.standard_normal((200, 10)) * 3
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    assert inception_score(p, splits=10) == pytest.approx(_reference_is(p, 10), rel=1e-10)
    with pytest.raises(ValueError, match="sum to 1"):
        inception_score(np.ones((20, 3)))
    with pytest.raises(ValueError, match="splits"):
        inception_score(p, splits=0)


def test_inception_score_splits_at_the_original_boundaries():
    # n = 23, splits = 10: parts of 2, 2, 3, 2, 2, 3, 2, 2, 2, 3 rows at i·n // splits
    # (numpy's array_split would give 3, 3, 3, 2, ...).
    rng = np.random.default_rng(18)
    logits = rng.standard_normal((23, 5)) * 3
    p = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    expected = _reference_is(p, 10)
    assert inception_score(p, splits=10) == pytest.approx(expected, rel=1e-12)
    array_split = [np.exp(np.mean([np.sum(row * np.log(row / part.mean(0))) for row in part]))
                   for part in np.array_split(p, 10)]
    assert abs(np.mean(array_split) - expected[0]) > 1e-3 * expected[0]  # the test can tell


def test_inception_score_input_errors_count_rows():
    p = np.full((20, 4), 0.25)
    p[3] = [1.5, -0.5, 0.0, 0.0]  # sums to 1 but negative
    p[9, 0] = np.nan
    with pytest.raises(ValueError, match="2 of 20 rows that are not \\(the first is row 3"):
        inception_score(p)
    with pytest.raises(ValueError, match="splits must be an integer in \\[1, n=20\\]"):
        inception_score(np.full((20, 4), 0.25), splits=True)
    with pytest.raises(ValueError, match="probabilities must be an array \\(n, num_classes\\)"):
        inception_score(np.full(20, 0.25))


def _reference_precision_recall(real, fake, k):
    def radius(points, i):
        return sorted(np.linalg.norm(points[i] - q) for j, q in enumerate(points) if j != i)[k - 1]

    def share(points, manifold):
        radii = [radius(manifold, i) for i in range(len(manifold))]
        return np.mean([any(np.linalg.norm(p - m) <= r for m, r in zip(manifold, radii))
                        for p in points])

    return {"precision": share(fake, real), "recall": share(real, fake)}


def test_precision_recall_on_toy_clouds_with_known_answers():
    rng = np.random.default_rng(5)
    shared = rng.standard_normal((40, 3))
    only_real = rng.standard_normal((10, 3)) * 0.1 + 50.0   # a mode the generator drops
    only_fake = rng.standard_normal((10, 3)) * 0.1 - 50.0   # samples off the data manifold
    real = np.concatenate([shared, only_real])
    fake = np.concatenate([shared, only_fake])
    assert precision_recall(real, fake, k=3) == pytest.approx({"precision": 0.8, "recall": 0.8})
    # Mode collapse: every sample on one real point: perfect precision, recall 4 / 50 at most.
    collapsed = np.repeat(shared[:1], 20, axis=0)
    result = precision_recall(real, collapsed)
    assert result["precision"] == 1.0 and result["recall"] < 0.1
    # On a line 0, 1, ..., 9 with k = 3 the radii are 3, 2, 2, ..., 2, 3 (ends reach further).
    line = np.arange(10.0)[:, None]
    assert precision_recall(line, np.array([[-3.0], [-3.5], [12.0], [12.5]]))["precision"] == 0.5


def test_precision_recall_matches_reference_loops():
    rng = np.random.default_rng(6)
    real, fake = rng.standard_normal((60, 4)), rng.standard_normal((50, 4)) * 1.5 + 0.3
    assert precision_recall(real, fake, k=3) == pytest.approx(
        _reference_precision_recall(real, fake, 3))
    with pytest.raises(ValueError, match="real_features must have more than k=3 rows"):
        precision_recall(real[:3], fake)


def test_precision_recall_input_errors():
    rng = np.random.default_rng(17)
    real, fake = rng.standard_normal((20, 4)), rng.standard_normal((20, 4))
    with pytest.raises(ValueError, match="fake_features must have more than k=5 rows"):
        precision_recall(real, fake[:5], k=5)
    with pytest.raises(ValueError, match="k must be an integer ≥ 1. Received: k=True"):
        precision_recall(real, fake, k=True)
    with pytest.raises(ValueError, match="real_features.shape=\\(20, 4\\), fake_features.shape"):
        precision_recall(real, fake[:, :3])
    fake[5] = np.nan
    with pytest.raises(ValueError, match="fake_features must hold only finite.*1 of 20 rows.*row 5"):
        precision_recall(real, fake)


def test_feature_evaluator_checks_its_arguments_when_built():
    from kgan.metrics import FeatureEvaluator

    reference = np.random.default_rng(19).standard_normal((30, 4))
    for name, value in (("pr_k", 0), ("kid_subsets", 0), ("kid_subset_size", 1)):
        with pytest.raises(ValueError, match=f"{name} must be an integer"):
            FeatureEvaluator(lambda images: images, reference, **{name: value})
    reference[4] = np.inf
    with pytest.raises(ValueError, match="reference_features must hold only finite values"):
        FeatureEvaluator(lambda images: images, reference)


def test_reference_statistics_are_cached_by_key(tmp_path):
    rng = np.random.default_rng(7)
    features = rng.standard_normal((500, 6))
    calls = []

    def compute():
        calls.append(1)
        return iter(np.array_split(features, 5))  # streamed in batches

    first = reference_statistics("toy", "identity", "500-all", compute, cache_dir=str(tmp_path),
                                 keep_features=True)
    again = reference_statistics("toy", "identity", "500-all", compute, cache_dir=str(tmp_path),
                                 keep_features=True)
    assert len(calls) == 1 and first["path"] == again["path"]
    assert first["path"].endswith("toy__identity__500-all.npz")
    np.testing.assert_allclose(again["mu"], features.mean(0), rtol=1e-12)
    np.testing.assert_allclose(again["sigma"], np.cov(features, rowvar=False), rtol=1e-10)
    np.testing.assert_array_equal(again["features"], features)
    assert again["count"] == 500
    other = reference_statistics("toy", "identity", "250-all", lambda: features[:250],
                                 cache_dir=str(tmp_path))
    assert other["count"] == 250 and len(calls) == 1 and other["features"] is None


def test_frechet_distance_rank_deficient_matches_reference():
    # Fewer samples than dimensions: singular covariances, a thin pivoted-Cholesky factor.
    rng = np.random.default_rng(8)
    a, b = rng.standard_normal((20, 32)), rng.standard_normal((25, 32)) * 1.3 + 0.2
    assert fid_from_features(a, b) == pytest.approx(_reference_fid(a, b), rel=1e-6)
    assert fid_from_features(a, a) == pytest.approx(0.0, abs=1e-8)


def test_kid_large_set_path_gives_the_same_value(monkeypatch):
    import importlib

    kid_module = importlib.import_module("kgan.metrics.kid")  # the module, not the function

    rng = np.random.default_rng(9)
    x, y = rng.standard_normal((40, 4)), rng.standard_normal((30, 4)) + 0.2
    blocks = kid(x, y, num_subsets=5, subset_size=20, seed=1)
    monkeypatch.setattr(kid_module, "_PRECOMPUTE_LIMIT", 0)
    assert kid(x, y, num_subsets=5, subset_size=20, seed=1) == pytest.approx(blocks, rel=1e-10)
