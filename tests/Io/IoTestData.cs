using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace CftRuntime.Tests.Io;

/// <summary>Locates the shared real-data folder beside the repository (CI puts a copy of shared/ there).</summary>
public static class IoTestData
{
    /// <summary>RepositoryRoot/../shared/data.</summary>
    public static string DataRoot => Path.GetFullPath(Path.Combine(TestData.RepositoryRoot, "..", "shared", "data"));

    /// <summary>The corpus CIF files, relative path → full path, in ordinal order.</summary>
    public static IReadOnlyList<string> CifFiles =>
        Directory.EnumerateFiles(Path.Combine(DataRoot, "cif"), "*.cif", SearchOption.AllDirectories).OrderBy(p => p, System.StringComparer.Ordinal).ToList();

    /// <summary>An error message reduced to its kind: quoted parts and numbers replaced, so messages group by reason.</summary>
    public static string Reason(string problem) =>
        Regex.Replace(Regex.Replace(problem.Split(";")[0], "'[^']*'", "'…'"), @"-?\d+(\.\d+)?", "N");
}
