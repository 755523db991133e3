using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CftRuntime.Crystals;
using CftRuntime.Errors;
using CftRuntime.Features;
using CftRuntime.Inference;
using CftRuntime.Tensors;
using CftRuntime.Symmetry;
using CftRuntime.Tables;

namespace CftRuntime.Native;

/// <summary>
/// The C ABI (include/cft.h). Every function returns a status code; no exception crosses the boundary;
/// the message of the last failure on the calling thread is available from cft_last_error().
/// </summary>
public static unsafe class Exports
{
    /// <summary>Status codes (cft.h), from the one source <see cref="CftStatus"/>.</summary>
    public const int Ok = (int)CftStatus.Ok, ErrorArgument = (int)CftStatus.Argument, ErrorUnknownGroup = (int)CftStatus.UnknownGroup,
        ErrorBufferTooSmall = (int)CftStatus.BufferTooSmall, ErrorSymmetry = (int)CftStatus.Symmetry, ErrorInternal = (int)CftStatus.Internal, ErrorModel = (int)CftStatus.Model;

    private static readonly Featurizer Featurizer = new();
    private static readonly IntPtr Version = Marshal.StringToCoTaskMemUTF8(typeof(Exports).Assembly.GetName().Version?.ToString() ?? "0");

    [ThreadStatic] private static IntPtr t_lastError;

    /// <summary><c>const char *cft_version(void)</c>: the library version (static storage).</summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_version")]
    public static IntPtr CftVersion() => Version;

    /// <summary><c>const char *cft_last_error(void)</c>: the calling thread's last error message, or "" (valid until the thread's next cft_ call).</summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_last_error")]
    public static IntPtr CftLastError()
    {
        if (t_lastError == IntPtr.Zero) t_lastError = Marshal.StringToCoTaskMemUTF8("");
        return t_lastError;
    }

    /// <summary><c>int cft_feature_count(int32_t *count)</c>: columns per site (F).</summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_feature_count")]
    public static int CftFeatureCount(int* count) => Guard(() =>
    {
        if (count == null) return Fail(ErrorArgument, "count is NULL");
        *count = Featurizer.FeatureCount;
        return Ok;
    });

    /// <summary>
    /// <c>int cft_group_find(const char *symbol, int32_t *number, int32_t *order)</c>: looks a space group up
    /// (IT number, H-M or Hall symbol, NUMBER:SETTING) and returns its IT number and order |G|.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_group_find")]
    public static int CftGroupFind(byte* symbol, int* number, int* order) => Guard(() =>
    {
        if (symbol == null || number == null || order == null) return Fail(ErrorArgument, "symbol, number and order must not be NULL");
        string text = Marshal.PtrToStringUTF8((IntPtr)symbol) ?? "";
        if (!SpaceGroups.TryFind(text, out var setting)) return Fail(ErrorUnknownGroup, $"unknown space group '{text}'");
        *number = setting.Number;
        *order = setting.Order;
        return Ok;
    });

    /// <summary>
    /// <c>int cft_featurize(int32_t space_group, const double lattice[9], int32_t n_sites, const int32_t *atomic_numbers,
    /// const double *positions, float *out, int64_t out_capacity, int32_t *out_rows)</c>.
    /// space_group = 0: positions are every atom of the cell; the structure is standardised (spglib) and one row per
    /// unique site of the standard cell is written. space_group = N: positions are the unique sites in the ITA
    /// standard setting of N; one row per site. lattice: rows a, b, c in Å. out: rows × F floats; when out_capacity
    /// is too small, CFT_ERROR_BUFFER_TOO_SMALL is returned with *out_rows set to the rows needed.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_featurize")]
    public static int CftFeaturize(int spaceGroup, double* lattice, int nSites, int* atomicNumbers, double* positions, float* output, long outCapacity, int* outRows) => Guard(() =>
    {
        if (outRows == null) return Fail(ErrorArgument, "out_rows must not be NULL");
        if (outCapacity < 0) return Fail(ErrorArgument, "out_capacity must not be negative");
        int code = Structure(spaceGroup, lattice, nSites, atomicNumbers, positions, out var input);
        if (code != Ok) return code;
        int prepared = Prepare(spaceGroup, input!, out var preparation);
        if (prepared != Ok) return prepared;
        var crystal = preparation!.Crystal;
        *outRows = crystal.Sites.Count;
        long needed = (long)crystal.Sites.Count * Featurizer.FeatureCount;
        if (output == null || outCapacity < needed) return Fail(ErrorBufferTooSmall, $"out holds {outCapacity} floats, {needed} needed ({crystal.Sites.Count} rows × {Featurizer.FeatureCount})");
        var features = Featurizer.Featurize(crystal);
        features.AsSpan().CopyTo(new Span<float>(output, features.Length));
        return Ok;
    });

