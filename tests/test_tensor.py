"""Tensor creation, dtypes, NumPy interop, views, promotion, repr."""
import numpy as np
import pytest

import xgrad


def test_tensor_adopts_contiguous_float_arrays_without_copy():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = xgrad.tensor(a)
    a[0, 0] = 42.0
    assert t[0, 0].item() == 42.0
    assert t._data_ptr() == a.ctypes.data


def test_tensor_copies_when_it_must():
    a = np.arange(12, dtype=np.float64).reshape(3, 4)[:, ::2]  # not contiguous
    t = xgrad.tensor(a)
    assert t.is_contiguous()
    np.testing.assert_array_equal(t.numpy(), a)
    b = np.arange(4, dtype=np.float64)
    t32 = xgrad.tensor(b, dtype=xgrad.float32)  # dtype change: converted once
    assert t32.dtype == xgrad.float32 and t32._data_ptr() != b.ctypes.data


@pytest.mark.parametrize("data,expected", [
    ([1.0, 2.0], xgrad.float32),                      # Python floats: the default dtype
    ([1, 2, 3], xgrad.int64),                         # Python ints: int64, as PyTorch
    ([True, False], xgrad.bool),
    ([1, 2.5], xgrad.float32),                        # mixed: the default float dtype
    (np.array([1, 2], dtype=np.int64), xgrad.int64),
    (np.array([1, 2], dtype=np.int32), xgrad.int32),
    (np.array([1, 2], dtype=np.int16), xgrad.int32),  # widened: xgrad has no int16
    (np.array([1, 2], dtype=np.uint8), xgrad.uint8),  # images stay uint8
    (np.array([1, 2], dtype=np.uint32), xgrad.int64),
    (np.array([True, False]), xgrad.bool),
    (3, xgrad.int64),
    (np.int32(3), xgrad.int32),
    (np.array([1.0], dtype=np.float64), xgrad.float64),
    (np.array([1.0], dtype=np.float32), xgrad.float32),
    (3.5, xgrad.float32),
])
def test_tensor_dtype_rules(data, expected):
    assert xgrad.tensor(data).dtype == expected


def test_numpy_shares_memory_and_array_protocol():
    t = xgrad.zeros(2, 3)
    view = t.numpy()
    view[1, 2] = 7.0
    assert t[1, 2].item() == 7.0
    assert np.asarray(t).base is not None
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert np.shares_memory(np.asarray(t), view)


def test_shape_attributes():
    t = xgrad.zeros(2, 3, 4, dtype=xgrad.float64)
    assert t.shape == (2, 3, 4) and t.ndim == 3 and t.numel() == 24 and t.size() == (2, 3, 4)
    assert t.size(1) == 3 and t.size(-1) == 4
    assert t.stride() == (12, 4, 1) and t.strides == (96, 32, 8)
    assert t.dtype == xgrad.float64 and t.dtype.name == "float64"
    assert len(t) == 2


