/* Featurize rock salt through libcft.so twice: from its unique sites in Fm-3m, and from all 8 atoms of the
 * cell with the space group detected. Build: gcc featurize.c -I../include -L<dir of libcft.so> -lcft */
#include <stdio.h>
#include <stdlib.h>
#include "cft.h"

int main(void) {
    int32_t f = 0, number = 0, order = 0, rows = 0;
    if (cft_feature_count(&f) != CFT_OK) { fprintf(stderr, "%s\n", cft_last_error()); return 1; }
    if (cft_group_find("Fm-3m", &number, &order) != CFT_OK) { fprintf(stderr, "%s\n", cft_last_error()); return 1; }
    printf("cft %s, F = %d, Fm-3m = No. %d, |G| = %d\n", cft_version(), f, number, order);

    const double a = 5.64;
    const double lattice[9] = { a, 0, 0, 0, a, 0, 0, 0, a };
    const int32_t z_unique[2] = { 11, 17 };
    const double x_unique[6] = { 0, 0, 0, 0.5, 0.5, 0.5 };
    float *out = malloc(sizeof(float) * 2 * (size_t)f);
    if (cft_featurize(225, lattice, 2, z_unique, x_unique, out, 2 * (int64_t)f, &rows) != CFT_OK) { fprintf(stderr, "%s\n", cft_last_error()); return 1; }
    printf("unique sites: %d rows; Na re(1,1,1) = %.6f, Cl re(1,1,1) = %.6f\n", rows, out[0], out[f]);

    int32_t z_cell[8] = { 11, 11, 11, 11, 17, 17, 17, 17 };
    double x_cell[24] = { 0, 0, 0, 0, .5, .5, .5, 0, .5, .5, .5, 0,   .5, .5, .5, .5, 0, 0, 0, .5, 0, 0, 0, .5 };
    int status = cft_featurize(0, lattice, 8, z_cell, x_cell, out, 2 * (int64_t)f, &rows);
    if (status != CFT_OK) { fprintf(stderr, "%s\n", cft_last_error()); return 1; }
    printf("full cell, detected: %d rows\n", rows);

    /* Errors come back as codes with a message, never as a crash. */
    status = cft_featurize(999, lattice, 2, z_unique, x_unique, out, 2 * (int64_t)f, &rows);
    printf("space group 999: status %d, %s\n", status, cft_last_error());
    status = cft_featurize(225, lattice, 2, z_unique, x_unique, out, 10, &rows);
    printf("short buffer: status %d, rows needed %d\n", status, rows);
    status = cft_featurize(225, NULL, 2, z_unique, x_unique, out, 2 * (int64_t)f, &rows);
    printf("NULL lattice: status %d, %s\n", status, cft_last_error());
    free(out);
    return 0;
}
