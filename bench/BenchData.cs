using System;
using System.Collections.Generic;
using System.IO;
using CftRuntime.Io;

namespace CftRuntime.Benchmarks;

/// <summary>Where the benchmarks find the repository and the shared datasets.</summary>
internal static class BenchData
{
    /// <summary>The repository root (the folder of CftRuntime.sln above the benchmark binary).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CftRuntime.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
        }
    }

    /// <summary>The first <paramref name="count"/> (material_id, CIF text) rows of a shared dataset: <c>carbon_24/val.csv</c>, else <c>&lt;set&gt;/data.csv</c>.</summary>
    public static (string Id, string Cif)[] Rows(string set, int count)
    {
        var rows = new List<(string, string)>();
        string[]? header = null;
        foreach (var row in CsvReader.ReadFile(Path.Combine(RepositoryRoot, "..", "shared", "data", set, set == "carbon_24" ? "val.csv" : "data.csv")))
        {
            if (header is null) { header = row; continue; }
            rows.Add((row[Array.IndexOf(header, "material_id")], row[Array.IndexOf(header, "cif")]));
            if (rows.Count == count) break;
        }
        return rows.ToArray();
    }
}