def test_creation_functions():
    np.testing.assert_array_equal(xgrad.ones(2, 2).numpy(), np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(xgrad.full((2,), 3.5).numpy(), [3.5, 3.5])
    np.testing.assert_array_equal(xgrad.arange(5).numpy(), np.arange(5, dtype=np.float32))
    np.testing.assert_allclose(xgrad.arange(0, 1, 0.25, dtype=xgrad.float64).numpy(), np.arange(0, 1, 0.25))
    z = xgrad.zeros_like(xgrad.ones(3, dtype=xgrad.float64))
    assert z.dtype == xgrad.float64 and z.numpy().sum() == 0
    assert xgrad.randn(4, 5).shape == (4, 5) and xgrad.rand(3).dtype == xgrad.float32
    assert xgrad.zeros(2, requires_grad=True).requires_grad


def test_manual_seed_repeats_every_draw():
    xgrad.manual_seed(123)
    a = (xgrad.randn(100).numpy().copy(), xgrad.rand(50).numpy().copy())
    xgrad.manual_seed(123)
    b = (xgrad.randn(100).numpy(), xgrad.rand(50).numpy())
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    xgrad.manual_seed(124)
    assert not np.array_equal(xgrad.randn(100).numpy(), a[0])


def test_rng_state_roundtrip():
    state = xgrad.get_rng_state()
    first = xgrad.randn(10).numpy().copy()
    xgrad.set_rng_state(state)
    np.testing.assert_array_equal(xgrad.randn(10).numpy(), first)


def test_random_distributions_have_the_right_moments():
    n = 200_000
    x = xgrad.randn(n, dtype=xgrad.float64).numpy()
    u = xgrad.rand(n, dtype=xgrad.float64).numpy()
    # 6 standard errors: fails by chance with probability ~2e-9
    assert abs(x.mean()) < 6 / np.sqrt(n) and abs(x.var() - 1) < 6 * np.sqrt(2 / n)
    assert abs(u.mean() - 0.5) < 6 * np.sqrt(1 / 12 / n) and u.min() >= 0 and u.max() < 1


def test_views_share_storage():
    t = xgrad.tensor(np.arange(12, dtype=np.float32).reshape(3, 4))
    for view in (t.reshape(4, 3), t.transpose(0, 1), t[1:, ::2], t[1], t.T, t.unsqueeze(0), t.expand(2, 3, 4)):
        assert np.shares_memory(view.numpy(), t.numpy())
    assert not t.T.is_contiguous()
    # reshape of a non-contiguous tensor copies, and still gives NumPy's answer
    np.testing.assert_array_equal(t.T.reshape(12).numpy(), np.arange(12).reshape(3, 4).T.reshape(12))


def test_mixed_dtypes_promote_like_numpy_and_scalars_keep_dtype():
    a = xgrad.ones(3)
    b = xgrad.ones(3, dtype=xgrad.float64)
    assert (a + b).dtype == xgrad.float64 and (b * a).dtype == xgrad.float64
    assert (a * 2.5).dtype == xgrad.float32 and (2.5 - a).dtype == xgrad.float32
    assert (a + np.float64(2)).dtype == xgrad.float32
    assert (a + np.ones(3)).dtype == xgrad.float64  # a float64 array is a float64 operand


def test_mixed_dtype_gradients_keep_each_leaf_dtype():
    a = xgrad.ones(3, requires_grad=True)
    b = xgrad.ones(3, dtype=xgrad.float64, requires_grad=True)
    (a * b).sum().backward()
    assert a.grad.dtype == xgrad.float32 and b.grad.dtype == xgrad.float64


def test_ndarray_on_the_left_defers_to_tensor():
    a = np.array([6.0, -3.0, 1.5], dtype=np.float32)
    x = xgrad.tensor([2.0, 4.0, -0.5], requires_grad=True)
    # the reflected ops keep the operand order: a - x, not x - a
    for out, expected in [(a + x, [8.0, 1.0, 1.0]), (a - x, [4.0, -7.0, 2.0]), (a * x, [12.0, -12.0, -0.75]),
                          (a / x, [3.0, -0.75, -3.0])]:
        assert isinstance(out, xgrad.Tensor) and out.dtype == xgrad.float32 and out.requires_grad
        np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6)
    (a * x).sum().backward()  # the array is a constant in the graph
    np.testing.assert_allclose(x.grad.numpy(), a)


def test_repr_like_numpy_with_dtype_and_grad():
    assert repr(xgrad.tensor([1.0, 2.0])) == "tensor([1., 2.], dtype=float32)"
    r = repr(xgrad.tensor([[1.0]], dtype=xgrad.float64, requires_grad=True))
    assert r == "tensor([[1.]], dtype=float64, requires_grad=True)"
    assert "grad_fn=<mul>" in repr(xgrad.tensor([1.0], requires_grad=True) * 2)


def test_item_and_conversions():
    assert xgrad.tensor([[2.5]]).item() == 2.5
    assert float(xgrad.tensor(3.0)) == 3.0 and int(xgrad.tensor([4.0])) == 4
    assert xgrad.tensor([1.0, 2.0]).tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="one element"):
        xgrad.tensor([1.0, 2.0]).item()


def test_setitem_basic_and_advanced():
    t = xgrad.zeros(3, 4)
    t[1] = 5.0
    t[:, 0] = xgrad.tensor([1.0, 2.0, 3.0])
    t[np.array([0, 2]), np.array([3, 3])] = 9.0
    expected = np.zeros((3, 4), np.float32)
    expected[1] = 5
    expected[:, 0] = [1, 2, 3]
    expected[[0, 2], [3, 3]] = 9
    np.testing.assert_array_equal(t.numpy(), expected)


def test_indexing_matches_numpy_placement_rules():
    a = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    t = xgrad.tensor(a)
    for key in [(0, slice(None), [1, 2]), (slice(None), [0, 2], [1, 3]), ([0, 1], slice(None), [1, 2]),
                (Ellipsis, [4, 0]), (None, 1, slice(1, 3)), (slice(None), 1, [0, 3], slice(None))]:
        np.testing.assert_array_equal(t[key].numpy(), a[key], err_msg=str(key))


def test_in_place_ops_and_version_counter():
    t = xgrad.zeros(3)
    v0 = t._version
    t.add_(xgrad.ones(3)).mul_(3.0).sub_(xgrad.ones(3), alpha=0.5)
    np.testing.assert_allclose(t.numpy(), [2.5, 2.5, 2.5])
    assert t._version > v0
    t.zero_()
    assert t.numpy().sum() == 0


