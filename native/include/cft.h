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
 * space_group = N: positions are the unique sites in the ITA standard setting of N; one row per site. The group
 *                  is trusted, never re-detected: the sites are only brought to the canonical image among the
 *                  descriptions N's normalizer relates (e.g. origin at either cation of a perovskite), the same
 *                  rule as cft_predict's (and the same cell as detection would give for that setting).
 * lattice: 9 doubles, rows a, b, c in Å. positions: n_sites × 3 fractional coordinates.
 * out: rows × F floats, row-major. If out_capacity (floats) is too small, CFT_ERROR_BUFFER_TOO_SMALL is returned
 * and *out_rows holds the rows needed. */
int cft_featurize(int32_t space_group, const double *lattice, int32_t n_sites, const int32_t *atomic_numbers,
                  const double *positions, float *out, int64_t out_capacity, int32_t *out_rows);

/* As cft_featurize, and per row the site's atomic number, Wyckoff multiplicity in the standard cell and fractional
 * position (3 doubles); site_numbers, site_multiplicity and site_positions may each be NULL, site_capacity counts
 * rows. The rows never outnumber n_sites: out_capacity = n_sites * F and site_capacity = n_sites always suffice. */
int cft_featurize_ex(int32_t space_group, const double *lattice, int32_t n_sites, const int32_t *atomic_numbers,
                     const double *positions, float *out, int64_t out_capacity, int32_t *out_rows, int32_t *site_numbers,
                     int32_t *site_multiplicity, double *site_positions, int32_t site_capacity);

/* The frequencies of the feature columns: column 2j is Re, 2j+1 is Im of frequency j = (hkl[3j], hkl[3j+1], hkl[3j+2]).
 * *count = F / 2; a capacity (frequencies) below it gives CFT_ERROR_BUFFER_TOO_SMALL. */
int cft_feature_frequencies(int32_t *hkl, int32_t capacity, int32_t *count);

/* Functions that return JSON set *json to a UTF-8 string owned by the library, valid until the calling thread's
 * next call of a function that returns JSON. */

/* Detects the space group of a cell (every atom; lattice rows in Å, fractional positions) at tolerance Å (spglib's
 * symprec) and standardises it: {"number", "hm", "setting", "order", "cell": [a, b, c, alpha, beta, gamma],
 * "lattice": [[3], [3], [3]], "sites": [{"element", "number", "xyz", "multiplicity", "occupancy"}]}, as
 * `cft symmetry --json` writes it. */
int cft_symmetry(const double *lattice, int32_t n_sites, const int32_t *atomic_numbers, const double *positions,
                 double tolerance, const char **json);

/* The structures of a CIF (every data block), POSCAR or CSV (a cif column) file: a JSON array with one object per
 * structure, {"id", "file", "lattice", "numbers", "positions" (fractional, every atom of the cell), "targets"} or
 * {"id", "file", "error"} for a structure that cannot be read. A missing file is CFT_ERROR_ARGUMENT. */
int cft_read(const char *path, const char **json);

/* The models in a folder (NULL: the shipped models, $CFT_MODELS or models/ beside the library): a JSON array of
 * {"name", "file", "property", "unit", "data", "domain", "metrics", "metadata"}; reads metadata only. */
int cft_models(const char *directory, const char **json);

/* The symmetry-adapted basis of a space-group setting (group as in cft_group_find: "227", "Fd-3m:1", "-P 2ybc", ...)
 * at the compiled cutoff K: non-extinct orbits (canonical order, as `cft basis` prints them), their members in all,
 * the extinct frequencies (systematic absences) of the closure, and the denominator N shared by the setting's phases. */
int cft_basis_size(const char *group, int32_t *n_orbits, int32_t *n_members, int32_t *n_extinct, int32_t *phase_denominator);

/* The basis table. Orbit o has members orbit_start[o] .. orbit_start[o+1]-1 (orbit_start: n_orbits + 1 entries);
 * member m has frequency hkl[3m .. 3m+2] and phase[m]: S_{h_m} = exp(2 pi i phase[m] / N) S_{h_first}.
 * extinct (may be NULL) receives 3 ints per extinct frequency. Capacities count entries: orbit_start ints, members,
 * extinct frequencies; too small gives CFT_ERROR_BUFFER_TOO_SMALL (sizes from cft_basis_size). */
int cft_basis_table(const char *group, int32_t *orbit_start, int32_t orbit_start_capacity, int32_t *hkl, int32_t *phase,
                    int32_t member_capacity, int32_t *extinct, int32_t extinct_capacity);

/* S_h(x) = (1/|G|) sum_g exp(2 pi i h.(A_g x + t_g)) for any integer h (|h_i| <= 2^20) at n_points fractional
 * points (points: 3 doubles each); out: 2 doubles (Re, Im) per point. */
