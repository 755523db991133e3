/* Reads the symmetry-adapted basis of Fd-3m (No. 227, origin choice 2) through libcft.so: its size, its first
 * orbits with their phases, and values of S_h at a few points. Build: gcc basis.c -I../include -L<dir> -lcft */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "cft.h"

/* Rounding noise (|x| < 1e-12) printed as 0, so that no "-0.000" depends on the order of a sum. */
static double clean(double x) { return fabs(x) < 1e-12 ? 0.0 : x; }

#define TRY(call) do { if ((call) != CFT_OK) { fprintf(stderr, "%s\n", cft_last_error()); return 1; } } while (0)

int main(void) {
    const char *group = "Fd-3m";
    int32_t n_orbits = 0, n_members = 0, n_extinct = 0, n = 0;
    TRY(cft_basis_size(group, &n_orbits, &n_members, &n_extinct, &n));
    printf("%s: %d orbits, %d members, %d extinct, phase denominator %d\n", group, n_orbits, n_members, n_extinct, n);

    int32_t *start = malloc(sizeof(int32_t) * (size_t)(n_orbits + 1));
    int32_t *hkl = malloc(sizeof(int32_t) * 3 * (size_t)n_members);
    int32_t *phase = malloc(sizeof(int32_t) * (size_t)n_members);
    int32_t *extinct = malloc(sizeof(int32_t) * 3 * (size_t)n_extinct);
    TRY(cft_basis_table(group, start, n_orbits + 1, hkl, phase, n_members, extinct, n_extinct));
    /* One line per orbit: members as (h k l) and, where not 1, the phase p/N. */
    for (int o = 0; o < 4 && o < n_orbits; o++) {
        printf("orbit %d:", o);
        for (int m = start[o]; m < start[o + 1]; m++) {
            printf(" (%d %d %d)", hkl[3 * m], hkl[3 * m + 1], hkl[3 * m + 2]);
            if (phase[m] != 0) printf("*e(%d/%d)", phase[m], n);
        }
        printf("\n");
    }
    printf("first extinct: (%d %d %d)\n", extinct[0], extinct[1], extinct[2]);

    /* S_(1 1 1) at the origin and at 1/8 1/8 1/8, and an absence (2 0 0) that is zero everywhere. */
    const double points[6] = { 0, 0, 0, 0.125, 0.125, 0.125 };
    double values[4];
    TRY(cft_basis_evaluate(group, 1, 1, 1, 2, points, values));
    printf("S(1 1 1): %.12f %+.12fi at (0 0 0), %.12f %+.12fi at (1/8 1/8 1/8)\n", clean(values[0]), clean(values[1]), clean(values[2]), clean(values[3]));
    TRY(cft_basis_evaluate(group, 2, 0, 0, 2, points, values));
    printf("S(2 0 0): %.12f %.12f\n", clean(values[0]), clean(values[2]));

    int status = cft_basis_table(group, start, n_orbits, hkl, phase, n_members, NULL, 0);
    printf("short orbit_start: status %d\n", status);
    status = cft_basis_size("Q42", &n_orbits, &n_members, &n_extinct, &n);
    printf("unknown group: status %d, %s\n", status, cft_last_error());
    free(start); free(hkl); free(phase); free(extinct);
    return 0;
}
