using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Symmetry;
using CftRuntime.Tables;

namespace CftRuntime.Native;

/// <summary>
/// The C ABI (include/cft.h). Every function returns a status code; no exception crosses the boundary;
/// the message of the last failure on the calling thread is available from cft_last_error().
/// </summary>
public static unsafe class Exports
{
    /// <summary>Status codes (cft.h).</summary>
    public const int Ok = 0, ErrorArgument = 1, ErrorUnknownGroup = 2, ErrorBufferTooSmall = 3, ErrorSymmetry = 4, ErrorInternal = 5;

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
        if (lattice == null || atomicNumbers == null || positions == null || outRows == null) return Fail(ErrorArgument, "lattice, atomic_numbers, positions and out_rows must not be NULL");
        if (nSites <= 0) return Fail(ErrorArgument, $"n_sites must be positive, got {nSites}");
        if (spaceGroup < 0 || spaceGroup > 230) return Fail(ErrorUnknownGroup, $"space_group must be 0 (detect) or 1..230, got {spaceGroup}");
        if (outCapacity < 0) return Fail(ErrorArgument, "out_capacity must not be negative");
        var rows = new double[9];
        for (int i = 0; i < 9; i++) rows[i] = lattice[i];
        var sites = new Site[nSites];
        for (int i = 0; i < nSites; i++)
        {
            if (atomicNumbers[i] < 1 || atomicNumbers[i] > Elements.MaxAtomicNumber) return Fail(ErrorArgument, $"atomic_numbers[{i}] = {atomicNumbers[i]} is not in 1..118");
            sites[i] = new Site(atomicNumbers[i], positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]);
        }
        Crystal crystal;
        try
        {
            var l = Lattice.FromVectors(rows);
            crystal = spaceGroup == 0
                ? SymmetryFinder.Standardize(new Crystal("input", l, CrystalSymmetry.P1, sites)).Crystal
                : new Crystal("input", l, CrystalSymmetry.FromSetting(SpaceGroups.Standard(spaceGroup)), sites);
        }
        catch (ArgumentException e) { return Fail(ErrorArgument, e.Message); }
        catch (Exception e) when (e is SymmetryFinderUnavailableException or SymmetryNotFoundException) { return Fail(ErrorSymmetry, e.Message); }
        *outRows = crystal.Sites.Count;
        long needed = (long)crystal.Sites.Count * Featurizer.FeatureCount;
        if (output == null || outCapacity < needed) return Fail(ErrorBufferTooSmall, $"out holds {outCapacity} floats, {needed} needed ({crystal.Sites.Count} rows × {Featurizer.FeatureCount})");
        var features = Featurizer.Featurize(crystal);
        features.AsSpan().CopyTo(new Span<float>(output, features.Length));
        return Ok;
    });

    private static int Guard(Func<int> body)
    {
        try
        {
            int code = body();
            if (code == Ok) SetError("");
            return code;
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

    private static void SetError(string message)
    {
        if (t_lastError != IntPtr.Zero) Marshal.FreeCoTaskMem(t_lastError);
        t_lastError = Marshal.StringToCoTaskMemUTF8(message);
    }
}
