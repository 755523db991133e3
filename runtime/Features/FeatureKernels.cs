using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CftRuntime.Features;

/// <summary>The instruction-set paths of the featurizer.</summary>
public enum FeaturizerKernel
{
    /// <summary>The fastest path this CPU supports (override with the environment variable CFT_FEATURIZER_KERNEL=scalar|vector256).</summary>
    Auto,
    /// <summary>Portable double-precision path, one site at a time.</summary>
    Scalar,
    /// <summary>Four sites at a time in Vector256&lt;double&gt; (AVX2 + FMA).</summary>
    Vector256,
}

/// <summary>Per-thread scratch buffers, grown on demand, so the hot path does not allocate.</summary>
internal sealed class KernelScratch
{
    [ThreadStatic] private static KernelScratch? t_instance;

    public Vector256<double>[] Axis = Array.Empty<Vector256<double>>();
    public Vector256<double>[] Pairs = Array.Empty<Vector256<double>>();
    public Vector256<double>[] Orbits = Array.Empty<Vector256<double>>();
    public double[] AxisScalar = Array.Empty<double>();
    public double[] PairsScalar = Array.Empty<double>();
    public double[] OrbitsScalar = Array.Empty<double>();

    public static KernelScratch For(FeaturePlan plan)
    {
        var s = t_instance ??= new KernelScratch();
        int axis = 3 * 2 * (2 * plan.MaxIndex + 1), pairs = 2 * plan.PairH0.Length, orbits = 2 * plan.OrbitCount;
        if (s.Axis.Length < axis) { s.Axis = new Vector256<double>[axis]; s.AxisScalar = new double[axis]; }
        if (s.Pairs.Length < pairs) { s.Pairs = new Vector256<double>[pairs]; s.PairsScalar = new double[pairs]; }
        if (s.Orbits.Length < orbits) { s.Orbits = new Vector256<double>[orbits]; s.OrbitsScalar = new double[orbits]; }
        return s;
    }
}

/// <summary>
/// The featurizer kernels. Separable plane waves: e(n x_i) for |n| ≤ M per axis from one sincos and
/// powers; e(h0 x + h1 y) once per needed pair; each orbit member is pair × e(h2 z) times its
/// conjugate phase, summed per orbit; each output column is its orbit value times the column's phase.
/// </summary>
internal static class FeatureKernels
{
    [SkipLocalsInit]
    public static void Scalar(FeaturePlan plan, ReadOnlySpan<double> positions, Span<float> output, int featureCount)
    {
        var s = KernelScratch.For(plan);
        int m = plan.MaxIndex, width = 2 * m + 1;
        var axis = s.AxisScalar;
        var pairs = s.PairsScalar;
        var orbits = s.OrbitsScalar;
        int sites = positions.Length / 3;
        for (int site = 0; site < sites; site++)
        {
            for (int a = 0; a < 3; a++)
            {
                double t = positions[3 * site + a];
                t -= Math.Floor(t);
                var (sn, cs) = Math.SinCos(2 * Math.PI * t);
                int b = 2 * width * a + 2 * m;
                axis[b] = 1; axis[b + 1] = 0;
                for (int n = 1; n <= m; n++)
                {
                    double pr = axis[b + 2 * (n - 1)], pi = axis[b + 2 * (n - 1) + 1];
                    double r = pr * cs - pi * sn, i = pr * sn + pi * cs;
                    axis[b + 2 * n] = r; axis[b + 2 * n + 1] = i;
                    axis[b - 2 * n] = r; axis[b - 2 * n + 1] = -i;
                }
            }
            int yBase = 2 * width, zBase = 4 * width;
            for (int p = 0; p < plan.PairH0.Length; p++)
            {
                double ar = axis[2 * plan.PairH0[p]], ai = axis[2 * plan.PairH0[p] + 1];
                double br = axis[yBase + 2 * plan.PairH1[p]], bi = axis[yBase + 2 * plan.PairH1[p] + 1];
                pairs[2 * p] = ar * br - ai * bi;
                pairs[2 * p + 1] = ar * bi + ai * br;
            }
            for (int o = 0; o < plan.OrbitCount; o++)
            {
                double accR = 0, accI = 0;
                for (int k = plan.OrbitStart[o]; k < plan.OrbitStart[o + 1]; k++)
                {
                    int p = 2 * plan.MemberPair[k], z = zBase + 2 * plan.MemberZ[k];
                    double wr = pairs[p] * axis[z] - pairs[p + 1] * axis[z + 1];
                    double wi = pairs[p] * axis[z + 1] + pairs[p + 1] * axis[z];
                    double c = plan.MemberCos[k], sn = plan.MemberSin[k];
                    accR += wr * c - wi * sn;
                    accI += wr * sn + wi * c;
                }
                orbits[2 * o] = accR * plan.OrbitScale[o];
                orbits[2 * o + 1] = accI * plan.OrbitScale[o];
            }
            var row = output.Slice(site * featureCount, featureCount);
            for (int j = 0; j < plan.OutputOrbit.Length; j++)
            {
                int o = plan.OutputOrbit[j];
                if (o < 0) { row[2 * j] = 0; row[2 * j + 1] = 0; continue; }
                double vr = orbits[2 * o], vi = orbits[2 * o + 1], c = plan.OutputCos[j], sn = plan.OutputSin[j];
                row[2 * j] = (float)(vr * c - vi * sn);
                row[2 * j + 1] = (float)(vr * sn + vi * c);
            }
        }
    }

