using System;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Core;

/// <summary><see cref="PlaneWaveExpansion"/> and <see cref="BasisSlice"/> against the definition and the compiled tables.</summary>
public class PlaneWaveExpansionTests
{
    [Fact]
    public void Expansion_equals_the_direct_sum_over_operations_for_every_setting()
    {
        var random = new Random(2026);
        foreach (var setting in SpaceGroups.All)
        {
            var ops = setting.Operations();
            for (int trial = 0; trial < 3; trial++)
            {
                // Frequencies up to 7: also beyond the compiled cutoff K = 4.
                int h = random.Next(-7, 8), k = random.Next(-7, 8), l = random.Next(-7, 8);
                var wave = PlaneWaveExpansion.Create(setting, h, k, l);
                double x = random.NextDouble(), y = random.NextDouble(), z = random.NextDouble();
                var direct = SymmetrisedPlaneWave.EvaluateDirect(ops, h, k, l, x, y, z);
                var value = wave.Evaluate(x, y, z);
                Assert.True((value - direct).Magnitude < 1e-12, $"{setting} h=({h} {k} {l}): {value} vs {direct}");
            }
        }
    }

    [Fact]
    public void Extinctions_and_orbit_sizes_agree_with_the_compiled_tables()
    {
        foreach (var setting in SpaceGroups.All)
        {
            var table = setting.Basis;
            for (int o = 0; o < table.OrbitCount; o++)
            {
                int f = table.Members(o)[0];
                var wave = PlaneWaveExpansion.Create(setting, FrequencyTable.Component(f, 0), FrequencyTable.Component(f, 1), FrequencyTable.Component(f, 2));
                Assert.Equal(table.IsExtinct(o), wave.IsExtinct);
                if (!table.IsExtinct(o)) Assert.Equal(table.Members(o).Length, wave.TermCount);
            }
        }
    }

    [Fact]
    public void Known_absences_and_terms()
    {
        // Fd-3m: h00 needs h = 4n; (1 1 1) is an 8-member orbit.
        var fd3m = SpaceGroups.Standard(227);
        Assert.True(PlaneWaveExpansion.Create(fd3m, 2, 0, 0).IsExtinct);
        Assert.False(PlaneWaveExpansion.Create(fd3m, 4, 0, 0).IsExtinct);
        Assert.Equal(8, PlaneWaveExpansion.Create(fd3m, 1, 1, 1).TermCount);
        // P1: S_h is the plane wave itself.
        Assert.Throws<ArgumentOutOfRangeException>(() => PlaneWaveExpansion.Create(fd3m, 1 << 21, 0, 0));
        var p1 = PlaneWaveExpansion.Create(SpaceGroups.Standard(1), 1, -2, 3);
        Assert.Equal(1, p1.TermCount);
        Assert.Equal((1, -2, 3), p1.Frequency(0));
        Assert.Equal(1.0, p1.Coefficient(0).Real, 15);
    }

    [Theory]
    [InlineData("z=0", 2, 0.0)]
    [InlineData("x = 0.25", 0, 0.25)]
    [InlineData("y=1/2", 1, 0.5)]
    [InlineData("Z=-0.125", 2, -0.125)]
    public void Planes_parse(string text, int axis, double value)
    {
        var plane = CellPlane.Parse(text);
        Assert.Equal(axis, plane.FixedAxis);
        Assert.Equal(value, plane.Value);
    }

    [Theory]
    [InlineData("z")]
    [InlineData("w=0")]
    [InlineData("z=")]
    [InlineData("z=a")]
    [InlineData("z=1/0")]
    [InlineData("z=NaN")]
    public void Bad_planes_are_refused_with_the_text(string text)
    {
        var e = Assert.Throws<FormatException>(() => CellPlane.Parse(text));
        Assert.Contains($"'{text}'", e.Message);
    }

    [Fact]
    public void Slice_samples_the_plane_in_cyclic_axis_order()
    {
        var setting = SpaceGroups.Standard(14);
        var wave = PlaneWaveExpansion.Create(setting, 1, 2, 3);
        var plane = CellPlane.Parse("y=0.3");
        var slice = BasisSlice.Compute(wave, plane, 5, 2);
        Assert.Equal(2.0, slice.Coordinate(4));
        // y fixed: horizontal is z, vertical is x.
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                var expected = SymmetrisedPlaneWave.EvaluateDirect(setting.Operations(), 1, 2, 3, slice.Coordinate(j), 0.3, slice.Coordinate(i));
                Assert.True((slice[i, j] - expected).Magnitude < 1e-12);
            }
        Assert.Throws<ArgumentOutOfRangeException>(() => BasisSlice.Compute(wave, plane, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => BasisSlice.Compute(wave, plane, 10, 0));
    }
}
