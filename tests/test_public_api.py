"""The curated public API: what each package exports."""


EXPECTED = {
    "kgan": ["callbacks", "data", "latent", "layers", "losses", "metrics", "models", "networks",
             "recipe", "training"],
    "kgan.models": ["CGAN", "DCGAN", "GAN", "WGANGP"],
    "kgan.networks": ["conditional_discriminator", "conditional_generator", "dcgan_discriminator",
                      "dcgan_generator", "mlp_discriminator", "mlp_generator"],
    "kgan.layers": ["ConcatenateLabels", "ProjectionHead"],
    "kgan.data": ["gaussian_mixture", "images_from_array", "load_digits", "load_image_folder",
                  "mixture_modes"],
    "kgan.metrics": ["DigitsEvaluator", "DigitsFeatureExtractor", "FeatureEvaluator",
                     "FeatureStatistics", "digits_features", "feature_statistics",
                     "fid_from_features", "frechet_distance", "inception_score", "kid",
                     "load_digits_classifier", "mode_coverage", "polynomial_mmd2",
                     "precision_recall", "reference_statistics"],
    "kgan.callbacks": ["Checkpoint", "CheckpointError", "MetricsCallback", "NaNGuard", "SampleGrid", "latest_checkpoint",
                       "load_checkpoint", "save_image_grid", "save_scatter"],
    "kgan.training": ["AdversarialModel", "AdversarialOptimizer"],
}


def test_public_names():
    import importlib

    for module_name, names in EXPECTED.items():
        module = importlib.import_module(module_name)
        assert sorted(module.__all__) == sorted(names), module_name
        for name in names:
            assert hasattr(module, name), f"{module_name}.{name}"
