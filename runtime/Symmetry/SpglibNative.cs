using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CftRuntime.Symmetry;

/// <summary>
/// spglib 2.0.x's <c>SpglibDataset</c> (spglib.h), the fields read here at their native offsets on 64-bit
/// platforms (checked against <c>offsetof</c> with gcc on Debian 12's libsymspg-dev 2.0.2; size 472).
/// Lattices are 3×3 row-major C arrays whose COLUMNS are the basis vectors.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 472)]
internal unsafe struct SpglibDataset
{
    [FieldOffset(0)] public int SpacegroupNumber;
    [FieldOffset(4)] public int HallNumber;
    [FieldOffset(8)] public fixed byte InternationalSymbol[11];
    [FieldOffset(19)] public fixed byte HallSymbol[17];
    [FieldOffset(36)] public fixed byte Choice[6];
    [FieldOffset(144)] public int NOperations;
    [FieldOffset(168)] public int NAtoms;
    [FieldOffset(288)] public int NStdAtoms;
    [FieldOffset(296)] public fixed double StdLattice[9];
    [FieldOffset(368)] public int* StdTypes;
    [FieldOffset(376)] public double* StdPositions;
    [FieldOffset(384)] public fixed double StdRotationMatrix[9];
    [FieldOffset(464)] public fixed byte PointgroupSymbol[6];
}

/// <summary>Source-generated P/Invoke into libsymspg (spglib's C library); AOT-compatible.</summary>
internal static unsafe partial class SpglibNative
{
    public const string LibraryName = "symspg";

    /// <summary>File names tried, in order, when the runtime's own probing of <see cref="LibraryName"/> fails.</summary>
    private static readonly string[] Candidates = { "libsymspg.so.1", "libsymspg.so", "libsymspg.so.2", "libsymspg.dylib", "symspg.dll", "symspg" };

    static SpglibNative() => NativeLibrary.SetDllImportResolver(typeof(SpglibNative).Assembly, Resolve);

    /// <summary>Environment variable naming the library file to load instead of searching (then nothing else is tried).</summary>
    public const string PathVariable = "CFT_SPGLIB";

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != LibraryName) return IntPtr.Zero;
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path)
            return NativeLibrary.TryLoad(path, out IntPtr explicitHandle) ? explicitHandle : throw new DllNotFoundException($"{PathVariable}={path} cannot be loaded");
        foreach (string candidate in Candidates)
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out IntPtr handle)) return handle;
        return IntPtr.Zero;
    }

    /// <summary>Loads the library (through the resolver) and returns whether it is usable.</summary>
    public static bool TryLoad(out string? error)
    {
        try
        {
            _ = spg_get_error_code();
            error = null;
            return true;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            error = e.Message;
            return false;
        }
    }

    [LibraryImport(LibraryName)]
    public static partial SpglibDataset* spg_get_dataset(double* lattice, double* positions, int* types, int numAtom, double symprec);

    [LibraryImport(LibraryName)]
    public static partial SpglibDataset* spg_get_dataset_with_hall_number(double* lattice, double* positions, int* types, int numAtom, int hallNumber, double symprec);

    [LibraryImport(LibraryName)]
    public static partial void spg_free_dataset(SpglibDataset* dataset);

    [LibraryImport(LibraryName)]
    public static partial int spg_get_error_code();

    [LibraryImport(LibraryName)]
    public static partial byte* spg_get_error_message(int error);
}
