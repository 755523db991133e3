using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using CftRuntime.Crystals;
using CftRuntime.Tables;
using CftRuntime.Tensors;
using Xunit;

namespace CftRuntime.Tests.Tensors;

/// <summary>Neumann's principle from the tables: dimensions against the textbook counts, exact invariance, known forms.</summary>
[Collection("Console")]
public class PropertyTensorBasisTests
{
    // The 32 crystal classes by IT number ranges (ITA), with the textbook numbers of independent components:
    // symmetric rank 2 (dielectric), elastic 6×6 Voigt, piezoelectric e_iJ (Nye, Physical Properties of Crystals).
    private static readonly (int Last, string Class, int Dielectric, int Elastic, int Piezoelectric)[] Classes =
    [
        (1, "1", 6, 21, 18), (2, "-1", 6, 21, 0), (5, "2", 4, 13, 8), (9, "m", 4, 13, 10), (15, "2/m", 4, 13, 0),
        (24, "222", 3, 9, 3), (46, "mm2", 3, 9, 5), (74, "mmm", 3, 9, 0),
        (80, "4", 2, 7, 4), (82, "-4", 2, 7, 4), (88, "4/m", 2, 7, 0), (98, "422", 2, 6, 1), (110, "4mm", 2, 6, 3), (122, "-42m", 2, 6, 2), (142, "4/mmm", 2, 6, 0),
        (146, "3", 2, 7, 6), (148, "-3", 2, 7, 0), (155, "32", 2, 6, 2), (161, "3m", 2, 6, 4), (167, "-3m", 2, 6, 0),
        (173, "6", 2, 5, 4), (174, "-6", 2, 5, 2), (176, "6/m", 2, 5, 0), (182, "622", 2, 5, 1), (186, "6mm", 2, 5, 3), (190, "-6m2", 2, 5, 1), (194, "6/mmm", 2, 5, 0),
        (199, "23", 1, 3, 1), (206, "m-3", 1, 3, 0), (214, "432", 1, 3, 0), (220, "-43m", 1, 3, 1), (230, "m-3m", 1, 3, 0),
    ];

    private static (string Class, int Dielectric, int Elastic, int Piezoelectric) ClassOf(int number)
    {
        var c = Classes.First(x => number <= x.Last);
        return (c.Class, c.Dielectric, c.Elastic, c.Piezoelectric);
    }

    private static readonly TensorKind[] Kinds = [TensorKind.Dielectric, TensorKind.Elastic, TensorKind.Piezoelectric];

