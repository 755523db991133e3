using System;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CftRuntime.Features;

/// <summary>The instruction-set paths of the featurizer.</summary>
public enum FeaturizerKernel
{
    /// <summary>The fastest path this CPU supports (override with the environment variable CFT_FEATURIZER_KERNEL=scalar|vector256).</summary>
    Auto,
    /// <summary>Portable double-precision path, one site at a time.</summary>
    Scalar,
    /// <summary>
    /// Eight sites at a time in Vector256&lt;float&gt; (AVX2 + FMA): plane-wave powers in double, sums in
    /// single precision; features within about 3e-7 of the exact value (the scalar kernel: 6e-8).
    /// </summary>
    Vector256,
}

/// <summary>Per-thread scratch buffers, grown on demand, so the hot path does not allocate.</summary>
internal sealed class KernelScratch
{
    [ThreadStatic] private static KernelScratch? t_instance;

    public double[] AxisScalar = Array.Empty<double>();
    public double[] PairsScalar = Array.Empty<double>();
    public double[] OrbitsScalar = Array.Empty<double>();
    public Vector256<float>[] AxisF = Array.Empty<Vector256<float>>();
    public Vector256<float>[] PairsF = Array.Empty<Vector256<float>>();
    public Vector256<float>[] OrbitsF = Array.Empty<Vector256<float>>();
    public Vector256<float>[] ColumnsF = Array.Empty<Vector256<float>>();

