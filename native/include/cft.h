/* cft.h: the C ABI of CftRuntime (libcft.so). Every function returns a status code (CFT_OK = 0);
 * the message of the calling thread's last failure is cft_last_error(). No exception or abort crosses
 * the boundary. Functions are safe to call from several threads. */
#ifndef CFT_H
#define CFT_H
#include <stdint.h>
#ifdef __cplusplus
extern "C" {
#endif

#define CFT_OK 0
#define CFT_ERROR_ARGUMENT 1
#define CFT_ERROR_UNKNOWN_GROUP 2
#define CFT_ERROR_BUFFER_TOO_SMALL 3
#define CFT_ERROR_SYMMETRY 4
#define CFT_ERROR_INTERNAL 5
#define CFT_ERROR_MODEL 6

/* Library version (static storage). */
const char *cft_version(void);

/* The calling thread's last error message, "" after a success; valid until that thread's next cft_ call. */
const char *cft_last_error(void);

/* Feature columns per site (F; 728 at the compiled cutoff K = 4). */
int cft_feature_count(int32_t *count);

/* Looks up a space group (IT number, H-M or Hall symbol, NUMBER:SETTING): its IT number and order |G|. */
int cft_group_find(const char *symbol, int32_t *number, int32_t *order);

/* G-invariant features of one structure.
 * space_group = 0: positions are every atom of the cell; the structure is standardised (spglib) and one row
 *                  is written per unique site of the standard cell.
 * space_group = N: positions are the unique sites in the ITA standard setting of N; one row per site.
 * lattice: 9 doubles, rows a, b, c in Å. positions: n_sites × 3 fractional coordinates.
 * out: rows × F floats, row-major. If out_capacity (floats) is too small, CFT_ERROR_BUFFER_TOO_SMALL is returned
 * and *out_rows holds the rows needed. */
int cft_featurize(int32_t space_group, const double *lattice, int32_t n_sites, const int32_t *atomic_numbers,
                  const double *positions, float *out, int64_t out_capacity, int32_t *out_rows);

/* A trained model (opaque). Load once, predict from any thread, free once. */
typedef struct cft_model cft_model;

/* Loads a model: a .onnx path, or a shipped model's name (e.g. "perov_5-heat_ref") looked up in $CFT_MODELS.
 * The model's metadata is checked against the runtime's feature layout (CFT_ERROR_MODEL when it differs). */
int cft_model_load(const char *model, cft_model **out);

/* Releases a model. NULL is a no-op; a handle that is not loaded (e.g. freed twice) gives CFT_ERROR_ARGUMENT. */
int cft_model_free(cft_model *model);

/* The model's property (e.g. "heat_ref") and unit (e.g. "eV/cell"); the strings live until cft_model_free. */
int cft_model_info(const cft_model *model, const char **property, const char **unit);

/* The model's prediction for one structure, given as for cft_featurize (space_group 0: every atom of the cell,
 * standardised with spglib; N: unique sites in the ITA standard setting of N). *value is in the model's unit;
 * detected_group (may be NULL) receives the space group the model saw. */
int cft_predict(const cft_model *model, int32_t space_group, const double *lattice, int32_t n_sites,
                const int32_t *atomic_numbers, const double *positions, double *value, int32_t *detected_group);

#ifdef __cplusplus
}
#endif
#endif
