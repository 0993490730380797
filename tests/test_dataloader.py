"""xgrad.data.DataLoader and TensorDataset: coverage of every sample, batch types and shapes,
drop_last, seeded shuffling drawn from xgrad's generator, transforms, bad input."""
import numpy as np
import pytest

import xgrad
from xgrad.data import DataLoader, TensorDataset


def _data(n=103, d=5):
    x = np.arange(n * d, dtype=np.float32).reshape(n, d)
    y = np.arange(n, dtype=np.int64)
    return x, y


def _epoch_labels(loader):
    return np.concatenate([y for _, y in loader])


@pytest.mark.parametrize("shuffle", [False, True])
def test_every_sample_once_per_epoch(shuffle):
    x, y = _data()
    loader = DataLoader((x, y), batch_size=10, shuffle=shuffle)
    for _ in range(2):
        seen = _epoch_labels(loader)
        assert sorted(seen.tolist()) == list(range(len(y)))
    if not shuffle:
        np.testing.assert_array_equal(seen, y)


def test_batch_types_shapes_and_contents():
    x, y = _data()
    loader = DataLoader((x, y), batch_size=16, shuffle=True)
    sizes = []
    for xb, yb in loader:
        assert isinstance(xb, xgrad.Tensor) and xb.dtype == xgrad.float32
        assert isinstance(yb, xgrad.Tensor) and yb.dtype == xgrad.int64
        # the rows travel with their labels
        np.testing.assert_array_equal(xb.numpy(), x[yb])
        sizes.append(len(yb))
    assert sizes == [16] * 6 + [7]
    assert len(loader) == 7


def test_float64_and_small_int_inputs_are_converted():
    x = np.random.default_rng(0).normal(size=(10, 3))  # float64
    y = np.arange(10, dtype=np.uint8)
    xb, yb = next(iter(DataLoader((x, y), batch_size=4)))
    assert xb.dtype == xgrad.float32 and yb.dtype == xgrad.int64
    np.testing.assert_allclose(xb.numpy(), x[:4].astype(np.float32))


