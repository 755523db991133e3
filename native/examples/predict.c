/* Predicts a property of SrTiO3 (cubic perovskite, Pm-3m) with a trained model through libcft.so.
 *   gcc -o predict native/examples/predict.c -Inative/include -L<dir> -lcft && ./predict models/perov_5-heat_ref.onnx */
#include <stdio.h>
#include "cft.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL.onnx\n", argv[0]);
        return 2;
    }
    cft_model *model = NULL;
    if (cft_model_load(argv[1], &model) != CFT_OK) {
        fprintf(stderr, "cft_model_load: %s\n", cft_last_error());
        return 1;
    }
    const char *property, *unit;
    cft_model_info(model, &property, &unit);

    const double a = 3.905;
    const double lattice[9] = {a, 0, 0, 0, a, 0, 0, 0, a};
    /* Every atom of the cell (space_group 0: spglib finds Pm-3m and standardises). */
    const int32_t z_cell[5] = {38, 22, 8, 8, 8};
    const double x_cell[15] = {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0.5};
    double from_cell = 0;
    int32_t group = 0;
    if (cft_predict(model, 0, lattice, 5, z_cell, x_cell, &from_cell, &group) != CFT_OK) {
        fprintf(stderr, "cft_predict: %s\n", cft_last_error());
        cft_model_free(model);
        return 1;
    }
    /* The unique sites in the standard setting of Pm-3m (No. 221): Sr 1a, Ti 1b, O 3c. */
    const int32_t z_unique[3] = {38, 22, 8};
    const double x_unique[9] = {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0};
    double from_unique = 0;
    int status = cft_predict(model, 221, lattice, 3, z_unique, x_unique, &from_unique, NULL);
    printf("SrTiO3 %s: %.6f %s (space group %d); from unique sites: %.6f (status %d)\n", property, from_cell, unit, group, from_unique, status);

    status = cft_predict(model, 0, NULL, 5, z_cell, x_cell, &from_cell, NULL);
    printf("NULL lattice: status %d, %s\n", status, cft_last_error());
    cft_model_free(model);
    status = cft_model_free(model);
    printf("freed twice: status %d\n", status);
    status = cft_predict(model, 0, lattice, 5, z_cell, x_cell, &from_cell, NULL);
    printf("freed handle: status %d\n", status);
    cft_model *missing = NULL;
    status = cft_model_load("/nonexistent/model.onnx", &missing);
    printf("missing model: status %d, %s\n", status, cft_last_error());
    return 0;
}
