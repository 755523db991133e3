using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tests.Io;
using Xunit;

namespace CftRuntime.Tests.Tensors;

/// <summary>
/// The prepare stage's frame rotation (input Cartesian frame → model frame) checked against the atoms themselves:
/// every input atom, rotated and shifted by one common vector, must land on an atom of the same element of the
/// prepared cell expressed with a along x and b in the xy plane. The check does not use spglib's matrices, so a
/// wrong composition (spglib's rotation, the normalizer image's W, the re-orientation) fails it.
/// </summary>
public class FrameRotationTests
{
    public static IEnumerable<object[]> Poscars() =>
        Symmetry.SymmetryTestData.Poscars.Where((_, i) => i % 7 == 0).Select(p => new object[] { p });

    [Theory]
    [MemberData(nameof(Poscars))]
    public void The_frame_rotation_maps_the_input_atoms_onto_the_prepared_cell(string relative)
    {
        var input = Symmetry.SymmetryTestData.Read(relative);
        AssertMaps(input, SymmetryFinder.Prepare(input));
    }

    [Theory]
    [InlineData(0.3, 1.1, -0.7)]
    [InlineData(2.0, -0.4, 0.9)]
    public void A_rotated_input_gets_the_same_cell_and_a_frame_rotation_that_undoes_the_turn(double ax, double ay, double az)
    {
        var input = Symmetry.SymmetryTestData.Read("monoclinic/POSCAR-013");
        var turn = TensorTestData.Rotation(ax, ay, az);
        var rows = input.Lattice.ToArray();
        var turned = new double[9];
        for (int v = 0; v < 3; v++)
            for (int i = 0; i < 3; i++)
                for (int k = 0; k < 3; k++) turned[3 * v + i] += turn[3 * i + k] * rows[3 * v + k];
        var rotated = new Crystal(input.Id, Lattice.FromVectors(turned), input.Symmetry, input.Sites);
        var a = SymmetryFinder.Prepare(input);
        var b = SymmetryFinder.Prepare(rotated);
        AssertMaps(rotated, b);
        Assert.Equal(a.Crystal.Sites.Count, b.Crystal.Sites.Count);
        for (int i = 0; i < a.Crystal.Sites.Count; i++)
        {
            Assert.Equal(a.Crystal.Sites[i].X, b.Crystal.Sites[i].X, 6);
            Assert.Equal(a.Crystal.Sites[i].Y, b.Crystal.Sites[i].Y, 6);
            Assert.Equal(a.Crystal.Sites[i].Z, b.Crystal.Sites[i].Z, 6);
        }
    }

    [Fact]
    public void A_trusted_structure_gets_the_normalizer_images_rotation()
    {
        var input = Symmetry.SymmetryTestData.Read("tetragonal/POSCAR-075");
        var standard = SymmetryFinder.Standardize(input).Crystal;
        AssertMaps(standard, SymmetryFinder.Trusted(standard));
    }

    private static void AssertMaps(Crystal input, PreparedStructure prepared)
    {
        var r = prepared.Frame;
        var l = prepared.Crystal.Lattice;
        var model = Lattice.FromParameters(l.A, l.B, l.C, l.Alpha, l.Beta, l.Gamma);
        var target = prepared.Crystal.ExpandToCell();
        var atoms = input.ExpandToCell().Select(s =>
        {
            var (x, y, z) = input.Lattice.ToCartesian(s.X, s.Y, s.Z);
            return (s.AtomicNumber, X: r[0, 0] * x + r[0, 1] * y + r[0, 2] * z, Y: r[1, 0] * x + r[1, 1] * y + r[1, 2] * z, Z: r[2, 0] * x + r[2, 1] * y + r[2, 2] * z);
        }).ToList();
        var first = atoms[0];
        foreach (var anchor in target.Where(t => t.AtomicNumber == first.AtomicNumber))
        {
            var (ax, ay, az) = model.ToCartesian(anchor.X, anchor.Y, anchor.Z);
            var (sx, sy, sz) = (ax - first.X, ay - first.Y, az - first.Z);
            if (atoms.All(p =>
                {
                    var (u, v, w) = model.ToFractional(p.X + sx, p.Y + sy, p.Z + sz);
                    return target.Any(t => t.AtomicNumber == p.AtomicNumber && model.WithinDistance(t.X - u, t.Y - v, t.Z - w, 0.05));
                }))
                return;
        }
        Assert.Fail($"{input.Id}: no common shift takes the rotated input atoms onto the prepared cell ({prepared.HermannMauguin})");
    }
}