    /// <summary>
    /// <c>int cft_featurize_ex(int32_t space_group, const double lattice[9], int32_t n_sites, const int32_t *atomic_numbers,
    /// const double *positions, float *out, int64_t out_capacity, int32_t *out_rows, int32_t *site_numbers,
    /// int32_t *site_multiplicity, double *site_positions, int32_t site_capacity)</c>: as cft_featurize, and per row the
    /// site's atomic number, Wyckoff multiplicity in the standard cell and fractional position (3 doubles); each may
    /// be NULL. The rows never outnumber n_sites, so out_capacity = n_sites × F and site_capacity = n_sites always suffice.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_featurize_ex")]
    public static int CftFeaturizeEx(int spaceGroup, double* lattice, int nSites, int* atomicNumbers, double* positions, float* output, long outCapacity, int* outRows,
        int* siteNumbers, int* siteMultiplicity, double* sitePositions, int siteCapacity) => Guard(() =>
    {
        if (outRows == null) return Fail(ErrorArgument, "out_rows must not be NULL");
        if (outCapacity < 0 || siteCapacity < 0) return Fail(ErrorArgument, "out_capacity and site_capacity must not be negative");
        int code = Structure(spaceGroup, lattice, nSites, atomicNumbers, positions, out var input);
        if (code != Ok) return code;
        int prepared = Prepare(spaceGroup, input!, out var preparation);
        if (prepared != Ok) return prepared;
        var crystal = preparation!.Crystal;
        int rows = crystal.Sites.Count;
        *outRows = rows;
        long needed = (long)rows * Featurizer.FeatureCount;
        if (output == null || outCapacity < needed) return Fail(ErrorBufferTooSmall, $"out holds {outCapacity} floats, {needed} needed ({rows} rows × {Featurizer.FeatureCount})");
        bool perSite = siteNumbers != null || siteMultiplicity != null || sitePositions != null;
        if (perSite && siteCapacity < rows) return Fail(ErrorBufferTooSmall, $"site_capacity is {siteCapacity}, {rows} rows needed");
        var features = Featurizer.Featurize(crystal);
        features.AsSpan().CopyTo(new Span<float>(output, features.Length));
        for (int i = 0; i < rows && perSite; i++)
        {
            var site = crystal.Sites[i];
            if (siteNumbers != null) siteNumbers[i] = site.AtomicNumber;
            if (siteMultiplicity != null) siteMultiplicity[i] = site.Multiplicity;
            if (sitePositions != null) (sitePositions[3 * i], sitePositions[3 * i + 1], sitePositions[3 * i + 2]) = (site.X, site.Y, site.Z);
        }
        return Ok;
    });

    /// <summary>
    /// <c>int cft_feature_frequencies(int32_t *hkl, int32_t capacity, int32_t *count)</c>: the frequencies (h, k, l) of the
    /// feature columns: column 2j is Re and 2j+1 is Im of the projected plane wave of frequency j. hkl receives 3 ints per
    /// frequency; *count is set to the number of frequencies (F / 2), and a capacity (frequencies) below it gives
    /// CFT_ERROR_BUFFER_TOO_SMALL.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_feature_frequencies")]
    public static int CftFeatureFrequencies(int* hkl, int capacity, int* count) => Guard(() =>
    {
        if (count == null) return Fail(ErrorArgument, "count must not be NULL");
        var layout = FeatureLayout.Default;
        *count = layout.FrequencyCount;
        if (hkl == null || capacity < layout.FrequencyCount) return Fail(ErrorBufferTooSmall, $"capacity {capacity}, {layout.FrequencyCount} frequencies needed");
        for (int j = 0; j < layout.FrequencyCount; j++)
            (hkl[3 * j], hkl[3 * j + 1], hkl[3 * j + 2]) = layout.Frequency(j);
        return Ok;
    });

