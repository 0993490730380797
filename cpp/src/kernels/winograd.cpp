#include "winograd.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "blas.hpp"
#include "parallel.hpp"

namespace xgrad::kernels {

namespace {

// The 16 transform positions ξ = 4 r + s are 16 planes of a chunk buffer: plane ξ holds a
// (rows, tc) matrix, the operand of that position's gemm. A chunk is whole rows of tiles, and the
// transforms run along a tile row at a time: their loops over the tiles j are contiguous in every
// plane and in the image rows, so they vectorise.
constexpr int64_t kPositions = 16;
// Channels per thread in the transforms' loops: a chunk's transform of one channel is tens of
// microseconds, a thread's start about as much.
constexpr int64_t kChannelsPerThread = 4;

// Tile rows per chunk: the chunk's transformed inputs and outputs (16 (2 C + O) tc values) stay
// near 4 MB, and a gemm's N dimension (tc tiles) stays long enough for OpenBLAS's kernels.
int64_t chunk_rows(const WinogradGeometry& g) {
    const int64_t per_tile = kPositions * (2 * g.C + g.O);
    const int64_t tiles = std::max<int64_t>((int64_t(1) << 20) / std::max<int64_t>(per_tile, 1), 64);
    return std::clamp<int64_t>(tiles / g.tw, 1, g.N * g.th);
}

// Scratch that outlives a call, one per thread and type: a fresh multi-megabyte buffer per call
// is an mmap whose pages fault in on first touch.
template <class T>
T* scratch(int slot, size_t n) {
    thread_local std::vector<T> buffers[5];
    auto& b = buffers[slot];
    if (b.size() < n) b.resize(n);
    return b.data();
}

// Row y of an image plane (H x W) over the padded columns q = 0 .. L-1 (column q - pw), 0 outside.
template <class T>
void padded_row(const T* plane, int64_t H, int64_t W, int64_t pw, int64_t y, int64_t L, T* row) {
    if (y < 0 || y >= H) {
        std::fill(row, row + L, T(0));
        return;
    }
    const int64_t lo = std::min(pw, L), hi = std::clamp<int64_t>(pw + W, lo, L);
    std::fill(row, row + lo, T(0));
    std::copy(plane + y * W + (lo - pw), plane + y * W + (hi - pw), row + lo);
    std::fill(row + hi, row + L, T(0));
}

// V[ξ, c, t] for the tiles of tile row (n, i) of channel c, written at v[ξ * plane + j]:
// B^T d B, B^T d = (d0 - d2, d1 + d2, d2 - d1, d1 - d3) down the rows, then the same along them
// with d's columns split into even E and odd O: (E_j - E_j+1, O_j + E_j+1, E_j+1 - O_j, O_j - O_j+1).
template <class T>
void input_row(const WinogradGeometry& g, const T* xc, int64_t i, T* v, int64_t plane, T* work) {
    const int64_t tw = g.tw, L = 2 * tw + 2;
    T* d = work;           // 4 padded input rows
    T* e = work + 4 * L;   // even and odd columns of one combined row, tw + 1 each
    T* o = e + (tw + 1);
    for (int r = 0; r < 4; ++r) padded_row(xc, g.H, g.W, g.pw, 2 * i - g.ph + r, L, d + r * L);
    for (int r = 0; r < 4; ++r) {
        const T* d0 = d; const T* d1 = d + L; const T* d2 = d + 2 * L; const T* d3 = d + 3 * L;
        // one loop per row of B^T, each vectorised: the combined row, split into even and odd columns
        switch (r) {
            case 0: for (int64_t q = 0; q <= tw; ++q) e[q] = d0[2 * q] - d2[2 * q], o[q] = d0[2 * q + 1] - d2[2 * q + 1]; break;
            case 1: for (int64_t q = 0; q <= tw; ++q) e[q] = d1[2 * q] + d2[2 * q], o[q] = d1[2 * q + 1] + d2[2 * q + 1]; break;
            case 2: for (int64_t q = 0; q <= tw; ++q) e[q] = d2[2 * q] - d1[2 * q], o[q] = d2[2 * q + 1] - d1[2 * q + 1]; break;
            default: for (int64_t q = 0; q <= tw; ++q) e[q] = d1[2 * q] - d3[2 * q], o[q] = d1[2 * q + 1] - d3[2 * q + 1]; break;
        }
        T* v0 = v + (r * 4) * plane; T* v1 = v0 + plane; T* v2 = v1 + plane; T* v3 = v2 + plane;
        for (int64_t j = 0; j < tw; ++j) {
            v0[j] = e[j] - e[j + 1];
            v1[j] = o[j] + e[j + 1];
            v2[j] = e[j + 1] - o[j];
            v3[j] = o[j] - o[j + 1];
        }
    }
}

// Transform the chunk's tile rows [row0, row0 + rows) of every channel: V[ξ, c, t - t0].
template <class T>
void transform_inputs(const WinogradGeometry& g, const T* x, int64_t row0, int64_t rows, T* V) {
    const int64_t tc = rows * g.tw, plane = g.C * tc;
    parallel_range(g.C, kChannelsPerThread, [&](int64_t c0, int64_t c1) {
        T* work = scratch<T>(2, size_t(16 * (2 * g.tw + 2)));
        for (int64_t c = c0; c < c1; ++c)
            for (int64_t k = 0; k < rows; ++k) {
                const int64_t n = (row0 + k) / g.th, i = (row0 + k) % g.th;
                input_row(g, x + (n * g.C + c) * g.H * g.W, i, V + c * tc + k * g.tw, plane, work);
            }
    });
}

// The even and odd columns of dY row y (0 beyond the output): e[j] = dy[y, 2j], o[j] = dy[y, 2j + 1].
template <class T>
void split_row(const WinogradGeometry& g, const T* yo, int64_t y, T* e, T* o) {
    if (y >= g.oh) {
        std::fill(e, e + g.tw, T(0));
        std::fill(o, o + g.tw, T(0));
        return;
    }
    const T* row = yo + y * g.ow;
    const int64_t full = g.ow / 2;
    for (int64_t j = 0; j < full; ++j) e[j] = row[2 * j], o[j] = row[2 * j + 1];
    if (full < g.tw) e[full] = row[2 * full], o[full] = T(0);
}

// One row of Z = (A d) A^T from the pair (a, b) = (A d)[r]: (a, a + b, a - b, -b) into planes z + s zs.
template <class T>
inline void z_row(const T* a, const T* b, int64_t tw, T* z, int64_t zs) {
    T* z0 = z; T* z1 = z + zs; T* z2 = z + 2 * zs; T* z3 = z + 3 * zs;
    for (int64_t j = 0; j < tw; ++j) {
        z0[j] = a[j];
        z1[j] = a[j] + b[j];
        z2[j] = a[j] - b[j];
        z3[j] = -b[j];
    }
}

}  // namespace

WinogradGeometry winograd_geometry(int64_t N, int64_t C, int64_t H, int64_t W, int64_t O, int64_t ph, int64_t pw) {
    WinogradGeometry g{N, C, H, W, O, ph, pw, H + 2 * ph - 2, W + 2 * pw - 2, 0, 0};
    g.th = (g.oh + 1) / 2;
    g.tw = (g.ow + 1) / 2;
    return g;
}

template <class T>
void winograd_filter_transform(const T* w, int64_t O, int64_t C, T* U) {
    const int64_t plane = O * C;
    for (int64_t o = 0; o < O; ++o)
        for (int64_t c = 0; c < C; ++c) {
            const T* k = w + (o * C + c) * 9;
            T t[12];  // G k: 4 x 3; G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1]
            for (int s = 0; s < 3; ++s) {
                const T k0 = k[s], k1 = k[3 + s], k2 = k[6 + s];
                t[s] = k0;
                t[3 + s] = T(0.5) * (k0 + k1 + k2);
                t[6 + s] = T(0.5) * (k0 - k1 + k2);
                t[9 + s] = k2;
            }
            for (int r = 0; r < 4; ++r) {  // (G k) G^T: 4 x 4
                const T a = t[r * 3], b = t[r * 3 + 1], c2 = t[r * 3 + 2];
                const T u[4] = {a, T(0.5) * (a + b + c2), T(0.5) * (a - b + c2), c2};
                for (int s = 0; s < 4; ++s) U[(r * 4 + s) * plane + o * C + c] = u[s];
            }
        }
}

template <class T>
void winograd_forward(const WinogradGeometry& g, const T* x, const T* U, const T* bias, T* out) {
    const int64_t all_rows = g.N * g.th, chunk = chunk_rows(g), tw = g.tw;
    T* V = scratch<T>(0, size_t(kPositions * g.C * chunk * tw));
    T* M = scratch<T>(1, size_t(kPositions * g.O * chunk * tw));
    for (int64_t row0 = 0; row0 < all_rows; row0 += chunk) {
        const int64_t rows = std::min(chunk, all_rows - row0), tc = rows * tw, ms = g.O * tc;
        transform_inputs(g, x, row0, rows, V);
        // M[ξ] (O x tc) = U[ξ] (O x C) @ V[ξ] (C x tc)
        for (int64_t xi = 0; xi < kPositions; ++xi)
            gemm<T>(false, false, g.O, tc, g.C, T(1), U + xi * g.O * g.C, g.C, V + xi * g.C * tc, tc, T(0),
                    M + xi * ms, tc);
        // Y = A^T M A per (o, tile row); A^T = [1 1 1 0; 0 1 -1 -1], down the rows then along them
        parallel_range(g.O, kChannelsPerThread, [&](int64_t o0, int64_t o1) {
        T* a = scratch<T>(2, size_t(16 * (2 * tw + 2)));  // a[rr][s][j]: 2 x 4 rows of tw
        for (int64_t o = o0; o < o1; ++o) {
            const T b = bias ? bias[o] : T(0);
            for (int64_t k = 0; k < rows; ++k) {
                const int64_t n = (row0 + k) / g.th, i = (row0 + k) % g.th;
                const T* m = M + o * tc + k * tw;
                for (int s = 0; s < 4; ++s) {
                    const T* m0 = m + s * ms; const T* m1 = m + (4 + s) * ms;
                    const T* m2 = m + (8 + s) * ms; const T* m3 = m + (12 + s) * ms;
                    T* a0 = a + s * tw; T* a1 = a + (4 + s) * tw;
                    for (int64_t j = 0; j < tw; ++j) {
                        a0[j] = m0[j] + m1[j] + m2[j];
                        a1[j] = m1[j] - m2[j] - m3[j];
                    }
                }
                T* yo = out + (n * g.O + o) * g.oh * g.ow;
                for (int rr = 0; rr < 2 && 2 * i + rr < g.oh; ++rr) {
                    const T* a0 = a + rr * 4 * tw; const T* a1 = a0 + tw; const T* a2 = a1 + tw; const T* a3 = a2 + tw;
                    T* y = yo + (2 * i + rr) * g.ow;
                    const int64_t full = g.ow / 2;  // tiles with both output columns inside
                    for (int64_t j = 0; j < full; ++j) {
                        y[2 * j] = a0[j] + a1[j] + a2[j] + b;
                        y[2 * j + 1] = a1[j] - a2[j] - a3[j] + b;
                    }
                    if (full < tw) y[2 * full] = a0[full] + a1[full] + a2[full] + b;
                }
            }
        }
        });
    }
}

template <class T>
void winograd_backward(const WinogradGeometry& g, const T* x, const T* U, const T* dy, T* dx, T* dw) {
    if (!dx && !dw) return;
    const int64_t all_rows = g.N * g.th, chunk = chunk_rows(g), tw = g.tw, L = 2 * tw + 2;
    T* Z = scratch<T>(0, size_t(kPositions * g.O * chunk * tw));
    T* V = dw ? scratch<T>(1, size_t(kPositions * g.C * chunk * tw)) : nullptr;
    T* dV = dx ? scratch<T>(3, size_t(kPositions * g.C * chunk * tw)) : nullptr;
    T* dU = dw ? scratch<T>(4, size_t(kPositions * g.O * g.C)) : nullptr;
    if (dw) std::fill(dU, dU + kPositions * g.O * g.C, T(0));
    if (dx) std::fill(dx, dx + g.N * g.C * g.H * g.W, T(0));
    for (int64_t row0 = 0; row0 < all_rows; row0 += chunk) {
        const int64_t rows = std::min(chunk, all_rows - row0), tc = rows * tw, zs = g.O * tc;
        // Z = A dY A^T per (o, tile row); A = [1 0; 1 1; 1 -1; 0 -1], dY 0 beyond the output
        parallel_range(g.O, kChannelsPerThread, [&](int64_t o0, int64_t o1) {
        T* work = scratch<T>(2, size_t(16 * L));
        for (int64_t o = o0; o < o1; ++o)
            for (int64_t k = 0; k < rows; ++k) {
                const int64_t n = (row0 + k) / g.th, i = (row0 + k) % g.th;
                const T* yo = dy + (n * g.O + o) * g.oh * g.ow;
                T* e0 = work; T* o0 = e0 + tw; T* e1 = o0 + tw; T* o1 = e1 + tw; T* ca = o1 + tw; T* cb = ca + tw;
                split_row(g, yo, 2 * i, e0, o0);
                split_row(g, yo, 2 * i + 1, e1, o1);
                // down the rows, A d gives the pairs (e0, o0), (e0 + e1, o0 + o1), (e0 - e1, o0 - o1),
                // (-e1, -o1); along them, each pair (a, b) gives (a, a + b, a - b, -b)
                T* z = Z + o * tc + k * tw;
                z_row(e0, o0, tw, z, zs);
                for (int64_t j = 0; j < tw; ++j) ca[j] = e0[j] + e1[j], cb[j] = o0[j] + o1[j];
                z_row(ca, cb, tw, z + 4 * zs, zs);
                for (int64_t j = 0; j < tw; ++j) ca[j] = e0[j] - e1[j], cb[j] = o0[j] - o1[j];
                z_row(ca, cb, tw, z + 8 * zs, zs);
                for (int64_t j = 0; j < tw; ++j) ca[j] = -e1[j], cb[j] = -o1[j];
                z_row(ca, cb, tw, z + 12 * zs, zs);
            }
        });
        if (dw) {
            transform_inputs(g, x, row0, rows, V);
            // dU[ξ] (O x C) += Z[ξ] (O x tc) @ V[ξ]^T (tc x C)
            for (int64_t xi = 0; xi < kPositions; ++xi)
                gemm<T>(false, true, g.O, g.C, tc, T(1), Z + xi * zs, tc, V + xi * g.C * tc, tc, T(1),
                        dU + xi * g.O * g.C, g.C);
        }
        if (dx) {
            // dV[ξ] (C x tc) = U[ξ]^T (C x O) @ Z[ξ] (O x tc)
            const int64_t vs = g.C * tc;
            for (int64_t xi = 0; xi < kPositions; ++xi)
                gemm<T>(true, false, g.C, tc, g.O, T(1), U + xi * g.O * g.C, g.C, Z + xi * zs, tc, T(0),
                        dV + xi * vs, tc);
            // dd = B dV B^T per (c, tile row), B = [1 0 0 0; 0 1 -1 1; -1 1 1 0; 0 0 0 -1]; the tiles of
            // a row overlap by two columns, so each combined row is summed into one padded row first
            parallel_range(g.C, kChannelsPerThread, [&](int64_t c0, int64_t c1) {  // each c its own dx planes
            T* work = scratch<T>(2, size_t(16 * L));
            for (int64_t c = c0; c < c1; ++c)
                for (int64_t k = 0; k < rows; ++k) {
                    const int64_t n = (row0 + k) / g.th, i = (row0 + k) % g.th;
                    const T* v = dV + c * tc + k * tw;
                    T* xc = dx + (n * g.C + c) * g.H * g.W;
                    T* h = work;              // h[s][j]: one row r of B dV, 4 x tw
                    T* acc = work + 4 * tw;   // the padded row it adds, L
                    for (int r = 0; r < 4; ++r) {
                        for (int s = 0; s < 4; ++s) {
                            const T* v0 = v + s * vs; const T* v1 = v + (4 + s) * vs;
                            const T* v2 = v + (8 + s) * vs; const T* v3 = v + (12 + s) * vs;
                            T* hs = h + s * tw;
                            switch (r) {  // one loop per row of B, each vectorised
                                case 0: std::copy(v0, v0 + tw, hs); break;
                                case 1: for (int64_t j = 0; j < tw; ++j) hs[j] = v1[j] - v2[j] + v3[j]; break;
                                case 2: for (int64_t j = 0; j < tw; ++j) hs[j] = v1[j] + v2[j] - v0[j]; break;
                                default: for (int64_t j = 0; j < tw; ++j) hs[j] = -v3[j]; break;
                            }
                        }
                        // along the row: dd[s] = B h = (h0, h1 - h2 + h3, h1 + h2 - h0, -h3) at columns 2j + s
                        const T* h0 = h; const T* h1 = h + tw; const T* h2 = h + 2 * tw; const T* h3 = h + 3 * tw;
                        for (int64_t q = 0; q <= tw; ++q) {
                            T even = 0, odd = 0;
                            if (q < tw) even += h0[q], odd += h1[q] - h2[q] + h3[q];
                            if (q > 0) even += h1[q - 1] + h2[q - 1] - h0[q - 1], odd -= h3[q - 1];
                            acc[2 * q] = even;
                            acc[2 * q + 1] = odd;
                        }
                        const int64_t y = 2 * i - g.ph + r;
                        if (y < 0 || y >= g.H) continue;
                        const int64_t lo = std::min(g.pw, L), hi = std::clamp<int64_t>(g.pw + g.W, lo, L);
                        T* dst = xc + y * g.W;
                        for (int64_t q = lo; q < hi; ++q) dst[q - g.pw] += acc[q];
                    }
                }
            });
        }
    }
    if (dw) {
        // dw = G^T dU G per (o, c); G^T = [1 .5 .5 0; 0 .5 -.5 0; 0 .5 .5 1]
        const int64_t plane = g.O * g.C;
        for (int64_t o = 0; o < g.O; ++o)
            for (int64_t c = 0; c < g.C; ++c) {
                const T* u = dU + o * g.C + c;
                T t[12];  // G^T u: 3 x 4
                for (int s = 0; s < 4; ++s) {
                    const T u0 = u[s * plane], u1 = u[(4 + s) * plane], u2 = u[(8 + s) * plane],
                            u3 = u[(12 + s) * plane];
                    t[s] = u0 + T(0.5) * (u1 + u2);
                    t[4 + s] = T(0.5) * (u1 - u2);
                    t[8 + s] = T(0.5) * (u1 + u2) + u3;
                }
                T* kk = dw + (o * g.C + c) * 9;
                for (int r = 0; r < 3; ++r) {  // (G^T u) G: 3 x 3
                    const T a = t[r * 4], b = t[r * 4 + 1], c2 = t[r * 4 + 2], d = t[r * 4 + 3];
                    kk[r * 3 + 0] = a + T(0.5) * (b + c2);
                    kk[r * 3 + 1] = T(0.5) * (b - c2);
                    kk[r * 3 + 2] = T(0.5) * (b + c2) + d;
                }
            }
    }
}

#define XGRAD_WINOGRAD(T)                                                                                       \
    template void winograd_filter_transform<T>(const T*, int64_t, int64_t, T*);                                \
    template void winograd_forward<T>(const WinogradGeometry&, const T*, const T*, const T*, T*);              \
    template void winograd_backward<T>(const WinogradGeometry&, const T*, const T*, const T*, T*, T*);
XGRAD_WINOGRAD(float)
XGRAD_WINOGRAD(double)
#undef XGRAD_WINOGRAD

}  // namespace xgrad::kernels
