/*
 * Double-precision FMA ceiling of one core, measured (bench/fma-peak.sh builds and runs it).
 *
 * 1. throughput: 12 or 16 independent FMA chains held in registers (no loads), 256-bit and 128-bit vectors, and
 *    512-bit ones when the CPU has AVX-512F (checked at run time); enough chains to cover the FMA latency on every
 *    x86 core in use, so the figure is the core's peak.
 * 2. latency: one dependent 256-bit FMA chain; ns per FMA / latency in cycles (5 on Zen 1-4, 4 on Intel since
 *    Skylake) estimates the clock the core actually runs at.
 * Times are thread CPU time. Prints GFLOP/s (2 flops per lane per FMA), and last a line
 * "peak <GFLOP/s> <bits>": the best run at the widest vectors this CPU has (512-bit with AVX-512F, else 256-bit).
 */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

static double cpu_now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ITERS 100000000L

#define THROUGHPUT(NAME, VT, SET1, FMA, STORE, LANES, CHAINS) THROUGHPUT_T(NAME, VT, SET1, FMA, STORE, LANES, CHAINS, )

#define THROUGHPUT_T(NAME, VT, SET1, FMA, STORE, LANES, CHAINS, ATTR)                          \
    ATTR static double NAME(void) {                                                            \
        VT a[CHAINS];                                                                          \
        VT x = SET1(0.999999), y = SET1(1e-7);                                                 \
        for (int i = 0; i < CHAINS; i++) a[i] = SET1((double) i);                              \
        double t0 = cpu_now();                                                                 \
        for (long it = 0; it < ITERS; it++) {                                                  \
            _Pragma("GCC unroll 16")                                                           \
            for (int i = 0; i < CHAINS; i++) a[i] = FMA(a[i], x, y);                           \
        }                                                                                      \
        double t = cpu_now() - t0;                                                             \
        double s = 0, b[8];                                                                    \
        for (int i = 0; i < CHAINS; i++) { STORE(b, a[i]); s += b[0]; }                        \
        if (s == 12345.678) printf("%g", s); /* keep the chains live */                        \
        return (double) ITERS * CHAINS * LANES * 2 / t / 1e9;                                  \
    }

THROUGHPUT(ymm12, __m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_storeu_pd, 4, 12)
THROUGHPUT(ymm16, __m256d, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_storeu_pd, 4, 16)
THROUGHPUT(xmm12, __m128d, _mm_set1_pd, _mm_fmadd_pd, _mm_storeu_pd, 2, 12)
THROUGHPUT_T(zmm16, __m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_storeu_pd, 8, 16,
             __attribute__((target("avx512f"))))
THROUGHPUT_T(zmm12, __m512d, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_storeu_pd, 8, 12,
             __attribute__((target("avx512f"))))

static double max2(double a, double b) { return a > b ? a : b; }

int main(void) {
    double peak256 = 0, peak512 = 0;
    for (int rep = 0; rep < 3; rep++) {
        double a = ymm12(), b = ymm16(), c = xmm12();
        peak256 = max2(peak256, max2(a, b));
        printf("256-bit, 12 chains: %6.2f GFLOP/s | 256-bit, 16 chains: %6.2f | 128-bit, 12 chains: %6.2f\n", a, b, c);
    }
    int wide = __builtin_cpu_supports("avx512f");
    if (wide) {
        for (int rep = 0; rep < 3; rep++) {
            double a = zmm12(), b = zmm16();
            peak512 = max2(peak512, max2(a, b));
            printf("512-bit, 12 chains: %6.2f GFLOP/s | 512-bit, 16 chains: %6.2f\n", a, b);
        }
    }
    __m256d x = _mm256_set1_pd(0.999999), y = _mm256_set1_pd(1e-7), c = _mm256_set1_pd(1.0);
    double t0 = cpu_now();
    for (long it = 0; it < ITERS; it++) c = _mm256_fmadd_pd(c, x, y);
    double t = cpu_now() - t0, b[4];
    _mm256_storeu_pd(b, c);
    double ns = t / ITERS * 1e9;
    printf("dependent 256-bit FMA chain: %.3f ns per FMA (%.2f GHz if the latency is 5 cycles, %.2f GHz if 4)%s\n",
           ns, 5 / ns, 4 / ns, b[0] == 12345.678 ? "!" : "");
    printf("peak %.2f %d\n", wide ? peak512 : peak256, wide ? 512 : 256);
    return 0;
}
