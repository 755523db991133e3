using System;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Core;

/// <summary>
/// Extinct orbits are exactly the systematic absences: the general reflection conditions of
/// International Tables for Crystallography Vol. A (2016), Part 7 tables, and |S_h| ≡ 0 numerically.
/// </summary>
public class ExtinctionTests
{
    private static bool Even(int v) => (v & 1) == 0;
    private static bool Mod(int v, int n) => ((v % n) + n) % n == 0;

    /// <summary>Fd-3m, either origin (the reflection conditions do not depend on the origin).</summary>
    private static bool FdThreeM(int h, int k, int l) =>
        !Even(h + k) || !Even(h + l) || !Even(k + l) || (h == 0 && (!Mod(k + l, 4) || !Even(k) || !Even(l))) || (h == k && !Even(h + l)) || (k == 0 && l == 0 && !Mod(h, 4));

    /// <summary>
    /// General reflection conditions per group (ITA Vol. A Part 7), as "this representative violates a
    /// condition". A frequency is absent iff some member of its point-group orbit violates one.
    /// Hexagonal-axis groups use (h, k, l) with i = −h−k.
    /// </summary>
    public static readonly Dictionary<string, Func<int, int, int, bool>> Conditions = new()
    {
        ["P1"] = (h, k, l) => false,
        ["P-1"] = (h, k, l) => false,
        // P2_1/c (unique axis b): h0l: l = 2n; 0k0: k = 2n; 00l: l = 2n.
        ["P2_1/c"] = (h, k, l) => (k == 0 && !Even(l)) || (h == 0 && l == 0 && !Even(k)),
        // Pnma: 0kl: k+l = 2n; hk0: h = 2n; h00: h = 2n; 0k0: k = 2n; 00l: l = 2n.
        ["Pnma"] = (h, k, l) => (h == 0 && !Even(k + l)) || (l == 0 && !Even(h)) || (k == 0 && l == 0 && !Even(h)) || (h == 0 && l == 0 && !Even(k)) || (h == 0 && k == 0 && !Even(l)),
        // I4_1/amd (origin 2): hkl: h+k+l = 2n; hk0: h,k = 2n; 0kl: k+l = 2n; hhl: 2h+l = 4n; 00l: l = 4n; h00: h = 2n; h-h0: h = 2n.
        ["I4_1/amd"] = (h, k, l) => !Even(h + k + l) || (l == 0 && (!Even(h) || !Even(k))) || (h == 0 && !Even(k + l)) || (h == k && !Mod(2 * h + l, 4)) || (h == 0 && k == 0 && !Mod(l, 4)) || (k == 0 && l == 0 && !Even(h)),
        // R-3m (hexagonal axes, obverse): hkil: −h+k+l = 3n (all other conditions follow).
        ["R-3m"] = (h, k, l) => !Mod(-h + k + l, 3),
        // P6_3/mmc: hh(−2h)l: l = 2n; 000l: l = 2n.
        ["P6_3/mmc"] = (h, k, l) => (h == k && !Even(l)) || (h == 0 && k == 0 && !Even(l)),
        // Fm-3m: hkl: h+k, h+l, k+l = 2n.
        ["Fm-3m"] = (h, k, l) => !Even(h + k) || !Even(h + l) || !Even(k + l),
        // Fd-3m (both origins): hkl: h+k, h+l, k+l = 2n; 0kl: k+l = 4n (k, l = 2n); hhl: h+l = 2n; h00: h = 4n.
        ["Fd-3m"] = FdThreeM,
        ["Fd-3m:1"] = FdThreeM,
        // Ia-3d: hkl: h+k+l = 2n; 0kl: k, l = 2n; hhl: 2h+l = 4n; h00: h = 4n.
        ["Ia-3d"] = (h, k, l) => !Even(h + k + l) || (h == 0 && (!Even(k) || !Even(l))) || (h == k && !Mod(2 * h + l, 4)) || (k == 0 && l == 0 && !Mod(h, 4)),
        // Im-3m: hkl: h+k+l = 2n only.
        ["Im-3m"] = (h, k, l) => !Even(h + k + l),
    };

