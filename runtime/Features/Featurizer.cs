using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading;
using System.Threading.Tasks;
using CftRuntime.Basis;
using CftRuntime.Crystals;
using CftRuntime.Tables;

namespace CftRuntime.Features;

/// <summary>Features of many structures: one row per unique site, rows of structure i in [SiteStart[i], SiteStart[i+1]).</summary>
/// <param name="Features">float32 [total sites, FeatureCount], row-major.</param>
/// <param name="SiteStart">Row offsets per structure, length = structures + 1.</param>
/// <param name="FeatureCount">Columns per row.</param>
public sealed record FeatureBatch(float[] Features, int[] SiteStart, int FeatureCount);

/// <summary>
/// G-invariant Fourier features: for each site x, S_h(x) for the frequencies of a <see cref="FeatureLayout"/>
/// (the same columns for every space group), computed from the symmetry's orbit table. Thread-safe;
/// plans are built once per setting and cached; the hot path does not allocate.
/// </summary>
public sealed class Featurizer
{
    private readonly FeaturePlan?[] _settingPlans = new FeaturePlan?[SpaceGroups.Count];
    private readonly ConditionalWeakTable<CrystalSymmetry, FeaturePlan> _customPlans = new();

    /// <summary>Creates a featurizer for <paramref name="layout"/> (default: the compiled cutoff).</summary>
    public Featurizer(FeatureLayout? layout = null, FeaturizerKernel kernel = FeaturizerKernel.Auto)
    {
        Layout = layout ?? FeatureLayout.Default;
        Kernel = Resolve(kernel);
    }

    /// <summary>The column layout.</summary>
    public FeatureLayout Layout { get; }

    /// <summary>The kernel in use.</summary>
    public FeaturizerKernel Kernel { get; }

    /// <summary>Columns per site.</summary>
    public int FeatureCount => Layout.FeatureCount;

    /// <summary>
    /// Features of fractional positions (x, y, z triples) under a symmetry into
    /// <paramref name="output"/> (positions/3 rows of <see cref="FeatureCount"/> floats).
    /// </summary>
    public void Featurize(CrystalSymmetry symmetry, ReadOnlySpan<double> positions, Span<float> output)
    {
        if (positions.Length % 3 != 0) throw new ArgumentException("positions must hold x, y, z triples", nameof(positions));
        int sites = positions.Length / 3;
        if (output.Length < sites * FeatureCount) throw new ArgumentException($"output holds {output.Length} floats, {sites * FeatureCount} needed", nameof(output));
        foreach (double v in positions) if (!double.IsFinite(v)) throw new ArgumentException("positions must be finite", nameof(positions));
        var plan = PlanFor(symmetry);
        switch (Kernel)
        {
            case FeaturizerKernel.Vector256: FeatureKernels.Vector(plan, positions, output, FeatureCount); break;
            default: FeatureKernels.Scalar(plan, positions, output, FeatureCount); break;
        }
    }

    /// <summary>Features of a crystal's unique sites: float32 [sites, FeatureCount].</summary>
    public float[] Featurize(Crystal crystal)
    {
        var positions = new double[3 * crystal.Sites.Count];
        for (int i = 0; i < crystal.Sites.Count; i++)
        {
            positions[3 * i] = crystal.Sites[i].X;
            positions[3 * i + 1] = crystal.Sites[i].Y;
            positions[3 * i + 2] = crystal.Sites[i].Z;
        }
        var output = new float[crystal.Sites.Count * FeatureCount];
        Featurize(crystal.Symmetry, positions, output);
        return output;
    }

    /// <summary>Features of many crystals, optionally in parallel; rows in input order.</summary>
    public FeatureBatch FeaturizeBatch(IReadOnlyList<Crystal> crystals, int maxDegreeOfParallelism = 1)
    {
        var start = new int[crystals.Count + 1];
        for (int i = 0; i < crystals.Count; i++) start[i + 1] = start[i] + crystals[i].Sites.Count;
        var features = new float[(long)start[crystals.Count] * FeatureCount];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) };
        Parallel.For(0, crystals.Count, options, () => new double[48], (i, _, positions) =>
        {
            var c = crystals[i];
            if (positions.Length < 3 * c.Sites.Count) positions = new double[3 * c.Sites.Count];
            for (int s = 0; s < c.Sites.Count; s++)
            {
                positions[3 * s] = c.Sites[s].X;
                positions[3 * s + 1] = c.Sites[s].Y;
                positions[3 * s + 2] = c.Sites[s].Z;
            }
            Featurize(c.Symmetry, positions.AsSpan(0, 3 * c.Sites.Count), features.AsSpan(start[i] * FeatureCount, c.Sites.Count * FeatureCount));
            return positions;
        }, _ => { });
        return new FeatureBatch(features, start, FeatureCount);
    }

    private FeaturePlan PlanFor(CrystalSymmetry symmetry)
    {
        if (symmetry.Setting is { } setting)
        {
            var plan = Volatile.Read(ref _settingPlans[setting.Index]);
            if (plan is not null) return plan;
            var basis = Layout.Cutoff <= SpaceGroups.Cutoff
                ? BasisDescription.FromTable(setting.Basis)
                : BasisDescription.FromBasis(OrbitBasisBuilder.Build(symmetry.Operations, Layout.Cutoff));
            plan = FeaturePlan.Build(basis, Layout, HasInversionAtOrigin(symmetry.Operations));
            return Interlocked.CompareExchange(ref _settingPlans[setting.Index], plan, null) ?? plan;
        }
        return _customPlans.GetValue(symmetry, s => FeaturePlan.Build(BasisDescription.FromBasis(OrbitBasisBuilder.Build(s.Operations, Layout.Cutoff)), Layout, HasInversionAtOrigin(s.Operations)));
    }

    private static bool HasInversionAtOrigin(IReadOnlyList<SymmetryOperation> operations)
    {
        foreach (var g in operations)
        {
            bool inversion = g.T(0) == 0 && g.T(1) == 0 && g.T(2) == 0;
            for (int r = 0; r < 3 && inversion; r++)
                for (int c = 0; c < 3 && inversion; c++) inversion = g.R(r, c) == (r == c ? -1 : 0);
            if (inversion) return true;
        }
        return false;
    }

    private static FeaturizerKernel Resolve(FeaturizerKernel kernel)
    {
        if (kernel == FeaturizerKernel.Auto)
        {
            string? env = Environment.GetEnvironmentVariable("CFT_FEATURIZER_KERNEL");
            if (string.Equals(env, "scalar", StringComparison.OrdinalIgnoreCase)) return FeaturizerKernel.Scalar;
            if (string.Equals(env, "vector256", StringComparison.OrdinalIgnoreCase)) return FeaturizerKernel.Vector256;
            return Vector256.IsHardwareAccelerated ? FeaturizerKernel.Vector256 : FeaturizerKernel.Scalar;
        }
        return kernel;
    }
}