    /// <summary>
    /// <c>int cft_symmetry(const double lattice[9], int32_t n_sites, const int32_t *atomic_numbers, const double *positions,
    /// double tolerance, const char **json)</c>: detects the space group of a cell (every atom) at <c>tolerance</c> Å
    /// (spglib's symprec) and standardises it. *json: one object as <c>cft symmetry --json</c> writes (number, hm,
    /// setting, order, cell, lattice, sites), valid until the thread's next call that returns JSON.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_symmetry")]
    public static int CftSymmetry(double* lattice, int nSites, int* atomicNumbers, double* positions, double tolerance, IntPtr* json) => Guard(() =>
    {
        if (json == null) return Fail(ErrorArgument, "json must not be NULL");
        *json = IntPtr.Zero;
        if (!(tolerance > 0) || !double.IsFinite(tolerance)) return Fail(ErrorArgument, $"tolerance must be a positive number of Å, got {tolerance}");
        int code = Structure(0, lattice, nSites, atomicNumbers, positions, out var input);
        if (code != Ok) return code;
        code = Prepare(0, input!, out var prepared, tolerance);
        if (code != Ok) return code;
        *json = SetJson(CftRuntime.Io.JsonContracts.Object(w => CftRuntime.Io.JsonContracts.WriteSymmetry(w, prepared!.Crystal, prepared.HermannMauguin)));
        return Ok;
    });

    /// <summary>
    /// <c>int cft_read(const char *path, const char **json)</c>: the structures of a CIF (every data block), POSCAR or CSV
    /// (a <c>cif</c> column) file as a JSON array, one object per structure: id, file, lattice (rows, Å), numbers,
    /// positions (fractional, every atom of the cell) and targets (a CSV's numeric columns), or id, file and error for
    /// a structure that cannot be read. A file that cannot be opened is CFT_ERROR_ARGUMENT. *json is valid until the
    /// thread's next call that returns JSON.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_read")]
    public static int CftRead(byte* path, IntPtr* json) => Guard(() =>
    {
        if (path == null || json == null) return Fail(ErrorArgument, "path and json must not be NULL");
        *json = IntPtr.Zero;
        string file = Marshal.PtrToStringUTF8((IntPtr)path) ?? "";
        if (file.Length == 0) return Fail(ErrorArgument, "path is empty");
        if (!File.Exists(file)) return Fail(ErrorArgument, $"{file}: no such file");
        string text;
        try { text = CftRuntime.Io.JsonContracts.Structures(CftRuntime.Io.StructureSource.Enumerate([file])); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return Fail(ErrorArgument, e.Message); }
        *json = SetJson(text);
        return Ok;
    });

