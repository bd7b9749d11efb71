"""The curated public API: what each package exports."""


EXPECTED = {
    "kgan": ["augment", "callbacks", "data", "editing", "export", "latent", "layers", "losses", "metrics", "models", "networks",
             "pretrained", "recipe", "saving", "training"],
    "kgan.export": ["export_saved_model"],
    "kgan.saving": ["ModelFileError", "load_model"],
    "kgan.editing": ["DragGAN", "DragResult", "bilinear_sample", "motion_supervision_loss",
                     "track_points"],
    "kgan.models": ["BiGAN", "BigGAN", "SemiSupervisedGAN", "CGAN", "CycleGAN", "DCGAN", "GAN", "GANimation", "Pix2Pix", "ProgressiveGAN", "R3GAN", "SRGAN", "StarGAN", "StyleGAN", "StyleGAN2", "WGAN", "WGANGP", "Zi2Zi"],
    "kgan.networks": ["bigan_discriminator", "bigan_encoder", "biggan_discriminator",
                      "biggan_generator", "biggan_deep_generator", "biggan_deep_statistics_weights",
                      "semi_supervised_discriminator",
                      "conditional_discriminator", "conditional_generator", "dcgan_discriminator",
                      "dcgan_generator", "ganimation_generator", "mlp_discriminator", "mlp_generator",
                      "pack_discriminator",
                      "patchgan_discriminator", "pixel_discriminator", "ProgressiveDiscriminator", "ProgressiveGenerator",
                      "resnet_generator", "srgan_discriminator",
                      "srgan_generator", "stargan_discriminator", "stylegan2_discriminator", "stylegan2_synthesis",
                      "stylegan_generator", "stylegan_mapping", "stylegan_synthesis", "unet_generator", "vgg19_content_network",
                      "zi2zi_generator"],
    "kgan.layers": ["ConcatenateLabels", "ConditionalBatchNormalization", "InterpolatedBatchNormalization", "SelfAttention", "EqualizedConv2D", "EqualizedDense", "PixelNormalization",
                    "AdaptiveInstanceNormalization", "ConstantInput", "Conv2D", "Conv2DTranspose", "ModulatedConv2D",
                    "NoiseInjection", "Resample2D",
                    "MinibatchDiscrimination", "MinibatchStdDev", "PackSamples",
                    "PixelShuffle", "ProjectionHead", "SpectralNormalization"],
    "kgan.data": ["gaussian_mixture", "images_from_array", "load_digits", "load_image_folder", "load_mnist", "stacked_mnist",
                  "load_paired_folder", "load_tfds", "load_unpaired_folder", "make_dataset",
                  "process_shard", "mixture_modes", "domain_digits", "render_domains", "paired_digits", "unpaired_digits",
                  "condition_digits", "style_digits", "UnpairedDataset", "ImageFolderStream", "PairedDataset", "load_celeba_folder"],
    "kgan.metrics": ["DigitsEvaluator", "DigitsFeatureExtractor", "FeatureEvaluator",
                     "FeatureStatistics", "digits_features", "feature_statistics",
                     "fid_from_features", "frechet_distance", "inception_score", "ink_colour_accuracy", "kid",
                     "load_digits_classifier", "load_mnist_classifier", "MNISTEvaluator",
                     "MNISTFeatureExtractor", "StackedMNISTEvaluator", "stacked_mnist_modes", "mode_coverage", "polynomial_mmd2",
                     "precision_recall", "psnr", "reference_statistics", "translation_scores",
                     "FIDInceptionExtractor", "KerasInceptionExtractor", "feature_extractor",
                     "fid_inception_network", "resize_images"],
    "kgan.callbacks": ["Checkpoint", "CheckpointError", "LinearLearningRateDecay", "MetricsCallback", "NaNGuard", "ProgressiveGrowing", "SampleGrid", "latest_checkpoint",
                       "load_checkpoint", "save_image_columns", "save_image_grid", "save_scatter"],
    "kgan.augment": ["POLICY_NAMES", "AdaptiveAugment", "DiffAugment", "adjust_color", "color",
                     "cut_out", "cutout", "get", "translate", "translation"],
    "kgan.losses": ["ADVERSARIAL_LOSSES", "attribute_classification_loss",
                    "condition_regression_loss", "content_loss",
                    "discriminator_bidirectional_loss", "discriminator_hinge_loss",
                    "discriminator_least_squares_loss", "discriminator_minimax_loss",
                    "discriminator_non_saturating_loss", "discriminator_relativistic_loss",
                    "discriminator_semi_supervised_loss", "discriminator_wasserstein_loss",
                    "generator_bidirectional_loss", "generator_feature_matching_loss",
                    "generator_hinge_loss", "generator_least_squares_loss",
                    "generator_minimax_loss", "generator_non_saturating_loss",
                    "generator_relativistic_loss", "generator_semi_supervised_loss",
                    "generator_wasserstein_loss", "get_adversarial_loss", "drift_penalty", "gradient_penalty",
                    "interpolate", "l1_loss", "orthogonal_penalty", "masked_classification_loss", "r1_penalty",
                    "path_length_penalty", "path_lengths", "r2_penalty", "total_variation_loss"],
    "kgan.training": ["AdversarialModel", "AdversarialOptimizer"],
    "kgan.pretrained": ["BigGANDeep", "load_biggan_deep", "NVlabsNetwork", "load_junyanz_discriminator", "load_junyanz_generator", "load_nvlabs_stylegan2", "read_nvlabs_pickle"],
}


def test_public_names():
    import importlib

    for module_name, names in EXPECTED.items():
        module = importlib.import_module(module_name)
        assert sorted(module.__all__) == sorted(names), module_name
        for name in names:
            assert hasattr(module, name), f"{module_name}.{name}"