int cft_basis_evaluate(const char *group, int32_t h, int32_t k, int32_t l, int32_t n_points, const double *points, double *out);

/* A trained model (opaque). Open once, predict from any number of threads, close once. */
typedef struct cft_model cft_model;

/* Opens a model: NULL for the default shipped model (cmr_perovskites-e_form), a shipped model's name
 * (e.g. "carbon_24-energy_per_atom"; looked up in $CFT_MODELS, else models/ beside the library), or a .onnx path.
 * The model's metadata is checked against the runtime's feature layout (CFT_ERROR_MODEL when it differs). */
int cft_model_open(const char *model, cft_model **out);

/* Releases a model. NULL is a no-op; a handle that is not open (e.g. closed twice) gives CFT_ERROR_ARGUMENT.
 * Calls of cft_predict running on the model on other threads are waited for; later ones return an error. */
int cft_model_close(cft_model *model);

/* The model's property (e.g. "heat_ref") and unit (e.g. "eV/cell"); the strings live until cft_model_close. */
int cft_model_info(const cft_model *model, const char **property, const char **unit);

/* The open model's description, one object as cft_models lists it. */
int cft_model_metadata(const cft_model *model, const char **json);

/* Predictions for n_structures structures, in the model's unit. Structure s: lattice = lattices[9s .. 9s+8]
 * (rows a, b, c in Å), site_counts[s] sites stored one after another in atomic_numbers and positions
 * (3 fractional coordinates per site). space_groups may be NULL (all 0). space_groups[s] = 0: the sites are
 * every atom of the cell, the group is detected and the cell standardised (spglib); N: the sites are the
 * unique sites in the ITA standard setting of N, trusted and canonicalised as in cft_featurize (no spglib). On failure values is left untouched and cft_last_error()
 * names the structure. */
int cft_predict(const cft_model *model, int32_t n_structures, const double *lattices, const int32_t *site_counts,
                const int32_t *atomic_numbers, const double *positions, const int32_t *space_groups, double *values);

/* As cft_predict, and per structure: std[s], the standard deviation of the model's ensemble members (its
 * uncertainty, in the model's unit; NaN for a model that is a single network), and in_domain[s], 1 when the
 * structure lies inside the model's domain of applicability (elements, atoms per primitive cell, formula type and
 * embedding distance of its training data), 0 when not: the value is then an extrapolation the model cannot vouch
 * for, and cft_domain_note(s) says why. std and in_domain may be NULL. */
int cft_predict_ex(const cft_model *model, int32_t n_structures, const double *lattices, const int32_t *site_counts,
                   const int32_t *atomic_numbers, const double *positions, const int32_t *space_groups, double *values,
                   double *std, int32_t *in_domain);

/* The matrix shape of a tensor model's prediction: 3×3 (dielectric), 6×6 (elastic, Voigt C_IJ = C_ijkl) or 3×6
 * (piezoelectric, e_iJ = e_ijk); 0×0 for a scalar model. */
int cft_model_tensor(const cft_model *model, int32_t *rows, int32_t *columns);

/* A tensor model's predictions (cft_model_tensor gives rows × columns). Inputs as cft_predict. Structure s's tensor is
 * tensors[s*rows*columns ..] row-major, in the Cartesian frame of its lattice vectors as passed, and exactly obeys the
 * structure's point group (Neumann's principle: e.g. exactly isotropic for a cubic dielectric tensor, exactly 0 for a
 * centrosymmetric piezoelectric one). std (same layout: the ensemble members' standard deviation per entry) and
 * in_domain may be NULL. cft_predict and cft_predict_ex on a tensor model give its main derived scalar (dielectric:
 * mean eigenvalue; elastic: K_Voigt; piezoelectric: the largest longitudinal coefficient). */
int cft_predict_tensor(const cft_model *model, int32_t n_structures, const double *lattices, const int32_t *site_counts,
                       const int32_t *atomic_numbers, const double *positions, const int32_t *space_groups, double *tensors,
                       double *std, int32_t *in_domain);

/* Why structure s of the calling thread's last successful cft_predict, cft_predict_ex or cft_predict_tensor lies outside the model's
 * domain, e.g. "2 atoms per primitive cell; trained on 5"; "" when inside (or no such structure). The string lives
 * until the thread's next cft_predict or cft_predict_ex. */
const char *cft_domain_note(int32_t s);

/* The index of the structure that made the calling thread's last cft_predict or cft_predict_ex fail: its status
 * (CFT_ERROR_ARGUMENT for data that cannot be a crystal or a structure beyond the size limits, CFT_ERROR_SYMMETRY
 * when spglib fails, CFT_ERROR_MODEL when the model gives no finite value) and cft_last_error() are that structure's.
 * -1 after a success, or when the failure was not one structure's (a NULL pointer, a closed model). */
int32_t cft_failed_structure(void);

#ifdef __cplusplus
}
#endif
#endif
