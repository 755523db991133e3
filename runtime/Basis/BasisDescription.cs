using System;
using System.Collections.Generic;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Basis;

/// <summary>One non-extinct orbit: its members and each member's phase p/N relative to the first (S_member = exp(2πi p/N) S_first).</summary>
/// <param name="Members">(h, k, l) of every member, first member first.</param>
/// <param name="Phases">(p, N) per member, reduced, with 0 ≤ p &lt; N.</param>
public sealed record OrbitDescription(IReadOnlyList<(int H, int K, int L)> Members, IReadOnlyList<(int P, int N)> Phases);

/// <summary>
/// A setting's basis as plain values, built either from the compile-time tables or at run time from
/// any operation set; the two are comparable member by member.
/// </summary>
public sealed class BasisDescription
{
    private BasisDescription(int cutoff, int closureSize, List<OrbitDescription> orbits, List<(int, int, int)> extinct)
    {
        Cutoff = cutoff; ClosureSize = closureSize; Orbits = orbits; Extinct = extinct;
    }

    /// <summary>Cutoff K.</summary>
    public int Cutoff { get; }

    /// <summary>Size of the closed frequency set.</summary>
    public int ClosureSize { get; }

    /// <summary>Non-extinct orbits in canonical order.</summary>
    public IReadOnlyList<OrbitDescription> Orbits { get; }

    /// <summary>Every extinct frequency of the closure, in canonical order.</summary>
    public IReadOnlyList<(int H, int K, int L)> Extinct { get; }

    /// <summary>Reads a setting's compile-time table.</summary>
    public static BasisDescription FromTable(OrbitTable table)
    {
        var orbits = new List<OrbitDescription>();
        var extinct = new List<(int, int, int)>();
        int n = table.PhaseDenominator;
        for (int o = 0; o < table.OrbitCount; o++)
        {
            var members = table.Members(o);
            if (table.IsExtinct(o))
            {
                foreach (ushort m in members) extinct.Add(Triple(m));
                continue;
            }
            var phases = table.Phases(o);
            var ms = new (int, int, int)[members.Length];
            var ps = new (int, int)[members.Length];
            for (int i = 0; i < members.Length; i++) { ms[i] = Triple(members[i]); ps[i] = Reduce(phases[i], n); }
            orbits.Add(new OrbitDescription(ms, ps));
        }
        extinct.Sort(CompareTriples);
        return new BasisDescription(table.Cutoff, table.ClosureSize, orbits, extinct);
    }

    /// <summary>Reads a basis built at run time by <see cref="OrbitBasisBuilder"/>.</summary>
    public static BasisDescription FromBasis(OrbitBasis basis)
    {
        var orbits = new List<OrbitDescription>();
        var extinct = new List<(int, int, int)>();
        for (int o = 0; o < basis.OrbitCount; o++)
        {
            int start = basis.OrbitStart(o), end = basis.OrbitEnd(o);
            if (basis.IsExtinct(o))
            {
                for (int m = start; m < end; m++) extinct.Add(Triple(basis, basis.MemberFrequency(m)));
                continue;
            }
            var ms = new (int, int, int)[end - start];
            var ps = new (int, int)[end - start];
            for (int m = start; m < end; m++)
            {
                ms[m - start] = Triple(basis, basis.MemberFrequency(m));
                ps[m - start] = Reduce(basis.MemberPhase(m), basis.PhaseDenominator);
            }
            orbits.Add(new OrbitDescription(ms, ps));
        }
        extinct.Sort(CompareTriples);
        return new BasisDescription(basis.Cutoff, basis.ClosureSize, orbits, extinct);
    }

    private static (int, int, int) Triple(int frequency) =>
        (FrequencyTable.Component(frequency, 0), FrequencyTable.Component(frequency, 1), FrequencyTable.Component(frequency, 2));

    private static (int, int, int) Triple(OrbitBasis b, int f) => (b.Frequency(f, 0), b.Frequency(f, 1), b.Frequency(f, 2));

    private static int CompareTriples((int h, int k, int l) a, (int h, int k, int l) b) => FrequencyOrder.Compare(a.h, a.k, a.l, b.h, b.k, b.l);

    private static (int, int) Reduce(int p, int n)
    {
        int g = Gcd(p, n);
        return (p / g, n / g);
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0) { int t = a % b; a = b; b = t; }
        return Math.Abs(a);
    }
}