    /// <summary>
    /// <c>int cft_models(const char *directory, const char **json)</c>: the models in <c>directory</c> (NULL: the shipped
    /// models, $CFT_MODELS or models/ beside the library) as a JSON array, one object per model as <c>cft models --json</c>
    /// writes (name, file, property, unit, data, domain, metrics, metadata). Reads the files' metadata only (no session).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_models")]
    public static int CftModels(byte* directory, IntPtr* json) => Guard(() =>
    {
        if (json == null) return Fail(ErrorArgument, "json must not be NULL");
        *json = IntPtr.Zero;
        string dir = directory == null ? ModelDirectory : Marshal.PtrToStringUTF8((IntPtr)directory) ?? "";
        string text;
        try
        {
            var files = CftPredictor.FindModels(dir);
            var metadata = new List<(string File, Dictionary<string, string> Metadata)>();
            foreach (var f in files) metadata.Add((f, OnnxMetadata.Read(f)));
            text = CftRuntime.Io.JsonContracts.Write(w =>
            {
                w.WriteStartArray();
                foreach (var (f, m) in metadata)
                {
                    w.WriteStartObject();
                    CftRuntime.Io.JsonContracts.WriteModel(w, f, m);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException) { return Fail(ErrorModel, e.Message); }
        *json = SetJson(text);
        return Ok;
    });

    /// <summary>
    /// <c>int cft_model_metadata(const cft_model *model, const char **json)</c>: an open model's description as
    /// <c>cft_models</c> gives it (name, file, property, unit, data, domain, metrics, metadata), valid until the
    /// thread's next call that returns JSON.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_model_metadata")]
    public static int CftModelMetadata(IntPtr handle, IntPtr* json) => Guard(() =>
    {
        if (json == null) return Fail(ErrorArgument, "json must not be NULL");
        *json = IntPtr.Zero;
        if (!Models.TryGetValue((long)handle, out var m)) return Fail(ErrorArgument, $"model handle {handle} is not an open model");
        var model = m.Predictor.Models[0];
        *json = SetJson(CftRuntime.Io.JsonContracts.Object(w => CftRuntime.Io.JsonContracts.WriteModel(w, model.Path, model.Metadata)));
        return Ok;
    });

    [ThreadStatic] private static IntPtr t_json;

    /// <summary>The calling thread's JSON result (the previous one is freed).</summary>
    private static IntPtr SetJson(string text)
    {
        if (t_json != IntPtr.Zero) Marshal.FreeCoTaskMem(t_json);
        t_json = Marshal.StringToCoTaskMemUTF8(text);
        return t_json;
    }

    /// <summary>
    /// <c>int cft_basis_size(const char *group, int32_t *n_orbits, int32_t *n_members, int32_t *n_extinct, int32_t *phase_denominator)</c>:
    /// the size of a setting's compiled basis (cutoff K): non-extinct orbits, their members in all, extinct frequencies,
    /// and the denominator N shared by every phase of the setting.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_basis_size")]
    public static int CftBasisSize(byte* group, int* nOrbits, int* nMembers, int* nExtinct, int* phaseDenominator) => Guard(() =>
    {
        if (nOrbits == null || nMembers == null || nExtinct == null || phaseDenominator == null)
            return Fail(ErrorArgument, "n_orbits, n_members, n_extinct and phase_denominator must not be NULL");
        int code = FindGroup(group, out var setting);
        if (code != Ok) return code;
        var table = setting.Basis;
        var (orbits, members, extinct) = Count(table);
        (*nOrbits, *nMembers, *nExtinct, *phaseDenominator) = (orbits, members, extinct, table.PhaseDenominator);
        return Ok;
    });

    /// <summary>
    /// <c>int cft_basis_table(const char *group, int32_t *orbit_start, int32_t orbit_start_capacity, int32_t *hkl, int32_t *phase,
    /// int32_t member_capacity, int32_t *extinct, int32_t extinct_capacity)</c>: the compiled basis of a setting. Orbit o's members
    /// are orbit_start[o] .. orbit_start[o+1]−1; member m has frequency hkl[3m..3m+2] and phase[m], S_{h_m} = exp(2πi phase[m]/N) S_{h_first}.
    /// extinct receives 3 ints per extinct frequency. Capacities count entries (orbit_start ints, members, extinct frequencies);
    /// extinct may be NULL when not wanted.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_basis_table")]
    public static int CftBasisTable(byte* group, int* orbitStart, int orbitStartCapacity, int* hkl, int* phase, int memberCapacity, int* extinct, int extinctCapacity) => Guard(() =>
    {
        if (orbitStartCapacity < 0 || memberCapacity < 0 || extinctCapacity < 0) return Fail(ErrorArgument, "capacities must not be negative");
        int code = FindGroup(group, out var setting);
        if (code != Ok) return code;
        var table = setting.Basis;
        var (orbits, members, extinctCount) = Count(table);
        if (orbitStart == null || hkl == null || phase == null) return Fail(ErrorArgument, "orbit_start, hkl and phase must not be NULL (extinct may be NULL)");
        if (orbitStartCapacity < orbits + 1 || memberCapacity < members || (extinct != null && extinctCapacity < extinctCount))
            return Fail(ErrorBufferTooSmall, $"{setting.HermannMauguin} needs orbit_start_capacity ≥ {orbits + 1}, member_capacity ≥ {members}, extinct_capacity ≥ {extinctCount} (or extinct = NULL); got {orbitStartCapacity}, {memberCapacity}, {extinctCapacity}");
        int o = 0, m = 0;
        for (int orbit = 0; orbit < table.OrbitCount; orbit++)
        {
            if (table.IsExtinct(orbit)) continue;
            orbitStart[o++] = m;
            var ms = table.Members(orbit);
            var ps = table.Phases(orbit);
            for (int i = 0; i < ms.Length; i++, m++)
            {
                for (int axis = 0; axis < 3; axis++) hkl[3 * m + axis] = FrequencyTable.Component(ms[i], axis);
                phase[m] = ps[i];
            }
        }
        orbitStart[o] = m;
        if (extinct != null)
        {
            var description = CftRuntime.Basis.BasisDescription.FromTable(table);
            for (int e = 0; e < description.Extinct.Count; e++)
                (extinct[3 * e], extinct[3 * e + 1], extinct[3 * e + 2]) = description.Extinct[e];
        }
        return Ok;
    });

    /// <summary>
    /// <c>int cft_basis_evaluate(const char *group, int32_t h, int32_t k, int32_t l, int32_t n_points, const double *points, double *out)</c>:
    /// S_h(x) = (1/|G|) Σ_g exp(2πi h·(A_g x + t_g)) at n_points fractional points (3 doubles each), for any integer h;
    /// out receives (Re, Im) per point.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_basis_evaluate")]
    public static int CftBasisEvaluate(byte* group, int h, int k, int l, int nPoints, double* points, double* output) => Guard(() =>
    {
        if (nPoints < 0) return Fail(ErrorArgument, $"n_points must not be negative, got {nPoints}");
        if (points == null || output == null) return Fail(ErrorArgument, "points and out must not be NULL");
        const int Limit = CftRuntime.Basis.PlaneWaveExpansion.MaxComponent;
        if (Math.Abs((long)h) > Limit || Math.Abs((long)k) > Limit || Math.Abs((long)l) > Limit) return Fail(ErrorArgument, $"|h|, |k|, |l| must be at most {Limit}");
        int code = FindGroup(group, out var setting);
        if (code != Ok) return code;
        var wave = CftRuntime.Basis.PlaneWaveExpansion.Create(setting, h, k, l);
        for (int p = 0; p < nPoints; p++)
        {
            var v = wave.Evaluate(points[3L * p], points[3L * p + 1], points[3L * p + 2]);
            output[2L * p] = v.Real;
            output[2L * p + 1] = v.Imaginary;
        }
        return Ok;
    });

    private static int FindGroup(byte* group, out SpaceGroupSetting setting)
    {
        setting = default;
        if (group == null) return Fail(ErrorArgument, "group must not be NULL");
        string text = Marshal.PtrToStringUTF8((IntPtr)group) ?? "";
        return SpaceGroups.TryFind(text, out setting) ? Ok : Fail(ErrorUnknownGroup, $"unknown space group '{text}'");
    }

    private static (int Orbits, int Members, int Extinct) Count(OrbitTable table)
    {
        int members = 0;
        for (int o = 0; o < table.OrbitCount; o++)
            if (!table.IsExtinct(o)) members += table.Members(o).Length;
        return (table.NonExtinctOrbitCount, members, table.ClosureSize - members);
    }

    /// <summary>
    /// The one rule of every function taking a space_group, the prepare stage of the CLI and <see cref="CftPredictor"/>
    /// (<see cref="StructurePreparation.Prepare"/>): 0 = detect and standardise (spglib, with the fallbacks of
    /// <see cref="SymmetryFinder.Prepare"/>); N = trusted, canonicalised, never re-detected (<see cref="SymmetryFinder.Trusted"/>).
    /// A failure returns its own status (bad data CFT_ERROR_ARGUMENT, spglib's failures CFT_ERROR_SYMMETRY).
    /// </summary>
    private static int Prepare(int spaceGroup, Crystal input, out PreparedStructure? prepared, double tolerance = Crystal.DefaultToleranceAngstrom)
    {
        var outcome = StructurePreparation.Prepare(input, tolerance, statedGroup: spaceGroup != 0);
        prepared = outcome.Prepared;
        return outcome.Error is { } e ? Fail((int)e.Status, e.Message) : Ok;
    }

    /// <summary>The structure of a cft_featurize/cft_predict call: P1 (every atom) for space_group 0, else unique sites in N's standard setting.</summary>
    private static int Structure(int spaceGroup, double* lattice, int nSites, int* atomicNumbers, double* positions, out Crystal? crystal)
    {
        crystal = null;
        if (lattice == null || atomicNumbers == null || positions == null) return Fail(ErrorArgument, "lattice, atomic_numbers and positions must not be NULL");
        if (nSites <= 0) return Fail(ErrorArgument, $"n_sites must be positive, got {nSites}");
        if (spaceGroup < 0 || spaceGroup > 230) return Fail(ErrorUnknownGroup, $"space_group must be 0 (detect) or 1..230, got {spaceGroup}");
        var rows = new double[9];
        for (int i = 0; i < 9; i++)
        {
            if (!double.IsFinite(lattice[i])) return Fail(ErrorArgument, $"lattice[{i}] = {lattice[i]} is not a finite number");
            rows[i] = lattice[i];
        }
        var sites = new Site[nSites];
        for (int i = 0; i < nSites; i++)
        {
            if (atomicNumbers[i] < 1 || atomicNumbers[i] > Elements.MaxAtomicNumber) return Fail(ErrorArgument, $"atomic_numbers[{i}] = {atomicNumbers[i]} is not in 1..118");
            if (!double.IsFinite(positions[3 * i]) || !double.IsFinite(positions[3 * i + 1]) || !double.IsFinite(positions[3 * i + 2]))
                return Fail(ErrorArgument, $"positions[{i}] = ({positions[3 * i]}, {positions[3 * i + 1]}, {positions[3 * i + 2]}) is not three finite numbers");
            sites[i] = new Site(atomicNumbers[i], positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
        }
        try
        {
            var l = Lattice.FromVectors(rows);
            crystal = new Crystal("input", l, spaceGroup == 0 ? CrystalSymmetry.P1 : CrystalSymmetry.FromSetting(SpaceGroups.Standard(spaceGroup)), sites);
            return Ok;
        }
        catch (CftException e) { return Fail((int)e.Status, e.Message); }
    }

    /// <summary>
    /// $CFT_MODELS, else models/ beside libcft.so itself. AppContext.BaseDirectory would be the host program's
    /// folder, which is not where the library and its models are installed.
    /// </summary>
    private static string ModelDirectory => LibraryDirectory is { } lib ? CftPredictor.ModelDirectoryBeside(lib) : CftPredictor.DefaultModelDirectory;

    private static readonly Lazy<string?> s_libraryDirectory = new(FindLibraryDirectory);

    private static string? LibraryDirectory => s_libraryDirectory.Value;

    /// <summary>The folder of the loaded libcft.so, from dladdr on one of its own functions.</summary>
    private static string? FindLibraryDirectory()
    {
        try
        {
            delegate* unmanaged<IntPtr> self = &CftVersion;
            if (Dl.Address((IntPtr)self, out var info) == 0 || info.FileName == IntPtr.Zero) return null;
            string? file = Marshal.PtrToStringUTF8(info.FileName);
            return string.IsNullOrEmpty(file) ? null : Path.GetDirectoryName(Path.GetFullPath(file));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<long, ModelHandle> Models = new();
    private static long s_nextModel;

    /// <summary>A loaded model behind an opaque handle, with its property and unit as C strings (freed with the handle).</summary>
    private sealed class ModelHandle(CftPredictor predictor)
    {
        public CftPredictor Predictor { get; } = predictor;
        public IntPtr Property { get; } = Marshal.StringToCoTaskMemUTF8(predictor.Models[0].Property);
        public IntPtr Unit { get; } = Marshal.StringToCoTaskMemUTF8(predictor.Models[0].Unit);
    }

    /// <summary>
    /// <c>int cft_model_open(const char *model, cft_model **out)</c>: opens a model: NULL for the default shipped model
    /// (<see cref="CftPredictor.DefaultModelName"/>), a shipped model's name, or a .onnx path. The metadata is checked
    /// against the runtime's feature layout.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_model_open")]
    public static int CftModelOpen(byte* model, IntPtr* handle) => Guard(() =>
    {
        if (handle == null) return Fail(ErrorArgument, "out must not be NULL");
        *handle = IntPtr.Zero;
        string name = model == null ? CftPredictor.DefaultModelName : Marshal.PtrToStringUTF8((IntPtr)model) ?? "";
        if (name.Length == 0) return Fail(ErrorArgument, "model is empty: give NULL (the default model), a model name or a .onnx path");
        var predictor = CftPredictor.Load([name], ModelDirectory); // a CftModelException is CFT_ERROR_MODEL (Guard)
        try { predictor.EnsureLoaded(); }
        catch { predictor.Dispose(); throw; }
        long id = System.Threading.Interlocked.Increment(ref s_nextModel);
        Models[id] = new ModelHandle(predictor);
        *handle = (IntPtr)id;
        return Ok;
    });

    /// <summary><c>int cft_model_close(cft_model *model)</c>: releases a model; NULL is a no-op; a handle that is not open (closed twice) is an error, not a crash.</summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_model_close")]
    public static int CftModelClose(IntPtr handle) => Guard(() =>
    {
        if (handle == IntPtr.Zero) return Ok;
        if (!Models.TryRemove((long)handle, out var m)) return Fail(ErrorArgument, $"model handle {handle} is not an open model (closed twice?)");
        m.Predictor.Dispose();
        Marshal.FreeCoTaskMem(m.Property);
        Marshal.FreeCoTaskMem(m.Unit);
        return Ok;
    });

    /// <summary><c>int cft_model_info(const cft_model *model, const char **property, const char **unit)</c>: the predicted property and its unit (valid until cft_model_close).</summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_model_info")]
    public static int CftModelInfo(IntPtr handle, IntPtr* property, IntPtr* unit) => Guard(() =>
    {
        if (property == null || unit == null) return Fail(ErrorArgument, "property and unit must not be NULL");
        if (!Models.TryGetValue((long)handle, out var m)) return Fail(ErrorArgument, $"model handle {handle} is not an open model");
        (*property, *unit) = (m.Property, m.Unit);
        return Ok;
    });

    /// <summary>
    /// <c>int cft_predict(const cft_model *model, int32_t n_structures, const double *lattices, const int32_t *site_counts,
    /// const int32_t *atomic_numbers, const double *positions, const int32_t *space_groups, double *values)</c>:
    /// predictions for a batch of structures. Structure s has lattice lattices[9s..9s+8] (rows a, b, c, Å) and
    /// site_counts[s] sites, stored one after another in atomic_numbers and positions (3 per site). space_groups
    /// may be NULL (all 0): 0 = the sites are every atom of the cell and the group is detected (spglib); N = the
    /// sites are the unique sites in the ITA standard setting of N. On failure nothing is written to values and
    /// the message names the structure.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_predict")]
    public static int CftPredict(IntPtr handle, int nStructures, double* lattices, int* siteCounts, int* atomicNumbers, double* positions, int* spaceGroups, double* values) =>
        Guard(() => Predict(handle, nStructures, lattices, siteCounts, atomicNumbers, positions, spaceGroups, values, null, null));

    /// <summary>
    /// <c>int cft_predict_ex(const cft_model *model, int32_t n_structures, const double *lattices, const int32_t *site_counts,
    /// const int32_t *atomic_numbers, const double *positions, const int32_t *space_groups, double *values, double *std,
    /// int32_t *in_domain)</c>: as cft_predict, plus per structure the ensemble's standard deviation (NaN for a model
    /// without one) and 1/0 for inside/outside the model's domain (cft_domain_note says why). std and in_domain may be NULL.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_predict_ex")]
    public static int CftPredictEx(IntPtr handle, int nStructures, double* lattices, int* siteCounts, int* atomicNumbers, double* positions, int* spaceGroups, double* values, double* std, int* inDomain) =>
        Guard(() => Predict(handle, nStructures, lattices, siteCounts, atomicNumbers, positions, spaceGroups, values, std, inDomain));

    /// <summary>
    /// <c>int cft_model_tensor(const cft_model *model, int32_t *rows, int32_t *columns)</c>: the matrix shape of a tensor
    /// model's prediction (3×3 dielectric, 6×6 elastic, 3×6 piezoelectric); 0×0 for a scalar model.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_model_tensor")]
    public static int CftModelTensor(IntPtr handle, int* rows, int* columns) => Guard(() =>
    {
        if (rows == null || columns == null) return Fail(ErrorArgument, "rows and columns must not be NULL");
        if (!Models.TryGetValue((long)handle, out var m)) return Fail(ErrorArgument, $"model handle {handle} is not an open model");
        (*rows, *columns) = m.Predictor.Models[0].Tensor is { } kind ? PropertyTensorBasis.ShapeOf(kind) : (0, 0);
        return Ok;
    });

    /// <summary>
    /// <c>int cft_predict_tensor(const cft_model *model, int32_t n_structures, const double *lattices, const int32_t *site_counts,
    /// const int32_t *atomic_numbers, const double *positions, const int32_t *space_groups, double *tensors, double *std,
    /// int32_t *in_domain)</c>: a tensor model's predictions, structure s's rows×columns matrix (cft_model_tensor) row-major at
    /// tensors[s·rows·columns], in the Cartesian frame of the lattice vectors as passed; std (same layout) and in_domain may be NULL.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_predict_tensor")]
    public static int CftPredictTensor(IntPtr handle, int nStructures, double* lattices, int* siteCounts, int* atomicNumbers, double* positions, int* spaceGroups, double* tensors, double* std, int* inDomain) =>
        Guard(() =>
        {
            if (tensors == null) return Fail(ErrorArgument, "tensors must not be NULL");
            if (Models.TryGetValue((long)handle, out var m) && m.Predictor.Models[0].Tensor is null)
                return Fail(ErrorArgument, $"{m.Predictor.Models[0].Name} predicts a scalar ({m.Property}); use cft_predict or cft_predict_ex");
            return Predict(handle, nStructures, lattices, siteCounts, atomicNumbers, positions, spaceGroups, null, null, inDomain, tensors, std);
        });

    /// <summary>
    /// <c>const char *cft_domain_note(int32_t structure)</c>: why structure <c>structure</c> of the calling thread's last
    /// successful cft_predict/cft_predict_ex is outside the model's domain; "" when inside, or when there is no such structure.
    /// Valid until the thread's next cft_predict/cft_predict_ex.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_domain_note")]
    public static IntPtr CftDomainNote(int structure)
    {
        if (t_notes is null || (uint)structure >= (uint)t_notes.Length || t_notes[structure] == IntPtr.Zero)
            return t_emptyNote == IntPtr.Zero ? t_emptyNote = Marshal.StringToCoTaskMemUTF8("") : t_emptyNote;
        return t_notes[structure];
    }

    [ThreadStatic] private static IntPtr[]? t_notes;
    [ThreadStatic] private static IntPtr t_emptyNote;

    /// <summary>
    /// <c>int32_t cft_failed_structure(void)</c>: the index of the structure that made the calling thread's last
    /// cft_predict/cft_predict_ex fail (its status and cft_last_error() are that structure's); -1 after a success, or
    /// when the failure was not one structure's (a NULL pointer, a closed model).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "cft_failed_structure")]
    public static int CftFailedStructure() => t_failedStructurePlusOne - 1;

    [ThreadStatic] private static int t_failedStructurePlusOne; // 0 (the default of a new thread) means none

    private static int FailStructure(int s, int code, string message)
    {
        t_failedStructurePlusOne = s + 1;
        return Fail(code, $"structure {s}: {message}");
    }

    private static int Predict(IntPtr handle, int nStructures, double* lattices, int* siteCounts, int* atomicNumbers, double* positions, int* spaceGroups, double* values, double* std, int* inDomain,
        double* tensors = null, double* tensorStd = null)
    {
        t_failedStructurePlusOne = 0;
        if (!Models.TryGetValue((long)handle, out var m)) return Fail(ErrorArgument, $"model handle {handle} is not an open model");
        if (nStructures <= 0) return Fail(ErrorArgument, $"n_structures must be positive, got {nStructures}");
        if (lattices == null || siteCounts == null || (values == null && tensors == null)) return Fail(ErrorArgument, "lattices, site_counts and values must not be NULL");
        var crystals = new Crystal[nStructures];
        long offset = 0;
        for (int s = 0; s < nStructures; s++)
        {
            if (siteCounts[s] <= 0) return Fail(ErrorArgument, $"structure {s}: site_counts[{s}] must be positive, got {siteCounts[s]}");
            int group = spaceGroups == null ? 0 : spaceGroups[s];
            int code = Structure(group, lattices + 9L * s, siteCounts[s], atomicNumbers == null ? null : atomicNumbers + offset, positions == null ? null : positions + 3 * offset, out var crystal);
            if (code != Ok) return FailStructure(s, code, LastErrorText());
            crystals[s] = crystal!;
            offset += siteCounts[s];
        }
        var stated = new bool[nStructures];
        for (int s = 0; s < nStructures; s++) stated[s] = spaceGroups != null && spaceGroups[s] != 0;
        var results = m.Predictor.Predict(crystals, stated, 1, outOfDomain: true);
        for (int s = 0; s < nStructures; s++)
            if (results[s].Error is { } error) return FailStructure(s, (int)results[s].Status, error);
        FreeNotes();
        t_notes = new IntPtr[nStructures];
        for (int s = 0; s < nStructures; s++)
        {
            var p = results[s].Predictions[0];
            if (values != null) values[s] = p.Value;
            if (std != null) std[s] = p.Std ?? double.NaN;
            if (tensors != null && p.Tensor is { } tensor)
            {
                int rows = tensor.Value.GetLength(0), columns = tensor.Value.GetLength(1);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++)
                    {
                        long at = ((long)s * rows + r) * columns + c;
                        tensors[at] = tensor.Value[r, c];
                        if (tensorStd != null) tensorStd[at] = tensor.Std[r, c];
                    }
            }
            if (inDomain != null) inDomain[s] = p.InDomain ? 1 : 0;
            if (p.DomainNote is { } note) t_notes[s] = Marshal.StringToCoTaskMemUTF8(note);
        }
        return Ok;
    }

    private static void FreeNotes()
    {
        if (t_notes is null) return;
        foreach (var note in t_notes)
            if (note != IntPtr.Zero) Marshal.FreeCoTaskMem(note);
        t_notes = null;
    }

    private static int Guard(Func<int> body)
    {
        try
        {
            int code = body();
            if (code == Ok) SetError("");
            return code;
        }
        catch (CftException e)
        {
            return Fail((int)e.Status, e.Message); // bad data, spglib, a model: the status the exception carries
        }
        catch (Exception e)
        {
            return Fail(ErrorInternal, "internal error: " + e.Message);
        }
    }

    private static int Fail(int code, string message)
    {
        SetError(message);
        return code;
    }

    private static string LastErrorText() => t_lastError == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(t_lastError) ?? "";

    private static void SetError(string message)
    {
        if (t_lastError != IntPtr.Zero) Marshal.FreeCoTaskMem(t_lastError);
        t_lastError = Marshal.StringToCoTaskMemUTF8(message);
    }
}

/// <summary>dladdr (glibc ≥ 2.34 has it in libc.so.6).</summary>
internal static partial class Dl
{
    [StructLayout(LayoutKind.Sequential)]
    internal struct Info
    {
        public IntPtr FileName;
        public IntPtr FileBase;
        public IntPtr SymbolName;
        public IntPtr SymbolAddress;
    }

    [LibraryImport("libc.so.6", EntryPoint = "dladdr")]
    internal static partial int Address(IntPtr address, out Info info);
}
