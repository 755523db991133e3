using System;
using CftRuntime.Errors;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Structures;

/// <summary>Lattice, elements, symmetry matching, expansion to the cell and reduction to unique sites.</summary>
public class CrystalTests
{
    [Fact]
    public void Lattice_from_parameters_round_trips_and_has_the_right_volume()
    {
        var hex = Lattice.FromParameters(3.0, 3.0, 5.0, 90, 90, 120);
        Assert.Equal(3.0, hex.A, 12);
        Assert.Equal(5.0, hex.C, 12);
        Assert.Equal(120.0, hex.Gamma, 10);
        Assert.Equal(90.0, hex.Alpha, 10);
        Assert.Equal(9.0 * 5.0 * Math.Sin(2 * Math.PI / 3), hex.Volume, 10);
        var tric = Lattice.FromParameters(4.1, 5.2, 6.3, 80, 95, 105);
        var again = Lattice.FromVectors(tric.ToArray());
        Assert.Equal((tric.A, tric.B, tric.C, tric.Alpha, tric.Beta, tric.Gamma), (again.A, again.B, again.C, again.Alpha, again.Beta, again.Gamma));
        var (x, y, z) = tric.ToCartesian(0.1, 0.2, 0.3);
        var (u, v, w) = tric.ToFractional(x, y, z);
        Assert.Equal(0.1, u, 12); Assert.Equal(0.2, v, 12); Assert.Equal(0.3, w, 12);
    }

    [Theory]
    [InlineData(0, 5, 5, 90, 90, 90)]
    [InlineData(5, 5, 5, 90, 90, 180)]
    [InlineData(5, 5, 5, 10, 10, 120)]
    [InlineData(double.NaN, 5, 5, 90, 90, 90)]
    public void Impossible_cells_are_refused(double a, double b, double c, double alpha, double beta, double gamma) =>
        Assert.Throws<InvalidStructureException>(() => Lattice.FromParameters(a, b, c, alpha, beta, gamma));

    [Fact]
    public void Periodic_distance_wraps_across_the_cell()
    {
        var cubic = Lattice.FromParameters(4, 4, 4, 90, 90, 90);
        Assert.Equal(0.04, cubic.PeriodicDistance(0.995 - 0.005, 0, 0), 10);
        Assert.Equal(0.0, cubic.PeriodicDistance(1, -2, 3), 12);
    }

    [Fact]
    public void Within_distance_agrees_with_the_periodic_distance_on_skewed_cells()
    {
        var rng = new Random(5);
        foreach (var lattice in new[] { Lattice.FromParameters(3, 9, 4, 70, 120, 55), Lattice.FromParameters(5, 5, 5, 90, 90, 90), Lattice.FromParameters(2, 2, 20, 90, 90, 120) })
            for (int i = 0; i < 20000; i++)
            {
                double du = rng.NextDouble() * 4 - 2, dv = rng.NextDouble() * 4 - 2, dw = rng.NextDouble() * 4 - 2;
                if (i % 2 == 0) { du = Math.Round(du) + (rng.NextDouble() - 0.5) * 0.3; dv = Math.Round(dv) + (rng.NextDouble() - 0.5) * 0.3; dw = Math.Round(dw) + (rng.NextDouble() - 0.5) * 0.3; }
                double tolerance = rng.NextDouble() * 1.5;
                Assert.Equal(lattice.PeriodicDistance(du, dv, dw) <= tolerance, lattice.WithinDistance(du, dv, dw, tolerance));
            }
    }

    [Theory]
    [InlineData("Fe1", 26)]
    [InlineData("O2-", 8)]
    [InlineData("Fe3+", 26)]
    [InlineData("Ca", 20)]
    [InlineData("C12", 6)]
    [InlineData("OW", 8)]
    [InlineData("CL1", 17)]
    [InlineData("Si", 14)]
    [InlineData("D1", 1)]
    public void Element_from_labels(string label, int z)
    {
        Assert.True(Elements.TryParseLabel(label, out int parsed));
        Assert.Equal(z, parsed);
    }

