using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using CftRuntime.Crystals;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using Xunit;

namespace CftRuntime.Tests.Structures;

/// <summary>
/// <see cref="NiggliCell"/>: the reduction against spglib's own <c>spg_niggli_reduce</c> (an independent implementation of
/// Křivý–Gruber), and the reduced primitive cell of a crystal the same for every cell it is given in.
/// </summary>
public class NiggliCellTests
{
    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate int NiggliReduce([In, Out] double[] lattice, double symprec);

    /// <summary>spglib's <c>int spg_niggli_reduce(double lattice[3][3], double symprec)</c> (lattice vectors as columns).</summary>
    private static NiggliReduce Spglib()
    {
        Assert.True(SymmetryFinder.IsAvailable, "spglib (libsymspg) is needed as the reference");
        foreach (var name in new[] { "libsymspg.so.2", "libsymspg.so.1", "libsymspg.so" })
            if (NativeLibrary.TryLoad(name, out var handle) && NativeLibrary.TryGetExport(handle, "spg_niggli_reduce", out var f))
                return Marshal.GetDelegateForFunctionPointer<NiggliReduce>(f);
        throw new InvalidOperationException("libsymspg has no spg_niggli_reduce");
    }

    /// <summary>The metric's six numbers a², b², c², |2b·c|, |2a·c|, |2a·b|: equal for two Niggli cells of one lattice.</summary>
    private static double[] Metric(double[] rows)
    {
        double Dot(int r, int s) => rows[3 * r] * rows[3 * s] + rows[3 * r + 1] * rows[3 * s + 1] + rows[3 * r + 2] * rows[3 * s + 2];
        return [Dot(0, 0), Dot(1, 1), Dot(2, 2), Math.Abs(2 * Dot(1, 2)), Math.Abs(2 * Dot(0, 2)), Math.Abs(2 * Dot(0, 1))];
    }

    private static double[] Transposed(double[] m) => [m[0], m[3], m[6], m[1], m[4], m[7], m[2], m[5], m[8]];

    private static double[] Times(int[] unimodular, double[] rows)
    {
        var v = new double[9];
        for (int r = 0; r < 3; r++)
            for (int axis = 0; axis < 3; axis++)
                for (int k = 0; k < 3; k++) v[3 * r + axis] += unimodular[3 * r + k] * rows[3 * k + axis];
        return v;
    }

