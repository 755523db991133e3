using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tensors;
using CftRuntime.Tests.Io;
using Xunit;
using Xunit.Abstractions;

namespace CftRuntime.Tests.Tensors;

/// <summary>
/// The frame check before any tensor training: how far each tensor of ../shared/data/mp_elastic and
/// ../shared/data/piezoelectric is from the invariant subspace of its own structure's point group, in the Cartesian
/// frame of the spglib-standardised conventional cell (a along x, b in the xy plane), the frame the data README names.
/// A tensor in another frame shows up here as a large deviation.
/// </summary>
public class TrainingTensorFrameTests
{
    private readonly ITestOutputHelper _output;

    public TrainingTensorFrameTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("mp_elastic", "elastic_tensor", TensorKind.Elastic, 0.95)]
    [InlineData("piezoelectric", "piezoelectric_tensor", TensorKind.Piezoelectric, 0.95)]
    public void Most_training_tensors_lie_in_their_structures_invariant_subspace(string dataset, string column, TensorKind kind, double floor)
    {
        string path = Path.Combine(IoTestData.DataRoot, dataset, "data.csv");
        var records = CsvReader.ReadFile(path).ToList();
        var header = records[0];
        int id = Array.IndexOf(header, "material_id"), cif = Array.IndexOf(header, "cif"), tensor = Array.IndexOf(header, column);
        var deviations = new List<(string Id, string Group, double Deviation)>();
        int failed = 0;
        foreach (var row in records.Skip(1))
        {
            try
            {
                var crystal = CifReader.ParseCrystals(row[cif], $"{dataset} {row[id]}")[0];
                var standard = SymmetryFinder.Standardize(crystal);
                var l = standard.Crystal.Lattice;
                var cell = CftRuntime.Crystals.Lattice.FromParameters(l.A, l.B, l.C, l.Alpha, l.Beta, l.Gamma);
                var basis = PropertyTensorBasis.Build(standard.Setting, kind, cell);
                deviations.Add((row[id], standard.HermannMauguin, basis.SymmetryDeviation(Matrix(row[tensor]))));
            }
            catch (Exception e) when (e is StructureFormatException or SymmetryNotFoundException) { failed++; }
        }
        int n = deviations.Count;
        int within2 = deviations.Count(d => d.Deviation < 0.02), within10 = deviations.Count(d => d.Deviation < 0.10);
        var sorted = deviations.Select(d => d.Deviation).OrderBy(d => d).ToArray();
        _output.WriteLine($"{dataset}: {n} tensors ({failed} structures unreadable); deviation from the invariant subspace < 2 %: {within2}, < 10 %: {within10}; " +
            $"median {sorted[n / 2]:G3}, 95th percentile {sorted[(int)(0.95 * (n - 1))]:G3}, max {sorted[^1]:G3}");
        foreach (var d in deviations.OrderByDescending(d => d.Deviation).Take(5)) _output.WriteLine($"  worst: {d.Id} {d.Group} {d.Deviation:F3}");
        Assert.True(within2 >= floor * n, $"{dataset}: only {within2} of {n} tensors within 2 % of their invariant subspace");
    }

    private static double[,] Matrix(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var rows = doc.RootElement.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        var m = new double[rows.Length, rows[0].Length];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < rows[i].Length; j++) m[i, j] = rows[i][j];
        return m;
    }
}