    [Fact]
    public void Rock_salt_expands_to_eight_atoms_and_reduces_back()
    {
        var fm3m = CrystalSymmetry.FromSetting(SpaceGroups.Find("Fm-3m"));
        var lattice = Lattice.FromParameters(5.64, 5.64, 5.64, 90, 90, 90);
        var nacl = new Crystal("NaCl", lattice, fm3m, new[] { new Site(11, 0, 0, 0, Label: "Na1"), new Site(17, 0.5, 0.5, 0.5, Label: "Cl1") });
        Assert.Equal(new[] { 4, 4 }, nacl.Sites.Select(s => s.Multiplicity));
        var cell = nacl.ExpandToCell();
        Assert.Equal(8, cell.Count);
        Assert.Equal(8.0, nacl.AtomCount);
        var reduced = Crystal.FromFullCell("NaCl", lattice, fm3m, cell.Reverse().ToList());
        Assert.Equal(2, reduced.Sites.Count);
        Assert.All(reduced.Sites, s => Assert.Equal(4, s.Multiplicity));
        Assert.Throws<InvalidStructureException>(() => Crystal.FromFullCell("broken", lattice, fm3m, cell.Skip(1).ToList()));
    }

    [Fact]
    public void Diamond_in_both_origin_choices_has_multiplicity_8()
    {
        var lattice = Lattice.FromParameters(3.567, 3.567, 3.567, 90, 90, 90);
        var two = new Crystal("C", lattice, CrystalSymmetry.FromSetting(SpaceGroups.Find("Fd-3m:2")), new[] { new Site(6, 0.125, 0.125, 0.125) });
        var one = new Crystal("C", lattice, CrystalSymmetry.FromSetting(SpaceGroups.Find("Fd-3m:1")), new[] { new Site(6, 0, 0, 0) });
        Assert.Equal(8, two.Sites[0].Multiplicity);
        Assert.Equal(8, one.Sites[0].Multiplicity);
        // A general position has the full multiplicity 192.
        var general = new Crystal("X", lattice, CrystalSymmetry.FromSetting(SpaceGroups.Find("Fd-3m")), new[] { new Site(6, 0.01, 0.03, 0.07) });
        Assert.Equal(192, general.Sites[0].Multiplicity);
    }

    [Fact]
    public void Merging_tolerance_is_in_angstrom()
    {
        // Inversion image of x = 0.0005 Å-scale off the centre: 0.001 fractional × 10 Å = 0.01 Å apart.
        var lattice = Lattice.FromParameters(10, 10, 10, 90, 90, 90);
        var pm1 = CrystalSymmetry.FromSetting(SpaceGroups.Find("P-1"));
        var close = new Crystal("a", lattice, pm1, new[] { new Site(6, 0.0004, 0, 0) });
        Assert.Equal(1, close.Sites[0].Multiplicity);          // 0.008 Å apart: merged at 0.01 Å
        var far = new Crystal("b", lattice, pm1, new[] { new Site(6, 0.004, 0, 0) });
        Assert.Equal(2, far.Sites[0].Multiplicity);            // 0.08 Å apart: distinct
        var big = Lattice.FromParameters(100, 10, 10, 90, 90, 90);
        Assert.Equal(2, new Crystal("c", big, pm1, new[] { new Site(6, 0.0004, 0, 0) }).Sites[0].Multiplicity); // 0.08 Å in a 100 Å cell
    }

    [Fact]
    public void Listed_operations_are_matched_to_their_setting_and_completed()
    {
        foreach (var symbol in new[] { "P2_1/c", "Fd-3m:1", "R-3m:R", "P6_3/mmc", "Ia-3d" })
        {
            var setting = SpaceGroups.Find(symbol);
            var ops = setting.Operations().Reverse().ToList();
            Assert.Equal(setting.Index, CrystalSymmetry.FromOperations(ops).Setting!.Value.Index);
            // Generators only: the closure is rebuilt.
            var generators = ops.Where((_, i) => i % 3 == 0).ToList();
            var closed = CrystalSymmetry.FromOperations(generators);
            Assert.True(closed.Operations.Count <= setting.Order);
        }
        // A shear has infinite order: no finite group contains it.
        var shear = new CftRuntime.Basis.SymmetryOperation(new[] { 1, 1, 0, 0, 1, 0, 0, 0, 1 }, new[] { 0, 0, 0 }, 1);
        Assert.Contains("not a space group", Assert.Throws<InvalidStructureException>(() => CrystalSymmetry.FromOperations(new[] { shear })).Message);
    }
}
