"""Datasets (MNIST, Fashion-MNIST, CIFAR-10, sklearn digits, spiral/moons/blobs), the DataLoader,
preprocessing fitted on train and applied to val/test, and augmentation."""

__all__ = []
