/* Predicts with the default shipped model (heat of formation of CMR perovskites) through libcft.so:
 * SrTiO3 (cubic perovskite) given twice in one batch, as every atom of the cell (space group detected)
 * and as its unique sites in Pm-3m (No. 221), with the ensemble's uncertainty and the domain check; then
 * diamond-structure Si, which the perovskite model flags as outside its domain, with the reason.
 *   gcc -o predict native/examples/predict.c -Inative/include -L<dir> -lcft && ./predict */
#include <stdio.h>
#include "cft.h"

int main(void)
{
    cft_model *model = NULL;
    if (cft_model_open(NULL, &model) != CFT_OK) {
        fprintf(stderr, "cft_model_open: %s\n", cft_last_error());
        return 1;
    }
    const char *property, *unit;
    cft_model_info(model, &property, &unit);

    const double a = 3.905;
    const double lattices[18] = {a, 0, 0, 0, a, 0, 0, 0, a, a, 0, 0, 0, a, 0, 0, 0, a};
    const int32_t site_counts[2] = {5, 3};
    /* Structure 0: Sr, Ti, O, O, O (every atom); structure 1: Sr 1a, Ti 1b, O 3c (unique sites). */
    const int32_t atomic_numbers[8] = {38, 22, 8, 8, 8, 38, 22, 8};
    const double positions[24] = {0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0.5, 0, 0.5, 0, 0.5, 0.5,
                                  0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0};
    const int32_t space_groups[2] = {0, 221};
    double values[2] = {0, 0}, std[2] = {0, 0};
    int32_t in_domain[2] = {0, 0};
    if (cft_predict_ex(model, 2, lattices, site_counts, atomic_numbers, positions, space_groups, values, std, in_domain) != CFT_OK) {
        fprintf(stderr, "cft_predict_ex: %s\n", cft_last_error());
        cft_model_close(model);
        return 1;
    }
    printf("SrTiO3 %s: %.6f %s (every atom), %.6f %s (unique sites in Pm-3m)\n", property, values[0], unit, values[1], unit);
    printf("uncertainty: %.6f %s, in domain: %d %d\n", std[0], unit, in_domain[0], in_domain[1]);

    /* Si on 8a of Fd-3m (origin choice 2), unique sites: not a perovskite. */
    const double si_lattice[9] = {5.431, 0, 0, 0, 5.431, 0, 0, 0, 5.431};
    const int32_t si_count = 1, si_z = 14, si_group = 227;
    const double si_position[3] = {0.125, 0.125, 0.125};
    double si_value = 0;
    int32_t si_in_domain = 1;
    if (cft_predict_ex(model, 1, si_lattice, &si_count, &si_z, si_position, &si_group, &si_value, NULL, &si_in_domain) != CFT_OK) {
        fprintf(stderr, "cft_predict_ex: %s\n", cft_last_error());
        cft_model_close(model);
        return 1;
    }
    printf("Si in domain: %d (%s)\n", si_in_domain, cft_domain_note(0));

    int status = cft_predict(model, 2, NULL, site_counts, atomic_numbers, positions, space_groups, values);
    printf("NULL lattices: status %d, %s\n", status, cft_last_error());
    const int32_t bad_counts[2] = {5, -1};
    status = cft_predict(model, 2, lattices, bad_counts, atomic_numbers, positions, space_groups, values);
    printf("negative site count: status %d, %s\n", status, cft_last_error());
    cft_model_close(model);
    status = cft_model_close(model);
    printf("closed twice: status %d\n", status);
    status = cft_predict(model, 1, lattices, site_counts, atomic_numbers, positions, NULL, values);
    printf("closed handle: status %d\n", status);
    cft_model *missing = NULL;
    status = cft_model_open("/nonexistent/model.onnx", &missing);
    printf("missing model: status %d, %s\n", status, cft_last_error());
    return 0;
}