@pytest.mark.parametrize("n, bs", [(100, 10), (103, 10), (5, 8), (0, 4)])
def test_len_and_drop_last(n, bs):
    x, y = _data(n)
    keep = DataLoader((x, y), batch_size=bs)
    drop = DataLoader((x, y), batch_size=bs, drop_last=True, shuffle=True)
    assert len(keep) == -(-n // bs) == len(list(keep))
    assert len(drop) == n // bs == len(list(drop))
    assert all(len(yb) == bs for _, yb in drop)
    if len(drop):
        assert len(np.unique(_epoch_labels(drop))) == (n // bs) * bs


def test_seeded_shuffle_repeats_and_epochs_differ():
    x, y = _data()
    loader = DataLoader((x, y), batch_size=10, shuffle=True)
    xgrad.manual_seed(7)
    e1, e2 = _epoch_labels(loader), _epoch_labels(loader)
    xgrad.manual_seed(7)
    np.testing.assert_array_equal(_epoch_labels(loader), e1)
    np.testing.assert_array_equal(_epoch_labels(loader), e2)
    assert not np.array_equal(e1, e2)
    assert not np.array_equal(e1, y)


def test_shuffle_order_is_xgrad_randperm_and_rng_state_captures_it():
    x, y = _data(50)
    loader = DataLoader((x, y), batch_size=50, shuffle=True)
    xgrad.manual_seed(11)
    expected = xgrad.randperm(50)
    xgrad.manual_seed(11)
    np.testing.assert_array_equal(_epoch_labels(loader), expected)
    state = xgrad.get_rng_state()
    nxt = _epoch_labels(loader)
    xgrad.set_rng_state(state)
    np.testing.assert_array_equal(_epoch_labels(loader), nxt)


def test_order_is_drawn_when_iteration_starts():
    x, y = _data(30)
    loader = DataLoader((x, y), batch_size=7, shuffle=True)
    xgrad.manual_seed(2)
    it = iter(loader)
    first = next(it)[1]
    xgrad.randn(100)  # other draws during the epoch must not change the rest of the epoch
    rest = np.concatenate([yb for _, yb in it])
    xgrad.manual_seed(2)
    np.testing.assert_array_equal(np.concatenate([first, rest]), _epoch_labels(loader))


def test_transform_applies_to_first_element_only():
    x, y = _data(20)
    seen = []

    def transform(xb):
        seen.append(type(xb))
        return xb * 2 + 1

    for xb, yb in DataLoader((x, y), batch_size=8, transform=transform):
        np.testing.assert_array_equal(xb.numpy(), x[yb] * 2 + 1)
        assert yb.dtype == xgrad.int64
    assert seen == [np.ndarray] * 3


def test_transform_may_return_a_tensor():
    x, y = _data(6)
    xb, _ = next(iter(DataLoader((x, y), batch_size=6, transform=lambda a: xgrad.tensor(a) * 0.5)))
    assert isinstance(xb, xgrad.Tensor)
    np.testing.assert_allclose(xb.numpy(), x * 0.5)


@pytest.mark.parametrize("transform, got", [
    (lambda a: None, "got NoneType"),                       # an in-place transform that returns nothing
    (lambda a: a[:-1], r"got ndarray of shape \(7, 5\)"),   # drops a sample: labels would shift
    (lambda a: xgrad.tensor(a.sum()), r"got Tensor of shape \(\)"),
])
def test_transform_output_must_keep_the_batch(transform, got):
    x, y = _data(16)
    with pytest.raises(ValueError, match=r"DataLoader: transform must return an array or Tensor with the "
                                         r"batch's 8 samples, " + got + r" for input shape \(8, 5\)"):
        next(iter(DataLoader((x, y), batch_size=8, transform=transform)))


def test_dataset_object_and_tensor_inputs():
    x, y = _data(12)
    ds = TensorDataset(xgrad.tensor(x), y)
    assert len(ds) == 12
    xi, yi = ds[3]
    np.testing.assert_array_equal(xi, x[3])
    assert yi == 3
    batches = list(DataLoader(ds, batch_size=5))
    np.testing.assert_array_equal(batches[-1][0].numpy(), x[10:])

    class Squares:
        def __len__(self):
            return 9

        def __getitem__(self, index):
            index = np.asarray(index)
            return index.astype(np.float32) ** 2, index

    got = [(xb.numpy(), yb) for xb, yb in DataLoader(Squares(), batch_size=4)]
    np.testing.assert_array_equal(np.concatenate([g[0] for g in got]), np.arange(9.0) ** 2)


def test_dataset_returning_a_list_of_fields_is_converted_like_a_tuple():
    x, y = _data(9)

    class ListFields:
        def __len__(self):
            return 9

        def __getitem__(self, index):
            return [x[index].astype(np.float64), y[index].astype(np.int32)]

    batches = list(DataLoader(ListFields(), batch_size=4))
    assert [len(yb) for _, yb in batches] == [4, 4, 1]
    for xb, yb in batches:
        assert isinstance(xb, xgrad.Tensor) and xb.dtype == xgrad.float32
        assert isinstance(yb, xgrad.Tensor) and yb.dtype == xgrad.int64
        np.testing.assert_array_equal(xb.numpy(), x[yb])


def test_single_array_yields_single_batches():
    x, _ = _data(10)
    batches = list(DataLoader(x, batch_size=4))
    assert all(isinstance(b, xgrad.Tensor) for b in batches)
    np.testing.assert_array_equal(np.concatenate([b.numpy() for b in batches]), x)


def test_label_count_differs_from_sample_count():
    x, y = _data(10)
    with pytest.raises(ValueError, match=r"TensorDataset: .*lengths \[10, 9\]"):
        DataLoader((x, y[:9]))


@pytest.mark.parametrize("bs, error", [(0, ValueError), (-3, ValueError), (2.5, TypeError), (True, TypeError),
                                       ("8", TypeError), (None, TypeError)])
def test_bad_batch_size(bs, error):
    x, y = _data(10)
    with pytest.raises(error, match=f"DataLoader: batch_size must be a positive integer, got {bs!r}"):
        DataLoader((x, y), batch_size=bs)


def test_bad_data_and_transform():
    with pytest.raises(TypeError, match="DataLoader: data must be"):
        DataLoader(42)
    with pytest.raises(TypeError, match="DataLoader: transform must be callable"):
        DataLoader((np.zeros((2, 2)),), transform="flip")
    with pytest.raises(ValueError, match="TensorDataset: needs at least one array"):
        DataLoader(())
    with pytest.raises(ValueError, match="scalar"):
        TensorDataset(np.float32(3.0))
