using System;
using System.Collections.Generic;
using CftRuntime.Basis;

namespace CftRuntime.Features;

/// <summary>
/// Flat arrays that drive the featurizer kernels for one symmetry: which (h0, h1) plane-wave pairs
/// to form, which members (pair × e(h2 z)) to sum per orbit with which conjugate phases, and which
/// orbit value and phase fills each output column pair. Built once per setting and cached.
/// </summary>
internal sealed class FeaturePlan
{
    /// <summary>Largest |h_i| among used members: axis tables span −MaxIndex..MaxIndex.</summary>
    public int MaxIndex;
    public int[] PairH0 = Array.Empty<int>();
    public int[] PairH1 = Array.Empty<int>();
    public int[] MemberPair = Array.Empty<int>();
    public int[] MemberZ = Array.Empty<int>();
    /// <summary>cos/sin of −2πφ for each member (e(−φ_m)).</summary>
    public double[] MemberCos = Array.Empty<double>();
    public double[] MemberSin = Array.Empty<double>();
    public int[] OrbitStart = Array.Empty<int>();
    public double[] OrbitScale = Array.Empty<double>();
    /// <summary>Per column pair: orbit index, or −1 when the frequency is extinct.</summary>
    public int[] OutputOrbit = Array.Empty<int>();
    /// <summary>cos/sin of +2πφ_h for each column pair (S_h = e(φ_h) S_first).</summary>
    public double[] OutputCos = Array.Empty<double>();
    public double[] OutputSin = Array.Empty<double>();

    /// <summary>
    /// The operations contain the inversion −x,−y,−z with t = 0, so every S_h is real and every orbit
    /// holds ±h with phases 0 or 1/2: only members with h in the positive half-space are kept, each
    /// orbit value is 2/|O| Σ ± Re e(h·x), and its imaginary part is 0.
    /// </summary>
    public bool RealValued;
    /// <summary>Per orbit: every member phase is 0 (the sum needs no phase factors).</summary>
    public bool[] OrbitPhaseFree = Array.Empty<bool>();
    /// <summary>Column pairs grouped for the vector kernel: extinct, phase 0 (value = orbit value), phased.</summary>
    public int[] ExtinctColumns = Array.Empty<int>();
    public int[] PlainColumns = Array.Empty<int>();
    public int[] PhasedColumns = Array.Empty<int>();

    /// <summary>Single-precision copies of the phases and scales for the 8-lane float kernel.</summary>
    public float[] MemberCosF = Array.Empty<float>();
    public float[] MemberSinF = Array.Empty<float>();
    public float[] OrbitScaleF = Array.Empty<float>();
    public float[] OutputCosF = Array.Empty<float>();
    public float[] OutputSinF = Array.Empty<float>();

    /// <summary>Column pair j is exactly orbit j with phase 0 (P1 and other groups without phases): the orbit buffer is the column buffer.</summary>
    public bool ColumnsAreOrbits;

    public int OrbitCount => OrbitScale.Length;

