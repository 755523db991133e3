using System;
using System.Collections.Generic;

namespace CftRuntime.Basis;

/// <summary>
/// The symmetry-adapted plane-wave basis of one operation set at one cutoff: the closed frequency
/// set, its orbits under h → Aᵀh in canonical order, and each member's exact phase relative to the
/// orbit's first member: S_member = exp(2πi · Phase / PhaseDenominator) · S_first.
/// Extinct orbits (stabiliser with a phase ≠ 1, S ≡ 0) are kept and flagged.
/// </summary>
/// <remarks>Shared source: compiled into the generator (netstandard2.0) and the runtime.</remarks>
public sealed class OrbitBasis
{
    internal OrbitBasis(int cutoff, int phaseDenominator, int groupOrder, int[] frequencies, int[] orbitStart, int[] members, int[] phases, bool[] extinct)
    {
        Cutoff = cutoff;
        PhaseDenominator = phaseDenominator;
        GroupOrder = groupOrder;
        _frequencies = frequencies;
        _orbitStart = orbitStart;
        _members = members;
        _phases = phases;
        _extinct = extinct;
        int live = 0;
        foreach (bool e in extinct) if (!e) live++;
        NonExtinctOrbitCount = live;
    }

    private readonly int[] _frequencies;
    private readonly int[] _orbitStart;
    private readonly int[] _members;
    private readonly int[] _phases;
    private readonly bool[] _extinct;

    /// <summary>The cube max|h_i| ≤ Cutoff whose closure this basis spans.</summary>
    public int Cutoff { get; }

    /// <summary>Phases are integer multiples of 2π / PhaseDenominator.</summary>
    public int PhaseDenominator { get; }

    /// <summary>Number of operations (|G|, centring included).</summary>
    public int GroupOrder { get; }

    /// <summary>Size of the closed frequency set.</summary>
    public int ClosureSize => _frequencies.Length / 3;

    /// <summary>Number of orbits, extinct ones included.</summary>
    public int OrbitCount => _orbitStart.Length - 1;

    /// <summary>Number of orbits that are not extinct (the dimension of the invariant space).</summary>
    public int NonExtinctOrbitCount { get; }

    /// <summary>Component <paramref name="axis"/> of closure frequency <paramref name="index"/>.</summary>
    public int Frequency(int index, int axis) => _frequencies[3 * index + axis];

    /// <summary>Whether orbit <paramref name="orbit"/> is extinct (S ≡ 0).</summary>
    public bool IsExtinct(int orbit) => _extinct[orbit];

    /// <summary>Index of the first member of <paramref name="orbit"/> in the member list.</summary>
    public int OrbitStart(int orbit) => _orbitStart[orbit];

    /// <summary>One past the last member of <paramref name="orbit"/>.</summary>
    public int OrbitEnd(int orbit) => _orbitStart[orbit + 1];

    /// <summary>Closure-frequency index of member <paramref name="member"/>.</summary>
    public int MemberFrequency(int member) => _members[member];

    /// <summary>Phase numerator of member <paramref name="member"/> (0 for the first member, 0 in extinct orbits).</summary>
    public int MemberPhase(int member) => _phases[member];
}

/// <summary>A total order on integer frequencies shared by every table: shells of max|h_i| first, then h, k, l descending.</summary>
public static class FrequencyOrder
{
    /// <summary>Compares two frequencies in the canonical order.</summary>
    public static int Compare(int h1, int k1, int l1, int h2, int k2, int l2)
    {
        int m1 = Math.Max(Math.Abs(h1), Math.Max(Math.Abs(k1), Math.Abs(l1)));
        int m2 = Math.Max(Math.Abs(h2), Math.Max(Math.Abs(k2), Math.Abs(l2)));
        if (m1 != m2) return m1.CompareTo(m2);
        if (h1 != h2) return h2.CompareTo(h1);
        if (k1 != k2) return k2.CompareTo(k1);
        return l2.CompareTo(l1);
    }

    /// <summary>Packs a frequency with |h_i| &lt; 2^20 into one key.</summary>
    public static long Key(int h, int k, int l) => ((long)(h + (1 << 20)) << 42) | ((long)(k + (1 << 20)) << 21) | (long)(l + (1 << 20));
}

/// <summary>
/// Builds an <see cref="OrbitBasis"/> from any operation set (the paper's Algorithm 1): a graph over
/// frequencies with edges h → Aᵀh weighted by exp(2πi h·t); orbits are its connected components and a
/// component whose phases are inconsistent (a stabiliser with h·t ∉ ℤ) is extinct.
/// </summary>
/// <remarks>Shared source: compiled into the generator (netstandard2.0) and the runtime.</remarks>
public static class OrbitBasisBuilder
{
    /// <summary>Builds the basis on the closure of the cube max|h_i| ≤ <paramref name="cutoff"/>.</summary>
    /// <exception cref="ArgumentException">The cutoff is out of range or the operations are not a group.</exception>
    public static OrbitBasis Build(IReadOnlyList<SymmetryOperation> operations, int cutoff)
    {
        if (cutoff < 0 || cutoff > 64) throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, "cutoff must be in 0..64");
        string? problem = SymmetryOperation.ValidateGroup(operations);
        if (problem is not null) throw new ArgumentException("the operations are not a space group: " + problem, nameof(operations));