def test_allocator_reuses_large_buffers():
    before = xgrad._core.allocator_stats()["hits"]
    for _ in range(5):
        xgrad.zeros(512, 512)  # 1 MB, freed at once
    assert xgrad._core.allocator_stats()["hits"] >= before + 4


def test_randperm_is_a_seeded_permutation():
    xgrad.manual_seed(3)
    first = xgrad.randperm(1000)
    xgrad.manual_seed(3)
    again = xgrad.randperm(1000)
    np.testing.assert_array_equal(first, again)
    np.testing.assert_array_equal(np.sort(first), np.arange(1000))
    assert not np.array_equal(first, np.arange(1000))
    assert first.dtype == np.int64 and xgrad.randperm(0).shape == (0,)


def test_randint_stays_in_range_and_covers_it():
    xgrad.manual_seed(4)
    draws = xgrad.randint(-2, 3, 5000)
    assert draws.min() == -2 and draws.max() == 2
    counts = np.bincount(draws + 2)
    assert np.all(np.abs(counts - 1000) < 150)  # 5 sigma of a binomial(5000, 0.2)
    with pytest.raises(ValueError, match="randint"):
        xgrad.randint(3, 3, 2)
    with pytest.raises(ValueError, match="randperm"):
        xgrad.randperm(-1)


# ---------------------------------------------------------------- shape arithmetic never overflows

HUGE = 2 ** 62


@pytest.mark.parametrize("make", [xgrad.zeros, xgrad.ones, xgrad.empty, xgrad.randn, xgrad.rand,
                                  lambda *s: xgrad.full(s, 1.0)], ids=["zeros", "ones", "empty", "randn", "rand", "full"])
@pytest.mark.parametrize("shape,why", [
    ((2 ** 40, 2 ** 40), "more elements than int64 can count"),
    ((2 ** 33, 2 ** 31), "more elements than int64 can count"),
    ((HUGE, 4), "more elements than int64 can count"),
    ((2 ** 31, 2 ** 31), "more bytes than int64 can count"),
    ((0, HUGE, HUGE), "no element but strides too large"),
    ((3, -1), "negative dimension"),
], ids=["2^80", "2^64", "2^64-by-a-huge-first-dim", "2^62-elements", "zero-beside-huge", "negative"])
def test_creation_with_an_overflowing_shape_raises_naming_the_op(make, shape, why):
    name = {xgrad.zeros: "zeros", xgrad.ones: "ones", xgrad.empty: "empty", xgrad.randn: "randn",
            xgrad.rand: "rand"}.get(make, "full")
    with pytest.raises(ValueError, match=rf"{name}: shape .* {why}"):
        make(*shape)


def test_a_shape_that_fits_but_not_in_memory_is_a_memory_error_naming_the_size():
    with pytest.raises(MemoryError, match=r"cannot allocate .* GiB \(4611686018427387904 bytes\)"):
        xgrad.zeros(2 ** 30, 2 ** 30)  # 2^60 float32: 4 EiB


@pytest.mark.parametrize("fn,pattern", [
    (lambda: xgrad.ones(3).expand(-2, 3), r"expand: the target shape \(-2, 3\) has a negative dimension"),
    (lambda: xgrad.ones(3).expand(2 ** 40, 2 ** 40, 3).sum(), r"expand: .* more elements than int64"),
    (lambda: xgrad.ones(1, 1).expand(2 ** 32, 1) + xgrad.ones(1, 1).expand(1, 2 ** 32),
     r"add: broadcasting \(4294967296, 1\) with \(1, 4294967296\) gives .* more elements than int64"),
    (lambda: xgrad.ones(4).reshape(2 ** 40, 2 ** 40, -1), r"reshape: shape .* more elements than int64"),
    (lambda: xgrad.arange(0, 1e300), r"arange: .* would have 1e\+300 elements"),
    (lambda: xgrad.arange(0, float("nan")), r"arange: start, end and step must be finite"),
    (lambda: xgrad.arange(float("inf")), r"arange: start, end and step must be finite"),
], ids=["expand-negative", "expand-overflow", "broadcast-overflow", "reshape-overflow", "arange-count",
        "arange-nan", "arange-inf"])
def test_views_broadcasts_and_ranges_that_overflow_raise(fn, pattern):
    with pytest.raises(ValueError, match=pattern):
        fn()


def test_a_huge_view_that_fits_is_still_allowed():
    """A stride-0 view of 2^62 elements is legal (nothing is allocated); only counts that overflow fail."""
    v = xgrad.ones(1).expand(HUGE)
    assert v.shape == (HUGE,) and v.stride() == (0,)
    assert v[HUGE - 1].item() == 1.0