    public static KernelScratch For(FeaturePlan plan)
    {
        var s = t_instance ??= new KernelScratch();
        int axis = 3 * 2 * (2 * plan.MaxIndex + 1), pairs = 2 * plan.PairH0.Length, orbits = 2 * plan.OrbitCount;
        if (s.AxisScalar.Length < axis) { s.AxisScalar = new double[axis]; s.AxisF = new Vector256<float>[axis]; }
        if (s.PairsScalar.Length < pairs) { s.PairsScalar = new double[pairs]; s.PairsF = new Vector256<float>[pairs]; }
        if (s.OrbitsScalar.Length < orbits) { s.OrbitsScalar = new double[orbits]; s.OrbitsF = new Vector256<float>[orbits]; }
        if (s.ColumnsF.Length < 2 * plan.OutputOrbit.Length + 8) s.ColumnsF = new Vector256<float>[2 * plan.OutputOrbit.Length + 8];
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
                orbits[2 * o + 1] = plan.RealValued ? 0 : accI * plan.OrbitScale[o];
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
        int sites = positions.Length / 3;
        ref Vector256<float> axis = ref MemoryMarshal.GetArrayDataReference(s.AxisF);
        ref Vector256<float> pairs = ref MemoryMarshal.GetArrayDataReference(s.PairsF);
        ref Vector256<float> orbits = ref MemoryMarshal.GetArrayDataReference(s.OrbitsF);
        ref int pairH0 = ref MemoryMarshal.GetArrayDataReference(plan.PairH0);
        ref int pairH1 = ref MemoryMarshal.GetArrayDataReference(plan.PairH1);
        ref int memberPair = ref MemoryMarshal.GetArrayDataReference(plan.MemberPair);
        ref int memberZ = ref MemoryMarshal.GetArrayDataReference(plan.MemberZ);
        ref float memberCos = ref MemoryMarshal.GetArrayDataReference(plan.MemberCosF);
        ref float memberSin = ref MemoryMarshal.GetArrayDataReference(plan.MemberSinF);
        ref int orbitStart = ref MemoryMarshal.GetArrayDataReference(plan.OrbitStart);
        ref float orbitScale = ref MemoryMarshal.GetArrayDataReference(plan.OrbitScaleF);
        ref int outputOrbit = ref MemoryMarshal.GetArrayDataReference(plan.OutputOrbit);
        ref float outputCos = ref MemoryMarshal.GetArrayDataReference(plan.OutputCosF);
        ref float outputSin = ref MemoryMarshal.GetArrayDataReference(plan.OutputSinF);
        ref bool phaseFree = ref MemoryMarshal.GetArrayDataReference(plan.OrbitPhaseFree);
        int pairCount = plan.PairH0.Length, orbitCount = plan.OrbitCount;
        bool realValued = plan.RealValued;
        Span<double> angles = stackalloc double[24];
        Span<double> cos24 = stackalloc double[24];
        Span<double> sin24 = stackalloc double[24];
        Span<float> tail = stackalloc float[16];
        for (int first = 0; first < sites; first += 8)
        {
            int lanes = Math.Min(8, sites - first);
            for (int a = 0; a < 3; a++)
                for (int lane = 0; lane < 8; lane++)
                {
                    double t = positions[3 * (first + Math.Min(lane, lanes - 1)) + a];
                    angles[8 * a + lane] = 2 * Math.PI * (t - Math.Floor(t));
                }
            // Vectorised cos/sin of the 24 base angles (System.Numerics.Tensors).
            TensorPrimitives.Cos(angles, cos24);
            TensorPrimitives.Sin(angles, sin24);
            for (int a = 0; a < 3; a++)
            {
                var c8 = cos24.Slice(8 * a, 8);
                var s8 = sin24.Slice(8 * a, 8);
                // Powers e(n x) in double (two 4-lane halves), rounded once to float.
                var cLo = Vector256.Create(c8[0], c8[1], c8[2], c8[3]);
                var sLo = Vector256.Create(s8[0], s8[1], s8[2], s8[3]);
                var cHi = Vector256.Create(c8[4], c8[5], c8[6], c8[7]);
                var sHi = Vector256.Create(s8[4], s8[5], s8[6], s8[7]);
                var rLo = Vector256<double>.One; var iLo = Vector256<double>.Zero;
                var rHi = Vector256<double>.One; var iHi = Vector256<double>.Zero;
                ref Vector256<float> e = ref Unsafe.Add(ref axis, 2 * width * a + 2 * m);
                e = Vector256<float>.One;
                Unsafe.Add(ref e, 1) = Vector256<float>.Zero;
                for (int n = 1; n <= m; n++)
                {
                    (rLo, iLo) = (Vector256.FusedMultiplyAdd(rLo, cLo, -(iLo * sLo)), Vector256.FusedMultiplyAdd(rLo, sLo, iLo * cLo));
                    (rHi, iHi) = (Vector256.FusedMultiplyAdd(rHi, cHi, -(iHi * sHi)), Vector256.FusedMultiplyAdd(rHi, sHi, iHi * cHi));
                    var r = Vector256.Narrow(rLo, rHi);
                    var i = Vector256.Narrow(iLo, iHi);
                    Unsafe.Add(ref e, 2 * n) = r;
                    Unsafe.Add(ref e, 2 * n + 1) = i;
                    Unsafe.Add(ref e, -2 * n) = r;
                    Unsafe.Add(ref e, -2 * n + 1) = -i;
                }
            }
            ref Vector256<float> ey = ref Unsafe.Add(ref axis, 2 * width);
            ref Vector256<float> ez = ref Unsafe.Add(ref axis, 4 * width);
            for (int p = 0; p < pairCount; p++)
            {
                int x0 = 2 * Unsafe.Add(ref pairH0, p), y0 = 2 * Unsafe.Add(ref pairH1, p);
                var ar = Unsafe.Add(ref axis, x0);
                var ai = Unsafe.Add(ref axis, x0 + 1);
                var br = Unsafe.Add(ref ey, y0);
                var bi = Unsafe.Add(ref ey, y0 + 1);
                Unsafe.Add(ref pairs, 2 * p) = Vector256.FusedMultiplyAdd(ar, br, -(ai * bi));
                Unsafe.Add(ref pairs, 2 * p + 1) = Vector256.FusedMultiplyAdd(ar, bi, ai * br);
            }
            for (int o = 0; o < orbitCount; o++)
            {
                var accR = Vector256<float>.Zero;
                var accI = Vector256<float>.Zero;
                int end = Unsafe.Add(ref orbitStart, o + 1);
                if (realValued)
                {
                    // Σ ± Re(pair · e(h2 z)) over the positive-half members; the phases are ±1.
                    for (int k = Unsafe.Add(ref orbitStart, o); k < end; k++)
                    {
                        int p = 2 * Unsafe.Add(ref memberPair, k), z = 2 * Unsafe.Add(ref memberZ, k);
                        var wr = Vector256.FusedMultiplyAdd(Unsafe.Add(ref pairs, p), Unsafe.Add(ref ez, z), -(Unsafe.Add(ref pairs, p + 1) * Unsafe.Add(ref ez, z + 1)));
                        accR = Vector256.FusedMultiplyAdd(wr, Vector256.Create(Unsafe.Add(ref memberCos, k)), accR);
                    }
                }
                else if (Unsafe.Add(ref phaseFree, o))
                {
                    int k0 = Unsafe.Add(ref orbitStart, o);
                    if (end - k0 == 1)
                    {
                        // A single member with phase 0 (every orbit of P1): the value is the plane wave itself.
                        int p1 = 2 * Unsafe.Add(ref memberPair, k0), z1 = 2 * Unsafe.Add(ref memberZ, k0);
                        var pr1 = Unsafe.Add(ref pairs, p1);
                        var pi1 = Unsafe.Add(ref pairs, p1 + 1);
                        var zr1 = Unsafe.Add(ref ez, z1);
                        var zi1 = Unsafe.Add(ref ez, z1 + 1);
                        Unsafe.Add(ref orbits, 2 * o) = Vector256.FusedMultiplyAdd(pr1, zr1, -(pi1 * zi1));
                        Unsafe.Add(ref orbits, 2 * o + 1) = Vector256.FusedMultiplyAdd(pr1, zi1, pi1 * zr1);
                        continue;
                    }
                    for (int k = k0; k < end; k++)
                    {
                        int p = 2 * Unsafe.Add(ref memberPair, k), z = 2 * Unsafe.Add(ref memberZ, k);
                        var pr = Unsafe.Add(ref pairs, p);
                        var pi = Unsafe.Add(ref pairs, p + 1);
                        var zr = Unsafe.Add(ref ez, z);
                        var zi = Unsafe.Add(ref ez, z + 1);
                        accR += Vector256.FusedMultiplyAdd(pr, zr, -(pi * zi));
                        accI += Vector256.FusedMultiplyAdd(pr, zi, pi * zr);
                    }
                }
                else
                {
                    for (int k = Unsafe.Add(ref orbitStart, o); k < end; k++)
                    {
                        int p = 2 * Unsafe.Add(ref memberPair, k), z = 2 * Unsafe.Add(ref memberZ, k);
                        var pr = Unsafe.Add(ref pairs, p);
                        var pi = Unsafe.Add(ref pairs, p + 1);
                        var zr = Unsafe.Add(ref ez, z);
                        var zi = Unsafe.Add(ref ez, z + 1);
                        var wr = Vector256.FusedMultiplyAdd(pr, zr, -(pi * zi));
                        var wi = Vector256.FusedMultiplyAdd(pr, zi, pi * zr);
                        var c = Vector256.Create(Unsafe.Add(ref memberCos, k));
                        var sk = Vector256.Create(Unsafe.Add(ref memberSin, k));
                        accR = Vector256.FusedMultiplyAdd(wr, c, Vector256.FusedMultiplyAdd(-wi, sk, accR));
                        accI = Vector256.FusedMultiplyAdd(wr, sk, Vector256.FusedMultiplyAdd(wi, c, accI));
                    }
                }
                var scale = Vector256.Create(Unsafe.Add(ref orbitScale, o));
                Unsafe.Add(ref orbits, 2 * o) = accR * scale;
                Unsafe.Add(ref orbits, 2 * o + 1) = accI * scale;
            }
            if (plan.ColumnsAreOrbits)
            {
                WriteRows(ref orbits, 2 * plan.OutputOrbit.Length, output.Slice(first * featureCount, lanes * featureCount), featureCount, lanes, tail);
                continue;
            }
            // Stage every column as (re, im) vectors over the 8 sites, then transpose 8×8 tiles into the rows.
            ref Vector256<float> cols = ref MemoryMarshal.GetArrayDataReference(s.ColumnsF);
            foreach (int j in plan.ExtinctColumns)
            {
                Unsafe.Add(ref cols, 2 * j) = Vector256<float>.Zero;
                Unsafe.Add(ref cols, 2 * j + 1) = Vector256<float>.Zero;
            }
            foreach (int j in plan.PlainColumns)
            {
                int o = 2 * Unsafe.Add(ref outputOrbit, j);
                Unsafe.Add(ref cols, 2 * j) = Unsafe.Add(ref orbits, o);
                Unsafe.Add(ref cols, 2 * j + 1) = Unsafe.Add(ref orbits, o + 1);
            }
            foreach (int j in plan.PhasedColumns)
            {
                int o = 2 * Unsafe.Add(ref outputOrbit, j);
                var c = Vector256.Create(Unsafe.Add(ref outputCos, j));
                var sj = Vector256.Create(Unsafe.Add(ref outputSin, j));
                var orr = Unsafe.Add(ref orbits, o);
                var oi = Unsafe.Add(ref orbits, o + 1);
                Unsafe.Add(ref cols, 2 * j) = Vector256.FusedMultiplyAdd(orr, c, -(oi * sj));
                Unsafe.Add(ref cols, 2 * j + 1) = Vector256.FusedMultiplyAdd(orr, sj, oi * c);
            }
            WriteRows(ref cols, 2 * plan.OutputOrbit.Length, output.Slice(first * featureCount, lanes * featureCount), featureCount, lanes, tail);
        }
    }

