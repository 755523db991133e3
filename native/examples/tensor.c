/* Tensor properties through libcft.so: a dielectric tensor that is exactly isotropic for a cubic crystal, in any
 * Cartesian frame the caller uses, and a piezoelectric tensor that is exactly zero for a centrosymmetric one.
 *   gcc -Wall -o tensor native/examples/tensor.c -Inative/include -Lpath/to/lib -lcft */
#include <math.h>
#include <stdio.h>
#include "cft.h"

static int exactly_isotropic(const double *t)
{
    return t[0] == t[4] && t[4] == t[8] && t[1] == 0 && t[2] == 0 && t[3] == 0 && t[5] == 0 && t[6] == 0 && t[7] == 0;
}

int main(void)
{
    /* NaCl: the 8 atoms of the conventional cell (group detected), once with a along x and once with the cell turned
     * by 30 degrees about z and 20 degrees about x (the caller's frame: the tensor is returned in it). */
    const double a = 5.64;
    double lattices[18] = {a, 0, 0, 0, a, 0, 0, 0, a};
    const double cz = cos(M_PI / 6), sz = sin(M_PI / 6), cx = cos(M_PI / 9), sx = sin(M_PI / 9);
    const double turn[9] = {cz, -sz * cx, sz * sx, sz, cz * cx, -cz * sx, 0, sx, cx}; /* Rz(30) Rx(20) */
    for (int v = 0; v < 3; v++)
        for (int i = 0; i < 3; i++)
        {
            double s = 0;
            for (int k = 0; k < 3; k++) s += turn[3 * i + k] * lattices[3 * v + k];
            lattices[9 + 3 * v + i] = s;
        }
    int32_t counts[2] = {8, 8};
    int32_t numbers[16];
    double positions[48];
    const double fcc[4][3] = {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
    for (int s = 0; s < 2; s++)
        for (int k = 0; k < 4; k++)
            for (int e = 0; e < 2; e++)
            {
                int atom = 8 * s + 2 * k + e;
                numbers[atom] = e == 0 ? 11 : 17;
                for (int c = 0; c < 3; c++) positions[3 * atom + c] = fcc[k][c] + (e == 0 ? 0 : 0.5);
            }

    cft_model *dielectric = NULL;
    int status = cft_model_open("dielectric-e_electronic", &dielectric);
    if (status != CFT_OK) { printf("open dielectric: status %d, %s\n", status, cft_last_error()); return 1; }
    int32_t rows = 0, columns = 0;
    cft_model_tensor(dielectric, &rows, &columns);
    double eps[18], eps_std[18];
    int32_t in_domain[2];
    status = cft_predict_tensor(dielectric, 2, lattices, counts, numbers, positions, NULL, eps, eps_std, in_domain);
    if (status != CFT_OK) { printf("predict dielectric: status %d, %s\n", status, cft_last_error()); return 1; }
    printf("NaCl dielectric %dx%d: %.6f, exactly isotropic: %d (a along x) %d (turned frame), same value: %d\n", rows, columns, eps[0],
           exactly_isotropic(eps), exactly_isotropic(eps + 9), eps[0] == eps[9]);
    double poly = 0;
    cft_predict(dielectric, 1, lattices, counts, numbers, positions, NULL, &poly);
    printf("cft_predict on the tensor model: %.6f (mean eigenvalue)\n", poly);

    cft_model *piezo = NULL;
    status = cft_model_open("piezoelectric-piezoelectric_tensor", &piezo);
    if (status != CFT_OK) { printf("open piezoelectric: status %d, %s\n", status, cft_last_error()); return 1; }
    cft_model_tensor(piezo, &rows, &columns);
    double e[36], e_std[36];
    status = cft_predict_tensor(piezo, 2, lattices, counts, numbers, positions, NULL, e, e_std, in_domain);
    if (status != CFT_OK) { printf("predict piezoelectric: status %d, %s\n", status, cft_last_error()); return 1; }
    int nonzero = 0;
    for (int i = 0; i < 36; i++) nonzero += e[i] != 0 || e_std[i] != 0;
    printf("NaCl piezoelectric %dx%d: nonzero entries %d\n", rows, columns, nonzero);

    /* Wurtzite ZnO (P6_3mc, polar): unique sites in the standard setting of 186, trusted. */
    const double za = 3.25, zc = 5.21;
    double hex[9] = {za, 0, 0, -za / 2, za * sqrt(3) / 2, 0, 0, 0, zc};
    int32_t zcount = 2, znumbers[2] = {30, 8}, group = 186;
    double zpositions[6] = {1.0 / 3, 2.0 / 3, 0, 1.0 / 3, 2.0 / 3, 0.382};
    status = cft_predict_tensor(piezo, 1, hex, &zcount, znumbers, zpositions, &group, e, NULL, NULL);
    if (status != CFT_OK) { printf("predict ZnO: status %d, %s\n", status, cft_last_error()); return 1; }
    nonzero = 0;
    for (int i = 0; i < 18; i++) nonzero += e[i] != 0;
    printf("ZnO piezoelectric: nonzero entries %d, e33 = %.4f C/m^2, e15 = e24: %d\n", nonzero, e[2 * 6 + 2], e[0 * 6 + 4] == e[1 * 6 + 3]);

    cft_model *scalar = NULL;
    cft_model_open(NULL, &scalar);
    status = cft_predict_tensor(scalar, 1, lattices, counts, numbers, positions, NULL, e, NULL, NULL);
    printf("scalar model: status %d\n", status);
    cft_model_close(scalar);
    cft_model_close(piezo);
    cft_model_close(dielectric);
    return 0;
}
