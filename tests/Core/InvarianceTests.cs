using System;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Core;

/// <summary>The compile-time basis is G-invariant and equals the definition, for every setting.</summary>
public class InvarianceTests
{
    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Every_basis_function_is_invariant_under_every_operation(int index)
    {
        var setting = SpaceGroups.Get(index);
        var ops = setting.Operations();
        var table = setting.Basis;
        foreach (var p in TestData.RandomPoints(1000 + index, 3))
        {
            var at = BasisTestSupport.TableValues(table, BasisTestSupport.PlaneWaves(p[0], p[1], p[2]));
            foreach (var g in ops)
            {
                g.Apply(p[0], p[1], p[2], out double x, out double y, out double z);
                var moved = BasisTestSupport.TableValues(table, BasisTestSupport.PlaneWaves(x, y, z));
                foreach (var (f, value) in at)
                    Assert.True((moved[f] - value).Magnitude < 1e-12,
                        $"{setting}: S{BasisTestSupport.Frequency(f)} changes under {g.ToXyz()}: {value} → {moved[f]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Table_values_equal_the_direct_sum_over_operations(int index)
    {
        var setting = SpaceGroups.Get(index);
        var ops = setting.Operations();
        var table = setting.Basis;
        var p = TestData.RandomPoints(5000 + index, 1)[0];
        var values = BasisTestSupport.TableValues(table, BasisTestSupport.PlaneWaves(p[0], p[1], p[2]));
        var members = table.AllMembers;
        for (int m = 0; m < members.Length; m++)
        {
            var (h, k, l) = BasisTestSupport.Frequency(members[m]);
            var direct = SymmetrisedPlaneWave.EvaluateDirect(ops, h, k, l, p[0], p[1], p[2]);
            var fromTable = values.TryGetValue(members[m], out var v) ? v : System.Numerics.Complex.Zero;
            Assert.True((direct - fromTable).Magnitude < 1e-12, $"{setting}: S({h} {k} {l}) table {fromTable} vs direct {direct}");
        }
    }

    [Theory]
    [InlineData("P6_3/mmc")]
    [InlineData("R-3m")]
    [InlineData("Fd-3m:1")]
    [InlineData("P2_1/c")]
    public void Runtime_evaluator_matches_the_direct_sum(string symbol)
    {
        var setting = SpaceGroups.Find(symbol);
        var ops = setting.Operations();
        var rng = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            int h = rng.Next(-6, 7), k = rng.Next(-6, 7), l = rng.Next(-6, 7);
            double x = rng.NextDouble() * 4 - 2, y = rng.NextDouble(), z = rng.NextDouble();
            var a = SymmetrisedPlaneWave.Evaluate(setting, h, k, l, x, y, z);
            var b = SymmetrisedPlaneWave.EvaluateDirect(ops, h, k, l, x, y, z);
            Assert.True((a - b).Magnitude < 1e-12, $"{symbol} ({h} {k} {l}) at ({x} {y} {z}): {a} vs {b}");
        }
    }

    [Fact]
    public void Hexagonal_closure_keeps_orbits_that_leave_the_cube()
    {
        // DESIGN.md: keeping only orbits inside the cube gives 24 for P6/mmm at K=3; the closure gives 40.
        var basis = OrbitBasisBuilder.Build(SpaceGroups.Find("P6/mmm").Operations(), 3);
        Assert.Equal(40, basis.NonExtinctOrbitCount);
        Assert.True(basis.ClosureSize > 7 * 7 * 7);
    }

    [Fact]
    public void In_P1_every_frequency_is_its_own_orbit_and_the_basis_is_the_plane_wave()
    {
        var table = SpaceGroups.Find("P1").Basis;
        Assert.Equal(729, table.OrbitCount);
        Assert.Equal(729, table.NonExtinctOrbitCount);
        var v = SymmetrisedPlaneWave.Evaluate(SpaceGroups.Find("P1"), 2, -1, 3, 0.1, 0.2, 0.3);
        double t = 2 * 0.1 - 0.2 + 3 * 0.3;
        Assert.True((v - BasisTestSupport.Phase(t)).Magnitude < 1e-14);
    }

    [Fact]
    public void Phase_sign_follows_the_convention_exp_plus_2_pi_i_h_dot_t()
    {
        // P4_1: g = (-y, x, z+1/4), Aᵀ(1,0,1) = (0,-1,1), h·t = 1/4, so S(0,-1,1) = exp(−2πi/4) S(1,0,1) = −i S(1,0,1).
        // A flipped sign would give +i: the phase is 3/4 of a turn, not 1/4.
        var s = SpaceGroups.Find("P4_1");
        var a = SymmetrisedPlaneWave.EvaluateDirect(s.Operations(), 1, 0, 1, 0.13, 0.29, 0.71);
        var b = SymmetrisedPlaneWave.EvaluateDirect(s.Operations(), 0, -1, 1, 0.13, 0.29, 0.71);
        Assert.True((b - new System.Numerics.Complex(0, -1) * a).Magnitude < 1e-14);
        Assert.True(a.Magnitude > 1e-3);
        var table = s.Basis;
        int orbit = Enumerable.Range(0, table.OrbitCount).Single(o => table.Members(o).ToArray().Contains((ushort)FrequencyTable.IndexOf(1, 0, 1)));
        var members = table.Members(orbit).ToArray();
        Assert.Equal(FrequencyTable.IndexOf(1, 0, 1), members[0]);
        int position = Array.IndexOf(members, (ushort)FrequencyTable.IndexOf(0, -1, 1));
        Assert.Equal(3 * table.PhaseDenominator / 4, table.Phases(orbit)[position]);
    }
}