    public static IEnumerable<object[]> ConditionGroups => Conditions.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(ConditionGroups))]
    public void Extinct_frequencies_are_exactly_the_ITA_reflection_conditions(string symbol)
    {
        var setting = SpaceGroups.Find(symbol);
        var ops = setting.Operations();
        var violates = Conditions[symbol];
        var extinct = BasisDescription.FromTable(setting.Basis).Extinct.ToHashSet();
        foreach (ushort f in setting.Basis.AllMembers)
        {
            var (h, k, l) = BasisTestSupport.Frequency(f);
            bool absent = BasisTestSupport.RotationOrbit(ops, h, k, l).Any(m => violates(m.Item1, m.Item2, m.Item3));
            Assert.True(absent == extinct.Contains((h, k, l)), $"{symbol}: ({h} {k} {l}) ITA says {(absent ? "absent" : "present")}, table says {(absent ? "present" : "extinct")}");
        }
    }

    [Fact]
    public void Cited_single_reflections()
    {
        bool Extinct(string g, int h, int k, int l) => BasisDescription.FromTable(SpaceGroups.Find(g).Basis).Extinct.Contains((h, k, l));
        Assert.True(Extinct("P2_1/c", 0, 1, 0));
        Assert.False(Extinct("P2_1/c", 0, 2, 0));
        Assert.True(Extinct("P2_1/c", 1, 0, 1));
        Assert.False(Extinct("P2_1/c", 1, 0, 2));
        Assert.True(Extinct("Fd-3m", 0, 0, 2));
        Assert.False(Extinct("Fd-3m", 0, 0, 4));
        Assert.False(Extinct("Fd-3m", 2, 2, 2)); // allowed by the general conditions (absent only for atoms on 8a)
        Assert.True(Extinct("Fm-3m", 1, 0, 0));
        Assert.False(Extinct("Fm-3m", 1, 1, 1));
        Assert.True(Extinct("Im-3m", 1, 0, 0));
        Assert.False(Extinct("Im-3m", 1, 1, 0));
        Assert.True(Extinct("P6_3/mmc", 0, 0, 1));
        Assert.False(Extinct("P6_3/mmc", 0, 0, 2));
        Assert.True(Extinct("R-3m", 1, 0, 0));
        Assert.False(Extinct("R-3m", 1, 0, 1));
        Assert.False(Extinct("R-3m:R", 1, 0, 0)); // primitive rhombohedral cell: no centring absences
    }

    /// <summary>Lattice-centring absences hold in every setting (they are necessary, glides may add more).</summary>
    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Centring_absences_hold_in_every_setting(int index)
    {
        var setting = SpaceGroups.Get(index);
        char centring = setting.Hall.TrimStart('-')[0];
        Func<int, int, int, bool> absent = centring switch
        {
            'I' => (h, k, l) => !Even(h + k + l),
            'F' => (h, k, l) => !Even(h + k) || !Even(h + l),
            'C' => (h, k, l) => !Even(h + k),
            'A' => (h, k, l) => !Even(k + l),
            'B' => (h, k, l) => !Even(h + l),
            'R' => (h, k, l) => !Mod(-h + k + l, 3),
            _ => (h, k, l) => false,
        };
        var extinct = BasisDescription.FromTable(setting.Basis).Extinct.ToHashSet();
        foreach (ushort f in setting.Basis.AllMembers)
        {
            var (h, k, l) = BasisTestSupport.Frequency(f);
            if (absent(h, k, l)) Assert.True(extinct.Contains((h, k, l)), $"{setting}: ({h} {k} {l}) must be absent for centring {centring}");
        }
    }

    /// <summary>Independent numeric test: extinct ⇔ S_h vanishes identically (direct sum at random points).</summary>
    [Theory]
    [MemberData(nameof(TestData.AllSettings), MemberType = typeof(TestData))]
    public void Extinct_means_identically_zero(int index)
    {
        var setting = SpaceGroups.Get(index);
        var ops = setting.Operations();
        var table = setting.Basis;
        var points = TestData.RandomPoints(9000 + index, 3);
        for (int o = 0; o < table.OrbitCount; o++)
        {
            var (h, k, l) = BasisTestSupport.Frequency(table.Members(o)[0]);
            double largest = points.Max(p => SymmetrisedPlaneWave.EvaluateDirect(ops, h, k, l, p[0], p[1], p[2]).Magnitude);
            if (table.IsExtinct(o)) Assert.True(largest < 1e-12, $"{setting}: extinct ({h} {k} {l}) has |S| = {largest}");
            else Assert.True(largest > 1e-6, $"{setting}: ({h} {k} {l}) is kept but |S| = {largest} at three random points");
        }
    }
}
