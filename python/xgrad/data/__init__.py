"""Datasets (MNIST, Fashion-MNIST, CIFAR-10, sklearn digits, spiral/moons/blobs), the DataLoader,
preprocessing fitted on train and applied to val/test, and augmentation."""
from .datasets import (
    CIFAR10_CLASSES, FASHION_MNIST_CLASSES, MNIST_CLASSES, DatasetNotFoundError, Splits, cache_dir, load_cifar10,
    load_digits, load_fashion_mnist, load_mnist, make_blobs, make_moons, make_spiral, search_paths,
)
from .idx import parse_idx, read_idx
from .loader import ArrayDataset, DataLoader, Dataset, Subset, TensorDataset, default_collate, random_split
from .preprocessing import (
    PCA, MeanSubtraction, MinMaxScaler, NotFittedError, PCAWhitening, Standardize, ZCAWhitening,
)
from . import ai_edu, augment
from .augment import (
    ColorJitter, Compose, Cutout, RandomAffine, RandomCrop, RandomHorizontalFlip, RandomRotation, RandomTranslate, mixup,
)

__all__ = [
    "Splits", "DatasetNotFoundError", "load_mnist", "load_fashion_mnist", "load_cifar10", "load_digits",
    "make_spiral", "make_moons", "make_blobs", "search_paths", "cache_dir",
    "MNIST_CLASSES", "FASHION_MNIST_CLASSES", "CIFAR10_CLASSES", "read_idx", "parse_idx",
    "DataLoader", "Dataset", "TensorDataset", "ArrayDataset", "Subset", "random_split", "default_collate",
    "MeanSubtraction", "Standardize", "MinMaxScaler", "PCA", "PCAWhitening", "ZCAWhitening", "NotFittedError",
    "ai_edu", "augment", "RandomHorizontalFlip", "RandomCrop", "RandomTranslate", "RandomRotation", "RandomAffine",
    "ColorJitter", "Cutout", "Compose", "mixup",
]