    /// <summary>
    /// Writes staged column vectors (vector v = float column v over 8 sites) into row-major rows:
    /// 8×8 tiles transposed with AVX shuffles and stored as whole 32-byte row segments.
    /// </summary>
    private static void WriteRows(ref Vector256<float> cols, int floatColumns, Span<float> rows, int stride, int lanes, Span<float> tail)
    {
        ref float row0 = ref MemoryMarshal.GetReference(rows);
        int v = 0;
        if (Avx.IsSupported)
        {
            Span<Vector256<float>> t = stackalloc Vector256<float>[8];
            for (; v + 8 <= floatColumns; v += 8)
            {
                Transpose8(ref Unsafe.Add(ref cols, v), t);
                if (lanes == 8)
                {
                    for (int lane = 0; lane < 8; lane++)
                        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row0, lane * stride + v)), t[lane]);
                }
                else
                {
                    for (int lane = 0; lane < lanes; lane++)
                        Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref row0, lane * stride + v)), t[lane]);
                }
            }
        }
        for (; v < floatColumns; v++)
        {
            Unsafe.Add(ref cols, v).CopyTo(tail);
            for (int lane = 0; lane < lanes; lane++) Unsafe.Add(ref row0, lane * stride + v) = tail[lane];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(ref Vector256<float> r, Span<Vector256<float>> output)
    {
        var t0 = Avx.UnpackLow(r, Unsafe.Add(ref r, 1));
        var t1 = Avx.UnpackHigh(r, Unsafe.Add(ref r, 1));
        var t2 = Avx.UnpackLow(Unsafe.Add(ref r, 2), Unsafe.Add(ref r, 3));
        var t3 = Avx.UnpackHigh(Unsafe.Add(ref r, 2), Unsafe.Add(ref r, 3));
        var t4 = Avx.UnpackLow(Unsafe.Add(ref r, 4), Unsafe.Add(ref r, 5));
        var t5 = Avx.UnpackHigh(Unsafe.Add(ref r, 4), Unsafe.Add(ref r, 5));
        var t6 = Avx.UnpackLow(Unsafe.Add(ref r, 6), Unsafe.Add(ref r, 7));
        var t7 = Avx.UnpackHigh(Unsafe.Add(ref r, 6), Unsafe.Add(ref r, 7));
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        output[0] = Avx.Permute2x128(u0, u4, 0x20);
        output[1] = Avx.Permute2x128(u1, u5, 0x20);
        output[2] = Avx.Permute2x128(u2, u6, 0x20);
        output[3] = Avx.Permute2x128(u3, u7, 0x20);
        output[4] = Avx.Permute2x128(u0, u4, 0x31);
        output[5] = Avx.Permute2x128(u1, u5, 0x31);
        output[6] = Avx.Permute2x128(u2, u6, 0x31);
        output[7] = Avx.Permute2x128(u3, u7, 0x31);
    }


    /// <summary>Writes lane i's (re, im) pair to row i: one 8-byte store per row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref float at, int stride, int lanes, Vector128<float> lo, Vector128<float> hi, Span<float> tail)
    {
        if (lanes == 4)
        {
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref at), lo.AsUInt64().ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref at, stride)), lo.AsUInt64().GetElement(1));
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref at, 2 * stride)), hi.AsUInt64().ToScalar());
            Unsafe.WriteUnaligned(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref at, 3 * stride)), hi.AsUInt64().GetElement(1));
            return;
        }
        lo.CopyTo(tail);
        hi.CopyTo(tail.Slice(4));
        for (int lane = 0; lane < lanes; lane++)
        {
            Unsafe.Add(ref at, lane * stride) = tail[2 * lane];
            Unsafe.Add(ref at, lane * stride + 1) = tail[2 * lane + 1];
        }
    }

}