    [SkipLocalsInit]
    public static void Vector(FeaturePlan plan, ReadOnlySpan<double> positions, Span<float> output, int featureCount)
    {
        var s = KernelScratch.For(plan);
        int m = plan.MaxIndex, width = 2 * m + 1;
        var axis = s.Axis;
        var pairs = s.Pairs;
        var orbits = s.Orbits;
        int sites = positions.Length / 3;
        Span<double> c4 = stackalloc double[4];
        Span<double> s4 = stackalloc double[4];
        for (int first = 0; first < sites; first += 4)
        {
            int lanes = Math.Min(4, sites - first);
            for (int a = 0; a < 3; a++)
            {
                for (int lane = 0; lane < 4; lane++)
                {
                    double t = positions[3 * (first + Math.Min(lane, lanes - 1)) + a];
                    t -= Math.Floor(t);
                    (s4[lane], c4[lane]) = Math.SinCos(2 * Math.PI * t);
                }
                var cs = Vector256.Create(c4[0], c4[1], c4[2], c4[3]);
                var sn = Vector256.Create(s4[0], s4[1], s4[2], s4[3]);
                int b = 2 * width * a + 2 * m;
                axis[b] = Vector256<double>.One; axis[b + 1] = Vector256<double>.Zero;
                for (int n = 1; n <= m; n++)
                {
                    var pr = axis[b + 2 * (n - 1)];
                    var pi = axis[b + 2 * (n - 1) + 1];
                    var r = pr * cs - pi * sn;
                    var i = pr * sn + pi * cs;
                    axis[b + 2 * n] = r; axis[b + 2 * n + 1] = i;
                    axis[b - 2 * n] = r; axis[b - 2 * n + 1] = -i;
                }
            }
            int yBase = 2 * width, zBase = 4 * width;
            for (int p = 0; p < plan.PairH0.Length; p++)
            {
                var ar = axis[2 * plan.PairH0[p]];
                var ai = axis[2 * plan.PairH0[p] + 1];
                var br = axis[yBase + 2 * plan.PairH1[p]];
                var bi = axis[yBase + 2 * plan.PairH1[p] + 1];
                pairs[2 * p] = ar * br - ai * bi;
                pairs[2 * p + 1] = ar * bi + ai * br;
            }
            for (int o = 0; o < plan.OrbitCount; o++)
            {
                var accR = Vector256<double>.Zero;
                var accI = Vector256<double>.Zero;
                for (int k = plan.OrbitStart[o]; k < plan.OrbitStart[o + 1]; k++)
                {
                    int p = 2 * plan.MemberPair[k], z = zBase + 2 * plan.MemberZ[k];
                    var pr = pairs[p];
                    var pi = pairs[p + 1];
                    var zr = axis[z];
                    var zi = axis[z + 1];
                    var wr = pr * zr - pi * zi;
                    var wi = pr * zi + pi * zr;
                    var c = Vector256.Create(plan.MemberCos[k]);
                    var sk = Vector256.Create(plan.MemberSin[k]);
                    accR += wr * c - wi * sk;
                    accI += wr * sk + wi * c;
                }
                var scale = Vector256.Create(plan.OrbitScale[o]);
                orbits[2 * o] = accR * scale;
                orbits[2 * o + 1] = accI * scale;
            }
            for (int j = 0; j < plan.OutputOrbit.Length; j++)
            {
                int o = plan.OutputOrbit[j];
                int col = (first * featureCount) + 2 * j;
                if (o < 0)
                {
                    for (int lane = 0; lane < lanes; lane++) { output[col + lane * featureCount] = 0; output[col + lane * featureCount + 1] = 0; }
                    continue;
                }
                var c = Vector256.Create(plan.OutputCos[j]);
                var sj = Vector256.Create(plan.OutputSin[j]);
                var vr = orbits[2 * o] * c - orbits[2 * o + 1] * sj;
                var vi = orbits[2 * o] * sj + orbits[2 * o + 1] * c;
                for (int lane = 0; lane < lanes; lane++)
                {
                    output[col + lane * featureCount] = (float)vr.GetElement(lane);
                    output[col + lane * featureCount + 1] = (float)vi.GetElement(lane);
                }
            }
        }
    }
}
