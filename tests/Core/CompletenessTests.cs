using System;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;
using MathNet.Numerics.LinearAlgebra;
using Xunit;
using Complex = System.Numerics.Complex;

namespace CftRuntime.Tests.Core;

/// <summary>
/// The basis is complete: its size equals the dimension of the G-invariant subspace of the closed
/// frequency set, i.e. the trace and the rank of the Reynolds projector P = (1/|G|) Σ_g M_g, where
/// (M_g)_{Aᵀh, h} = exp(2πi h·t_g) is the action of g on plane-wave coefficients.
/// </summary>
public class CompletenessTests
{
    private static List<(int, int, int)> Closure(OrbitTable table) =>
        table.AllMembers.ToArray().Select(f => BasisTestSupport.Frequency(f)).ToList();

    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Non_extinct_orbit_count_equals_the_trace_of_the_Reynolds_projector(int index)
    {
        var setting = SpaceGroups.Get(index);
        var closure = Closure(setting.Basis);
        Complex trace = Complex.Zero;
        foreach (var g in setting.Operations())
            foreach (var (h, k, l) in closure)
            {
                int h2 = g.R(0, 0) * h + g.R(1, 0) * k + g.R(2, 0) * l;
                int k2 = g.R(0, 1) * h + g.R(1, 1) * k + g.R(2, 1) * l;
                int l2 = g.R(0, 2) * h + g.R(1, 2) * k + g.R(2, 2) * l;
                if (h2 == h && k2 == k && l2 == l)
                    trace += BasisTestSupport.Phase(h * g.TranslationValue(0) + k * g.TranslationValue(1) + l * g.TranslationValue(2));
            }
        trace /= setting.Order;
        Assert.True(Math.Abs(trace.Imaginary) < 1e-9);
        Assert.Equal(setting.Basis.NonExtinctOrbitCount, (int)Math.Round(trace.Real));
        Assert.True(Math.Abs(trace.Real - Math.Round(trace.Real)) < 1e-9);
    }

    /// <summary>Rank of the dense projector (MathNet SVD) at K = 2 for every setting, built by the runtime from the operations.</summary>
    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Non_extinct_orbit_count_equals_the_rank_of_the_Reynolds_projector_at_K2(int index)
    {
        var ops = SpaceGroups.Get(index).Operations();
        var basis = OrbitBasisBuilder.Build(ops, 2);
        Assert.Equal(basis.NonExtinctOrbitCount, ProjectorRank(ops, basis));
    }

    [Theory]
    [InlineData("P6_3/mmc")]
    [InlineData("Fd-3m")]
    [InlineData("Ia-3d")]
    [InlineData("R-3m")]
    public void Rank_at_the_compiled_cutoff(string symbol)
    {
        var setting = SpaceGroups.Find(symbol);
        var basis = OrbitBasisBuilder.Build(setting.Operations(), SpaceGroups.Cutoff);
        Assert.Equal(setting.Basis.NonExtinctOrbitCount, ProjectorRank(setting.Operations(), basis));
    }

    private static int ProjectorRank(IReadOnlyList<SymmetryOperation> ops, OrbitBasis basis)
    {
        int n = basis.ClosureSize;
        var index = new Dictionary<(int, int, int), int>();
        for (int i = 0; i < n; i++) index[(basis.Frequency(i, 0), basis.Frequency(i, 1), basis.Frequency(i, 2))] = i;
        var p = Matrix<Complex>.Build.Dense(n, n);
        foreach (var g in ops)
            for (int i = 0; i < n; i++)
            {
                int h = basis.Frequency(i, 0), k = basis.Frequency(i, 1), l = basis.Frequency(i, 2);
                int target = index[(g.R(0, 0) * h + g.R(1, 0) * k + g.R(2, 0) * l, g.R(0, 1) * h + g.R(1, 1) * k + g.R(2, 1) * l, g.R(0, 2) * h + g.R(1, 2) * k + g.R(2, 2) * l)];
                p[target, i] += BasisTestSupport.Phase(h * g.TranslationValue(0) + k * g.TranslationValue(1) + l * g.TranslationValue(2)) / ops.Count;
            }
        // P is a projector: P² = P (checks the group action is consistent), and its rank counts the invariants.
        Assert.True((p * p - p).FrobeniusNorm() < 1e-9);
        var singular = p.Svd(computeVectors: false).S;
        return singular.Count(s => s.Magnitude > 1e-8);
    }

    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Runtime_built_table_equals_the_generated_one(int index)
    {
        var setting = SpaceGroups.Get(index);
        var generated = BasisDescription.FromTable(setting.Basis);
        var runtime = BasisDescription.FromBasis(OrbitBasisBuilder.Build(setting.Operations(), SpaceGroups.Cutoff));
        Assert.Equal(runtime.ClosureSize, generated.ClosureSize);
        Assert.Equal(runtime.Extinct, generated.Extinct);
        Assert.Equal(runtime.Orbits.Count, generated.Orbits.Count);
        for (int o = 0; o < runtime.Orbits.Count; o++)
        {
            Assert.Equal(runtime.Orbits[o].Members, generated.Orbits[o].Members);
            Assert.Equal(runtime.Orbits[o].Phases, generated.Orbits[o].Phases);
        }
    }
}