    /// <summary>A random unimodular integer matrix: a product of elementary shears (det 1).</summary>
    private static int[] RandomUnimodular(Random random)
    {
        var m = new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 };
        for (int step = 0; step < 4; step++)
        {
            int i = random.Next(3), j = (i + 1 + random.Next(2)) % 3, k = random.Next(-2, 3);
            for (int c = 0; c < 3; c++) m[3 * i + c] += k * m[3 * j + c];
        }
        return m;
    }

    public static IEnumerable<object[]> Lattices()
    {
        // Generic cells and the special ones whose Niggli conditions sit on the boundaries (equal lengths, 90° and 60°).
        yield return [4.1, 5.2, 6.3, 80.0, 95.0, 105.0];
        yield return [3.0, 3.0, 3.0, 90.0, 90.0, 90.0];
        yield return [3.0, 3.0, 3.0, 60.0, 60.0, 60.0];
        yield return [3.0, 3.0, 3.0, 109.47122063449069, 109.47122063449069, 109.47122063449069];
        yield return [2.5, 2.5, 6.7, 90.0, 90.0, 120.0];
        yield return [4.0, 5.0, 7.0, 90.0, 101.0, 90.0];
        yield return [5.0, 5.0, 9.0, 90.0, 90.0, 90.0];
        yield return [6.0, 6.0, 6.0, 50.0, 50.0, 50.0];
    }

    [Theory]
    [MemberData(nameof(Lattices))]
    public void Reduction_agrees_with_spglib_for_skewed_bases_of_a_lattice(double a, double b, double c, double alpha, double beta, double gamma)
    {
        var spglib = Spglib();
        var start = Lattice.FromParameters(a, b, c, alpha, beta, gamma);
        var random = new Random(17);
        double[]? first = null;
        for (int trial = 0; trial < 20; trial++)
        {
            var skewed = Lattice.FromVectors(Times(RandomUnimodular(random), start.ToArray()));
            var ours = NiggliCell.Reduce(skewed).ToArray();
            var reference = Transposed(skewed.ToArray());
            Assert.Equal(1, spglib(reference, 1e-5));
            var expected = Metric(Transposed(reference));
            var actual = Metric(ours);
            for (int i = 0; i < 6; i++) Assert.Equal(expected[i], actual[i], 1e-6 * expected[0] + 1e-9);
            // The same reduced cell from every basis, and the lattice kept (same volume, same handedness).
            first ??= actual;
            for (int i = 0; i < 6; i++) Assert.Equal(first[i], actual[i], 1e-6 * first[0] + 1e-9);
            Assert.Equal(skewed.Volume, Lattice.FromVectors(ours).Volume, 1e-9 * skewed.Volume);
            Assert.True(Determinant(ours) * Determinant(skewed.ToArray()) > 0);
            var reduced = Lattice.FromVectors(ours);
            Assert.True(reduced.A <= reduced.B + 1e-9 && reduced.B <= reduced.C + 1e-9);
        }
    }

    private static double Determinant(double[] v) =>
        v[0] * (v[4] * v[8] - v[5] * v[7]) - v[1] * (v[3] * v[8] - v[5] * v[6]) + v[2] * (v[3] * v[7] - v[4] * v[6]);

    private static Crystal Read(string file) => CifReader.ReadCrystals(Path.Combine(TestData.RepositoryRoot, "data", "examples", file))[0];

    /// <summary>
    /// A crystal's reduced primitive cell found from its conventional cell in P1, from a 2×1×3 supercell of it, from a
    /// skewed basis with the origin moved and the atoms listed in reverse: the same lattice (a, b, c, angles), the same
    /// number of atoms (the primitive count spglib finds), and right-handed whatever the input.
    /// </summary>
    [Theory]
    [InlineData("Li2O.cif")]
    [InlineData("abinit__si.cif")]
    [InlineData("garnet.cif")]
    [InlineData("LiFePO4.cif")]
    public void Every_cell_of_a_crystal_gives_the_same_reduced_cell(string file)
    {
        var input = Read(file);
        var cell = input.ExpandToCell();
        var conventional = new Crystal("conventional", input.Lattice, CrystalSymmetry.P1, cell);
        // spglib's count: its conventional cell's atoms over the centring's lattice points.
        var standard = SymmetryFinder.Standardize(input);
        int points = standard.HermannMauguin[0] switch { 'P' => 1, 'R' => 3, 'F' => 4, _ => 2 };
        var primitiveCount = standard.Crystal.ExpandToCell().Count / points;
        var expected = NiggliCell.Of(conventional.Lattice, cell);
        Assert.Equal(primitiveCount, expected.Sites.Length);
        Assert.Equal(input.Lattice.Volume / cell.Count * expected.Sites.Length, expected.Lattice.Volume, 1e-6 * expected.Lattice.Volume);

        var m = input.Lattice.ToArray();
        var supercellSites = new List<Site>();
        foreach (var s in cell)
            for (int k = 0; k < 3; k++)
            {
                supercellSites.Add(s with { X = s.X / 2, Z = (s.Z + k) / 3 });
                supercellSites.Add(s with { X = (s.X + 1) / 2, Z = (s.Z + k) / 3 });
            }
        var supercell = Lattice.FromVectors([2 * m[0], 2 * m[1], 2 * m[2], m[3], m[4], m[5], 3 * m[6], 3 * m[7], 3 * m[8]]);

        // x' = U⁻ᵀ-style change of basis: new rows = U · rows, so new fractional x' = (U⁻¹)ᵀ x; with U = [[1,1,0],[0,1,0],[0,0,1]]
        // (a' = a + b), x'_a = x_a, x'_b = x_b − x_a, x'_c = x_c. The origin moves by (0.13, 0.29, 0.41).
        var skewedLattice = Lattice.FromVectors(Times([1, 1, 0, 0, 1, 0, 0, 0, 1], m));
        var skewedSites = cell.Reverse().Select(s => s with { X = s.X + 0.13, Y = s.Y - s.X + 0.29 - 0.13, Z = s.Z + 0.41 }).ToList();

        foreach (var (lattice, sites) in new[] { (supercell, (IReadOnlyList<Site>)supercellSites), (skewedLattice, skewedSites) })
        {
            var got = NiggliCell.Of(lattice, sites);
            Assert.Equal(expected.Sites.Length, got.Sites.Length);
            var (e, g) = (expected.Lattice, got.Lattice);
            Assert.Equal((e.A, e.B, e.C), (g.A, g.B, g.C), new Close(1e-6));
            Assert.Equal((e.Alpha, e.Beta, e.Gamma), (g.Alpha, g.Beta, g.Gamma), new Close(1e-5));
            Assert.True(Determinant(g.ToArray()) > 0);
            // The same atoms: every element the same number of times.
            Assert.Equal(expected.Sites.Select(s => s.AtomicNumber).Order(), got.Sites.Select(s => s.AtomicNumber).Order());
        }
        // A left-handed basis of the same cell (c reversed) still reduces to a right-handed cell.
        var left = Lattice.FromVectors([m[0], m[1], m[2], m[3], m[4], m[5], -m[6], -m[7], -m[8]]);
        var mirrored = NiggliCell.Of(left, cell.Select(s => s with { Z = 1 - s.Z }).ToList());
        Assert.True(Determinant(mirrored.Lattice.ToArray()) > 0);
        Assert.Equal((expected.Lattice.A, expected.Lattice.B, expected.Lattice.C), (mirrored.Lattice.A, mirrored.Lattice.B, mirrored.Lattice.C), new Close(1e-6));
    }

    [Fact]
    public void The_face_centred_cubic_cell_reduces_to_the_rhombohedral_primitive_one()
    {
        var li2o = Read("Li2O.cif");
        var cell = li2o.ExpandToCell();
        var (lattice, sites) = NiggliCell.Of(li2o.Lattice, cell);
        Assert.Equal(3, sites.Length);
        double a = li2o.Lattice.A / Math.Sqrt(2);
        Assert.Equal((a, a, a), (lattice.A, lattice.B, lattice.C), new Close(1e-9));
        Assert.Equal((60.0, 60.0, 60.0), (lattice.Alpha, lattice.Beta, lattice.Gamma), new Close(1e-7));
    }

    private sealed class Close(double tolerance) : IEqualityComparer<(double, double, double)>
    {
        public bool Equals((double, double, double) x, (double, double, double) y) =>
            Math.Abs(x.Item1 - y.Item1) <= tolerance && Math.Abs(x.Item2 - y.Item2) <= tolerance && Math.Abs(x.Item3 - y.Item3) <= tolerance;
        public int GetHashCode((double, double, double) obj) => 0;
    }
}