# ---------------------------------------------------------------- NumPy interop is exact

@pytest.mark.parametrize("dtype", [">f4", ">f8", "<f4", "<f8"])
@pytest.mark.parametrize("layout", ["contiguous", "transposed", "stepped"])
def test_arrays_of_either_byte_order_convert_by_value(dtype, layout):
    base = (np.arange(24, dtype=np.float64).reshape(4, 6) - 7.25).astype(dtype)
    array = {"contiguous": base, "transposed": base.T, "stepped": base[::2, 1::3]}[layout]
    t = xgrad.tensor(array)
    assert t.dtype == (xgrad.float32 if dtype[1:] == "f4" else xgrad.float64)
    np.testing.assert_array_equal(t.numpy(), array.astype(array.dtype.newbyteorder("=")))


@pytest.mark.parametrize("scalar,dtype", [(np.float64(1.1), xgrad.float64), (np.float32(1.1), xgrad.float32),
                                          (np.float16(1.5), xgrad.float32), (1.1, xgrad.float32)],
                         ids=["np.float64", "np.float32", "np.float16", "python-float"])
def test_a_numpy_scalar_keeps_its_precision(scalar, dtype):
    t = xgrad.tensor(scalar)
    assert t.dtype == dtype and t.shape == () and t.item() == float(np.asarray(scalar).astype(
        np.float32 if dtype == xgrad.float32 else np.float64))


@pytest.mark.parametrize("view", [lambda a: a.T, lambda a: a[::2, 1::2], lambda a: a[::-1, ::-1], lambda a: a[:, None, 2],
                                  lambda a: a[1:3], lambda a: a[:0]],
                         ids=["transposed", "stepped", "reversed", "new-axis", "sliced", "empty"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_from_numpy_shares_memory_in_any_layout(view, dtype):
    a = np.arange(20, dtype=dtype).reshape(4, 5)
    v = view(a)
    t = xgrad.from_numpy(v)
    np.testing.assert_array_equal(t.numpy(), v)
    assert t.shape == v.shape and t.stride() == tuple(s // v.itemsize for s in v.strides)
    a += 100  # writes through the array are seen by the tensor: the memory is shared
    np.testing.assert_array_equal(t.numpy(), v)
    if v.size:
        with xgrad.no_grad():
            t.fill_(-1.0)  # and the other way round
        assert np.all(v == -1)


@pytest.mark.parametrize("array,pattern", [
    (np.arange(3, dtype=np.int16), r"int16 array"), (np.arange(3, dtype=np.uint32), r"uint32 array"),
    (np.arange(3, dtype=np.float16), r"float16"),
    (np.arange(3, dtype=">f4"), r"other byte order"), (np.broadcast_to(np.float32(1), (3,)), r"read-only"),
    (np.frombuffer(b"\0" * 13, dtype=np.float32, offset=1, count=3), r"read-only|not aligned"),
], ids=["int16", "uint32", "float16", "big-endian", "broadcast-read-only", "unaligned"])
def test_from_numpy_refuses_what_it_cannot_share_saying_why(array, pattern):
    with pytest.raises(TypeError, match=rf"from_numpy: cannot share the memory of .*{pattern}.*xgrad\.tensor"):
        xgrad.from_numpy(array)
    np.testing.assert_array_equal(xgrad.tensor(array).numpy(), array.astype(np.float32 if array.dtype.itemsize <= 4
                                                                            else np.float64))


def test_float16_and_long_double_convert_where_exact_and_raise_where_not():
    half = np.array([0.5, -2.0, 65504.0], dtype=np.float16)
    assert xgrad.tensor(half).dtype == xgrad.float32
    np.testing.assert_array_equal(xgrad.tensor(half).numpy(), half.astype(np.float32))
    exact = np.array([1.5, -3.25], dtype=np.longdouble)
    assert xgrad.tensor(exact).dtype == xgrad.float64
    np.testing.assert_array_equal(xgrad.tensor(exact).numpy(), [1.5, -3.25])
    if np.finfo(np.longdouble).nmant > np.finfo(np.float64).nmant:  # x86's 80-bit long double
        with pytest.raises(TypeError, match=r"float128 array holds values that float64 cannot represent exactly"):
            xgrad.tensor(np.longdouble(1) / np.array([3], dtype=np.longdouble))


@pytest.mark.parametrize("array", [np.array([1 + 2j]), np.array([object()], dtype=object), np.array(["a"])],
                         ids=["complex", "object", "string"])
def test_non_numeric_arrays_raise_naming_the_dtype(array):
    with pytest.raises(TypeError, match=rf"tensor: cannot make a tensor from .*{array.dtype}"):
        xgrad.tensor(array)