        int n = operations.Count;
        int d = 1;
        foreach (var op in operations) d = SymmetryOperation.Lcm(d, op.Denominator);
        // Rotation transposes and translations over the common denominator d, flat for speed.
        var at = new int[9 * n];
        var tn = new int[3 * n];
        for (int g = 0; g < n; g++)
        {
            var op = operations[g];
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++) at[9 * g + 3 * j + i] = op.R(i, j);
                tn[3 * g + i] = op.T(i) * (d / op.Denominator);
            }
        }

        // Closure of the cube under h → Aᵀh (breadth first), then canonical order.
        var index = new Dictionary<long, int>();
        var freq = new List<int>();
        for (int h = -cutoff; h <= cutoff; h++)
            for (int k = -cutoff; k <= cutoff; k++)
                for (int l = -cutoff; l <= cutoff; l++)
                {
                    index[FrequencyOrder.Key(h, k, l)] = freq.Count / 3;
                    freq.Add(h); freq.Add(k); freq.Add(l);
                }
        for (int q = 0; q < freq.Count / 3; q++)
        {
            int h = freq[3 * q], k = freq[3 * q + 1], l = freq[3 * q + 2];
            for (int g = 0; g < n; g++)
            {
                int b = 9 * g;
                int h2 = at[b] * h + at[b + 1] * k + at[b + 2] * l;
                int k2 = at[b + 3] * h + at[b + 4] * k + at[b + 5] * l;
                int l2 = at[b + 6] * h + at[b + 7] * k + at[b + 8] * l;
                long key = FrequencyOrder.Key(h2, k2, l2);
                if (index.ContainsKey(key)) continue;
                index[key] = freq.Count / 3;
                freq.Add(h2); freq.Add(k2); freq.Add(l2);
            }
        }
        int count = freq.Count / 3;
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        Array.Sort(order, (a, b) => FrequencyOrder.Compare(freq[3 * a], freq[3 * a + 1], freq[3 * a + 2], freq[3 * b], freq[3 * b + 1], freq[3 * b + 2]));
        var frequencies = new int[3 * count];
        index.Clear();
        for (int i = 0; i < count; i++)
        {
            for (int c = 0; c < 3; c++) frequencies[3 * i + c] = freq[3 * order[i] + c];
            index[FrequencyOrder.Key(frequencies[3 * i], frequencies[3 * i + 1], frequencies[3 * i + 2])] = i;
        }

        // Connected components with phases: S_{Aᵀm} = exp(−2πi m·t) S_m.
        var phase = new int[count];
        var seen = new bool[count];
        var orbitStart = new List<int> { 0 };
        var members = new List<int>(count);
        var phases = new List<int>(count);
        var extinct = new List<bool>();
        var component = new List<int>();
        for (int first = 0; first < count; first++)
        {
            if (seen[first]) continue;
            component.Clear();
            component.Add(first);
            seen[first] = true;
            phase[first] = 0;
            bool frustrated = false;
            for (int q = 0; q < component.Count; q++)
            {
                int m = component[q];
                int h = frequencies[3 * m], k = frequencies[3 * m + 1], l = frequencies[3 * m + 2];
                for (int g = 0; g < n; g++)
                {
                    int b = 9 * g;
                    int h2 = at[b] * h + at[b + 1] * k + at[b + 2] * l;
                    int k2 = at[b + 3] * h + at[b + 4] * k + at[b + 5] * l;
                    int l2 = at[b + 6] * h + at[b + 7] * k + at[b + 8] * l;
                    int target = index[FrequencyOrder.Key(h2, k2, l2)];
                    long dot = (long)h * tn[3 * g] + (long)k * tn[3 * g + 1] + (long)l * tn[3 * g + 2];
                    int p = (int)(((phase[m] - dot) % d + d) % d);
                    if (!seen[target])
                    {
                        seen[target] = true;
                        phase[target] = p;
                        component.Add(target);
                    }
                    else if (phase[target] != p)
                    {
                        frustrated = true;
                    }
                }
            }
            // The first member is the smallest index, so the component sorted ascending starts with it.
            component.Sort();
            foreach (int m in component)
            {
                members.Add(m);
                phases.Add(frustrated ? 0 : phase[m]);
            }
            orbitStart.Add(members.Count);
            extinct.Add(frustrated);
        }
        return new OrbitBasis(cutoff, d, n, frequencies, orbitStart.ToArray(), members.ToArray(), phases.ToArray(), extinct.ToArray());
    }
}