    [Fact]
    public void Dimensions_equal_the_textbook_counts_in_every_setting()
    {
        var wrong = new List<string>();
        foreach (var s in SpaceGroups.All)
        {
            var c = ClassOf(s.Number);
            int[] expected = [c.Dielectric, c.Elastic, c.Piezoelectric];
            for (int k = 0; k < Kinds.Length; k++)
            {
                int d = PropertyTensorBasis.Build(s, Kinds[k]).Dimension;
                if (d != expected[k]) wrong.Add($"{s} ({c.Class}) {Kinds[k]}: {d}, expected {expected[k]}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(20)));
    }

    [Fact]
    public void Every_basis_tensor_is_invariant_under_every_operation_and_the_basis_is_orthonormal()
    {
        double worstInvariance = 0, worstOrthonormality = 0;
        foreach (var s in SpaceGroups.All)
        {
            var rotations = PropertyTensorBasis.CartesianRotations(s, PropertyTensorBasis.RepresentativeLattice(s));
            foreach (var kind in Kinds)
            {
                var basis = PropertyTensorBasis.Build(s, kind);
                var full = basis.Matrices().Select(m => Full(kind, m)).ToList();
                foreach (var t in full)
                    foreach (var r in rotations)
                    {
                        var rotated = Rotate(t, r);
                        for (int i = 0; i < t.Length; i++) worstInvariance = Math.Max(worstInvariance, Math.Abs(rotated[i] - t[i]));
                    }
                for (int a = 0; a < full.Count; a++)
                    for (int b = 0; b < full.Count; b++)
                        worstOrthonormality = Math.Max(worstOrthonormality, Math.Abs(full[a].Zip(full[b], (x, y) => x * y).Sum() - (a == b ? 1 : 0)));
            }
        }
        Assert.True(worstInvariance < 1e-12, $"largest change under an operation: {worstInvariance:G3}");
        Assert.True(worstOrthonormality < 1e-12, $"largest deviation from orthonormality: {worstOrthonormality:G3}");
    }

    [Fact]
    public void Known_forms_cubic_hexagonal_and_zinc_blende()
    {
        // Cubic dielectric: a multiple of the identity.
        var cubic = PropertyTensorBasis.Build(SpaceGroups.Find("Fm-3m"), TensorKind.Dielectric);
        Assert.Equal(1, cubic.Dimension);
        var e = cubic.Matrix(0);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(i == j ? 1 / Math.Sqrt(3) : 0, e[i, j], 14);

        // Hexagonal dielectric: ε11 = ε22 and ε33 free, off-diagonals zero.
        var hex = PropertyTensorBasis.Build(SpaceGroups.Find("P6_3/mmc"), TensorKind.Dielectric);
        var t = hex.Combine([0.3, 0.7]);
        Assert.Equal(t[0, 0], t[1, 1], 14);
        Assert.Equal(0, t[0, 1], 14);
        Assert.Equal(0, t[0, 2], 14);
        Assert.Equal(0, t[1, 2], 14);

        // Zinc blende (F-43m): e14 = e25 = e36, every other piezoelectric component zero.
        var zb = PropertyTensorBasis.Build(SpaceGroups.Find("F-43m"), TensorKind.Piezoelectric);
        var p = zb.Matrix(0);
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 6; j++) Assert.Equal(j == i + 3 ? p[0, 3] : 0, p[i, j], 14);
        Assert.True(Math.Abs(p[0, 3]) > 0.1);

        // Hexagonal elastic: C66 = (C11 − C12)/2 in every allowed tensor.
        var hexElastic = PropertyTensorBasis.Build(SpaceGroups.Find("P6/mmm"), TensorKind.Elastic);
        var c = hexElastic.Combine([1.0, 0.2, -0.4, 0.9, 0.5]);
        Assert.Equal((c[0, 0] - c[0, 1]) / 2, c[5, 5], 12);
        Assert.Equal(c[3, 3], c[4, 4], 12);
    }

    [Fact]
    public void Projection_of_an_allowed_tensor_is_exact_and_a_rotated_one_deviates()
    {
        var basis = PropertyTensorBasis.Build(SpaceGroups.Find("P4/mmm"), TensorKind.Dielectric);
        var allowed = basis.Combine([2.0, 5.0]);
        Assert.True(basis.SymmetryDeviation(allowed) < 1e-14);
        var coefficients = basis.Coefficients(allowed);
        Assert.Equal(2.0, coefficients[0], 12);
        Assert.Equal(5.0, coefficients[1], 12);
        // The same tensor in a frame rotated by 30° about x (the classic wrong-frame bug) is far from the subspace.
        double c = Math.Cos(Math.PI / 6), s = Math.Sin(Math.PI / 6);
        double[] r = [1, 0, 0, 0, c, -s, 0, s, c];
        var rotated = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++)
                    for (int l = 0; l < 3; l++) rotated[i, j] += r[3 * i + k] * r[3 * j + l] * allowed[k, l];
        Assert.True(basis.SymmetryDeviation(rotated) > 0.05, $"{basis.SymmetryDeviation(rotated)}");
    }

    [Fact]
    public void A_cell_without_the_groups_metric_is_refused_with_the_reason()
    {
        var e = Assert.Throws<Errors.InvalidStructureException>(() => PropertyTensorBasis.Build(SpaceGroups.Find("P6_3/mmc"), TensorKind.Dielectric, Lattice.FromParameters(3, 3, 5, 90, 90, 90)));
        Assert.Contains("does not have the metric of P6_3/mmc", e.Message);
        // The group's own kind of cell (any a, c with γ = 120°) is accepted and gives the same dimension.
        Assert.Equal(2, PropertyTensorBasis.Build(SpaceGroups.Find("P6_3/mmc"), TensorKind.Dielectric, Lattice.FromParameters(3.2, 3.2, 5.1, 90, 90, 120)).Dimension);
    }

    [Fact]
    public void Cli_prints_json_for_one_group_and_for_all_and_refuses_bad_options()
    {
        var one = Cli("tensor-basis", "--group", "Fm-3m", "--kind", "elastic", "--json");
        Assert.Equal(0, one.Code);
        using (var doc = JsonDocument.Parse(one.Out))
        {
            var root = doc.RootElement;
            Assert.Equal("Fm-3m", root.GetProperty("group").GetString());
            Assert.Equal(225, root.GetProperty("number").GetInt32());
            Assert.Equal("elastic", root.GetProperty("kind").GetString());
            Assert.Equal(3, root.GetProperty("dimension").GetInt32());
            var basis = root.GetProperty("basis");
            Assert.Equal(3, basis.GetArrayLength());
            Assert.All(basis.EnumerateArray(), b => { Assert.Equal(6, b.GetArrayLength()); Assert.All(b.EnumerateArray(), row => Assert.Equal(6, row.GetArrayLength())); });
        }
        var all = Cli("tensor-basis", "--group", "all", "--kind", "piezoelectric");
        Assert.Equal(0, all.Code);
        var lines = all.Out.Trim().Split('\n');
        Assert.Equal(SpaceGroups.Count, lines.Length);
        foreach (string line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            int number = doc.RootElement.GetProperty("number").GetInt32();
            Assert.Equal(ClassOf(number).Piezoelectric, doc.RootElement.GetProperty("dimension").GetInt32());
        }
        Assert.Contains("2 independent components", Cli("tensor-basis", "-g", "194", "--kind", "dielectric").Out);
        Assert.Equal(2, Cli("tensor-basis", "-g", "194", "--kind", "magnetic").Code);
        Assert.Equal(2, Cli("tensor-basis", "-g", "P99/q", "--kind", "elastic").Code);
        var badCell = Cli("tensor-basis", "-g", "194", "--kind", "elastic", "--cell", "3,3,5,90,90,90");
        Assert.Equal(2, badCell.Code);
        Assert.Contains("metric", badCell.Err);
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var r = CftRuntime.Tests.Cli.CliRunner.Run(args);
        return (r.ExitCode, r.Out, r.Err);
    }

    private static readonly (int I, int J)[] Voigt = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];

