/* Structures/s of cft_predict with T C threads on one model handle (T = 1, 2, 8), each thread predicting the same
 * SrTiO3 cell (every atom, so spglib runs) in batches of 16, for a fixed total of structures; writes JSON to stdout.
 *   gcc -O2 -pthread bench/c_threads.c -Inative/include -L<dir> -lcft -o c_threads && ./c_threads > c-threads.json */
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include "cft.h"

enum { BATCH = 16, TOTAL = 4096 };
static cft_model *model;
static double lattices[9 * BATCH];
static int32_t counts[BATCH], numbers[5 * BATCH];
static double positions[15 * BATCH];

static void *work(void *arg)
{
    long calls = (long)arg;
    double values[BATCH];
    for (long c = 0; c < calls; c++)
        if (cft_predict(model, BATCH, lattices, counts, numbers, positions, NULL, values) != CFT_OK) return (void *)1;
    return NULL;
}

static double run(int threads)
{
    pthread_t t[8];
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < threads; i++) pthread_create(&t[i], NULL, work, (void *)(long)(TOTAL / BATCH / threads));
    int failed = 0;
    for (int i = 0; i < threads; i++) { void *r; pthread_join(t[i], &r); failed |= r != NULL; }
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (failed) { fprintf(stderr, "cft_predict: %s\n", cft_last_error()); return -1; }
    return (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) * 1e-9;
}

int main(void)
{
    if (cft_model_open(NULL, &model) != CFT_OK) { fprintf(stderr, "cft_model_open: %s\n", cft_last_error()); return 1; }
    const double a = 3.905, x[15] = {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0.5};
    const int32_t z[5] = {38, 22, 8, 8, 8};
    for (int s = 0; s < BATCH; s++) {
        for (int i = 0; i < 9; i++) lattices[9 * s + i] = (i % 4 == 0) ? a : 0;
        counts[s] = 5;
        for (int i = 0; i < 5; i++) numbers[5 * s + i] = z[i];
        for (int i = 0; i < 15; i++) positions[15 * s + i] = x[i];
    }
    run(1); /* warm-up: the session, the per-setting caches */
    const int threads[3] = {1, 2, 8};
    printf("{\"structures\": %d, \"batch\": %d, \"runs\": [", TOTAL, BATCH);
    for (int i = 0; i < 3; i++) {
        double seconds = run(threads[i]);
        if (seconds < 0) return 1;
        printf("%s{\"threads\": %d, \"seconds\": %.6f}", i ? ", " : "", threads[i], seconds);
    }
    printf("]}\n");
    cft_model_close(model);
    return 0;
}
