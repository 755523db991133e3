using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CftRuntime.Tables;

namespace CftRuntime.Tests;

/// <summary>Shared inputs for theories.</summary>
public static class TestData
{
    /// <summary>Every setting index, as theory data.</summary>
    public static IEnumerable<object[]> AllSettings => Enumerable.Range(0, SpaceGroups.Count).Select(i => new object[] { i });

    /// <summary>The repository root (holds spacegroups.json).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CftRuntime.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The text of the committed spacegroups.json.</summary>
    public static string SpaceGroupsJson => File.ReadAllText(Path.Combine(RepositoryRoot, "spacegroups.json"));

    /// <summary>Runs a Python snippet with Debian's interpreter (NumPy installed by .ci/run); returns exit code and output.</summary>
    public static (int ExitCode, string Output) RunPython(string script, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(script);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd() + stderr.Result;
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    /// <summary>Deterministic random fractional points for a setting.</summary>
    public static double[][] RandomPoints(int seed, int count)
    {
        var rng = new Random(seed);
        var points = new double[count][];
        for (int i = 0; i < count; i++) points[i] = new[] { rng.NextDouble(), rng.NextDouble(), rng.NextDouble() };
        return points;
    }
}