    /// <summary>The full Cartesian tensor of a matrix form, written independently of the library's code.</summary>
    private static double[] Full(TensorKind kind, double[,] m)
    {
        switch (kind)
        {
            case TensorKind.Dielectric:
                return Enumerable.Range(0, 9).Select(n => m[n / 3, n % 3]).ToArray();
            case TensorKind.Piezoelectric:
            {
                var t = new double[27];
                for (int i = 0; i < 3; i++)
                    for (int J = 0; J < 6; J++)
                    {
                        var (j, k) = Voigt[J];
                        t[9 * i + 3 * j + k] = t[9 * i + 3 * k + j] = m[i, J];
                    }
                return t;
            }
            default:
            {
                var t = new double[81];
                for (int I = 0; I < 6; I++)
                    for (int J = 0; J < 6; J++)
                    {
                        var (i, j) = Voigt[I];
                        var (k, l) = Voigt[J];
                        foreach (var (a, b) in new[] { (i, j), (j, i) })
                            foreach (var (c, d) in new[] { (k, l), (l, k) })
                                t[27 * a + 9 * b + 3 * c + d] = m[I, J];
                    }
                return t;
            }
        }
    }

    private static double[] Rotate(double[] t, double[] r)
    {
        int rank = t.Length switch { 9 => 2, 27 => 3, _ => 4 };
        var result = new double[t.Length];
        var idx = new int[rank];
        var src = new int[rank];
        for (int o = 0; o < t.Length; o++)
        {
            for (int n = rank - 1, v = o; n >= 0; n--, v /= 3) idx[n] = v % 3;
            double sum = 0;
            for (int i = 0; i < t.Length; i++)
            {
                if (t[i] == 0) continue;
                for (int n = rank - 1, v = i; n >= 0; n--, v /= 3) src[n] = v % 3;
                double w = t[i];
                for (int n = 0; n < rank; n++) w *= r[3 * idx[n] + src[n]];
                sum += w;
            }
            result[o] = sum;
        }
        return result;
    }
}