    public static FeaturePlan Build(BasisDescription basis, FeatureLayout layout, bool inversionAtOrigin)
    {
        // Which orbit (and member phase) holds each layout frequency.
        var where = new Dictionary<(int, int, int), (int Orbit, int P, int N)>();
        for (int o = 0; o < basis.Orbits.Count; o++)
        {
            var orbit = basis.Orbits[o];
            for (int m = 0; m < orbit.Members.Count; m++)
                where[orbit.Members[m]] = (o, orbit.Phases[m].P, orbit.Phases[m].N);
        }
        var plan = new FeaturePlan { RealValued = inversionAtOrigin };
        var used = new Dictionary<int, int>(); // basis orbit → plan orbit
        int columns = layout.FrequencyCount;
        plan.OutputOrbit = new int[columns];
        plan.OutputCos = new double[columns];
        plan.OutputSin = new double[columns];
        for (int j = 0; j < columns; j++)
        {
            var h = layout.Frequency(j);
            if (!where.TryGetValue(h, out var w))
            {
                if (Math.Max(Math.Abs(h.H), Math.Max(Math.Abs(h.K), Math.Abs(h.L))) > basis.Cutoff)
                    throw new ArgumentException($"feature layout K={layout.Cutoff} needs frequencies beyond the basis cutoff {basis.Cutoff}");
                plan.OutputOrbit[j] = -1; // extinct: S_h ≡ 0
                continue;
            }
            if (!used.TryGetValue(w.Orbit, out int po)) { po = used.Count; used[w.Orbit] = po; }
            plan.OutputOrbit[j] = po;
            (plan.OutputCos[j], plan.OutputSin[j]) = Turn(w.P, w.N);
        }

        var pairIndex = new Dictionary<(int, int), int>();
        var pairH0 = new List<int>();
        var pairH1 = new List<int>();
        var memberPair = new List<int>();
        var memberZ = new List<int>();
        var memberCos = new List<double>();
        var memberSin = new List<double>();
        var orbitStart = new List<int> { 0 };
        var orbitScale = new double[used.Count];
        var order = new int[used.Count];
        foreach (var kv in used) order[kv.Value] = kv.Key;
        int max = 0;
        foreach (var (h, k, l) in EnumerateMembers(basis, order)) max = Math.Max(max, Math.Max(Math.Abs(h), Math.Max(Math.Abs(k), Math.Abs(l))));
        for (int po = 0; po < order.Length; po++)
        {
            var orbit = basis.Orbits[order[po]];
            for (int m = 0; m < orbit.Members.Count; m++)
            {
                var (h, k, l) = orbit.Members[m];
                if (plan.RealValued && !FeatureLayout.IsPositive(h, k, l)) continue;
                if (!pairIndex.TryGetValue((h, k), out int p))
                {
                    p = pairH0.Count;
                    pairIndex[(h, k)] = p;
                    pairH0.Add(h + max);
                    pairH1.Add(k + max);
                }
                memberPair.Add(p);
                memberZ.Add(l + max);
                var (c, sn) = Turn(-orbit.Phases[m].P, orbit.Phases[m].N);
                memberCos.Add(c);
                memberSin.Add(sn);
            }
            orbitStart.Add(memberPair.Count);
            orbitScale[po] = (plan.RealValued ? 2.0 : 1.0) / orbit.Members.Count;
        }
        plan.MaxIndex = max;
        plan.PairH0 = pairH0.ToArray();
        plan.PairH1 = pairH1.ToArray();
        plan.MemberPair = memberPair.ToArray();
        plan.MemberZ = memberZ.ToArray();
        plan.MemberCos = memberCos.ToArray();
        plan.MemberSin = memberSin.ToArray();
        plan.OrbitStart = orbitStart.ToArray();
        plan.OrbitScale = orbitScale;
        plan.OrbitPhaseFree = new bool[orbitScale.Length];
        for (int o = 0; o < orbitScale.Length; o++)
        {
            bool free = true;
            for (int k = plan.OrbitStart[o]; k < plan.OrbitStart[o + 1]; k++) free &= plan.MemberCos[k] == 1 && plan.MemberSin[k] == 0;
            plan.OrbitPhaseFree[o] = free;
        }
        var extinct = new List<int>();
        var plain = new List<int>();
        var phased = new List<int>();
        for (int j = 0; j < columns; j++)
            (plan.OutputOrbit[j] < 0 ? extinct : plan.OutputCos[j] == 1 && plan.OutputSin[j] == 0 ? plain : phased).Add(j);
        plan.MemberCosF = Array.ConvertAll(plan.MemberCos, v => (float)v);
        plan.MemberSinF = Array.ConvertAll(plan.MemberSin, v => (float)v);
        plan.OrbitScaleF = Array.ConvertAll(plan.OrbitScale, v => (float)v);
        plan.OutputCosF = Array.ConvertAll(plan.OutputCos, v => (float)v);
        plan.OutputSinF = Array.ConvertAll(plan.OutputSin, v => (float)v);
        plan.ExtinctColumns = extinct.ToArray();
        plan.PlainColumns = plain.ToArray();
        plan.PhasedColumns = phased.ToArray();
        plan.ColumnsAreOrbits = plain.Count == columns && orbitScale.Length == columns;
        for (int j = 0; j < columns && plan.ColumnsAreOrbits; j++) plan.ColumnsAreOrbits = plan.OutputOrbit[j] == j;
        return plan;
    }

    /// <summary>cos and sin of 2πp/n, exact at quarter turns (so real-valued columns get an exact 0).</summary>
    private static (double Cos, double Sin) Turn(int p, int n)
    {
        int q = ((p % n) + n) % n;
        if (4 * q % n == 0)
            return (4 * q / n) switch { 0 => (1, 0), 1 => (0, 1), 2 => (-1, 0), _ => (0, -1) };
        return (Math.Cos(2 * Math.PI * q / n), Math.Sin(2 * Math.PI * q / n));
    }

    private static IEnumerable<(int, int, int)> EnumerateMembers(BasisDescription basis, int[] orbits)
    {
        foreach (int o in orbits)
            foreach (var m in basis.Orbits[o].Members) yield return m;
    }
}
