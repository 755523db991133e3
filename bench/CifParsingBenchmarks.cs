using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CftRuntime.Io;

namespace CftRuntime.Benchmarks;

/// <summary>
/// CIF throughput on the real corpus (../shared/data/cif, 586 files, texts loaded in memory first):
/// syntax only, and all the way to crystals (cell, sites, symmetry matched to a setting). One
/// operation = one file, so files/s = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class CifParsingBenchmarks
{
    private (string Name, string Text)[] _files = Array.Empty<(string, string)>();

    [GlobalSetup]
    public void Setup()
    {
        string corpus = Path.Combine(BenchData.RepositoryRoot, "..", "shared", "data", "cif");
        _files = Directory.EnumerateFiles(corpus, "*.cif", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
            .Select(f => (Path.GetFileName(f), File.ReadAllText(f))).ToArray();
        if (_files.Length != 586) throw new InvalidOperationException($"expected the 586-file corpus, found {_files.Length} files in {corpus}");
    }

    [Benchmark(Baseline = true, Description = "CIF syntax (CifParser.Parse)", OperationsPerInvoke = 586)]
    public int Syntax()
    {
        int blocks = 0;
        foreach (var (name, text) in _files)
        {
            try { blocks += CifParser.Parse(text, name).Blocks.Count; }
            catch (CifException) { }
        }
        return blocks;
    }

    [Benchmark(Description = "CIF to crystals (CifReader.ParseCrystals)", OperationsPerInvoke = 586)]
    public int Crystals()
    {
        int crystals = 0;
        foreach (var (name, text) in _files)
        {
            try { crystals += CifReader.ParseCrystals(text, name).Count; }
            catch (CifException) { }
        }
        return crystals;
    }
}
