using System;
using System.Linq;
using System.Collections.Concurrent;
using System.Collections.Generic;
using CftRuntime.Crystals;
using CftRuntime.Tables;

namespace CftRuntime.Symmetry;

/// <summary>
/// Picks one representative of a standardised cell among its images under the proper Euclidean normalizer
/// of the group. spglib's standard cell is unique only up to such an operation (another origin of the same
/// site symmetry, e.g. Na on 4a or 4b of Fm-3m; an axis permutation that keeps the metric; a free origin
/// along polar axes), and the G-invariant features are not invariant under it. The candidates are every
/// (W, w) with W an integer matrix (entries −1, 0, 1, det +1) that keeps the lattice metric and normalises
/// the point group, and w a translation in 24ths for which W·G·W⁻¹ = G (operation by operation); along polar
/// axes (fixed by every rotation, so any shift is allowed) an atom of the rarest species is moved to 0.
/// The chosen image is the one whose sorted (species, position rounded to 1e-4) list is smallest, so two
/// cells related by a proper normalizer element give the same image.
/// </summary>
internal static class NormalizerCanonicalizer
{
    private const int Grid = 24;

    /// <summary>A setting's operations: keys of (R, t in 24ths), keys of the rotations, rotations, translations, polar axes.</summary>
    private sealed record Group(HashSet<long> OpKeys, HashSet<long> RotationKeys, int[][] Rotations, int[][] Translations, bool[] Polar);

    private static readonly ConcurrentDictionary<int, Group> Groups = new();

    /// <summary>Per (setting, W): the translations w (24ths) with (W, w) in the normalizer; empty when W does not normalise the point group.</summary>
    private static readonly ConcurrentDictionary<(int Setting, long W), int[][]> Shifts = new();

    private static Group GroupOf(SpaceGroupSetting setting) => Groups.GetOrAdd(setting.Index, _ =>
    {
        var ops = setting.Operations();
        var opKeys = new HashSet<long>();
        var rotationKeys = new HashSet<long>();
        var rotations = new int[ops.Count][];
        var translations = new int[ops.Count][];
        for (int k = 0; k < ops.Count; k++)
        {
            var g = ops[k];
            rotations[k] = g.Rotation;
            translations[k] = new int[3];
            for (int i = 0; i < 3; i++) translations[k][i] = g.T(i) * (Grid / g.Denominator);
            opKeys.Add(Key(rotations[k], translations[k]));
            rotationKeys.Add(Key(rotations[k], null));
        }
        var polar = new bool[3];
        for (int i = 0; i < 3; i++)
            polar[i] = Array.TrueForAll(rotations, r => r[i] == (i == 0 ? 1 : 0) && r[3 + i] == (i == 1 ? 1 : 0) && r[6 + i] == (i == 2 ? 1 : 0));
        return new Group(opKeys, rotationKeys, rotations, translations, polar);
    });

    private static int[][] ShiftsFor(int settingIndex, Group group, int[] w) => Shifts.GetOrAdd((settingIndex, Key(w, null)), _ => SearchShifts(group, w));

    /// <summary>The uncached search behind <see cref="ShiftsFor"/> (bench/NormalizerBenchmarks measures its one-off cost).</summary>
    internal static int[][] SearchShifts(SpaceGroupSetting setting, int[] w) => SearchShifts(GroupOf(setting), w);

    private static int[][] SearchShifts(Group group, int[] w)
    {
        var inverse = Adjugate(w); // det 1: the inverse is the adjugate
        int n = group.Rotations.Length;
        var conjugated = new int[n][];
        for (int k = 0; k < n; k++)
        {
            conjugated[k] = Multiply(Multiply(w, group.Rotations[k]), inverse);
            if (!group.RotationKeys.Contains(Key(conjugated[k], null))) return Array.Empty<int[]>();
        }
        var wt = new int[n][];
        for (int k = 0; k < n; k++) wt[k] = Apply(w, group.Translations[k]);
        // Check the operations with the fewest fixed directions first: they reject most shifts at once.
        var order = new int[n];
        var fixedCount = new int[n];
        for (int k = 0; k < n; k++) { order[k] = k; fixedCount[k] = Trace(conjugated[k]); }
        Array.Sort(fixedCount, order);
        var p = group.Polar;
        var found = new List<int[]>();
        var t = new int[3];
        for (int x = 0; x < (p[0] ? 1 : Grid); x++)
            for (int y = 0; y < (p[1] ? 1 : Grid); y++)
                for (int z = 0; z < (p[2] ? 1 : Grid); z++)
                {
                    bool valid = true;
                    for (int j = 0; j < n && valid; j++)
                    {
                        int k = order[j];
                        var r = conjugated[k];
                        // (W, w)(R, t)(W, w)⁻¹ = (R', W t + w − R' w)
                        t[0] = wt[k][0] + x - (r[0] * x + r[1] * y + r[2] * z);
                        t[1] = wt[k][1] + y - (r[3] * x + r[4] * y + r[5] * z);
                        t[2] = wt[k][2] + z - (r[6] * x + r[7] * y + r[8] * z);
                        valid = group.OpKeys.Contains(Key(r, t));
                    }
                    if (valid) found.Add(new[] { x, y, z });
                }
        return found.ToArray();
    }

    /// <summary>Per (Hall number, target setting): the origin shift of <see cref="OriginShift"/>, or null.</summary>
    private static readonly ConcurrentDictionary<(int HallNumber, int Target), int[]?> OriginShifts = new();

    /// <summary>
    /// The translation t (in 24ths) with x' = x + t that turns every operation of the catalogue setting with Hall number
    /// <paramref name="hallNumber"/> into one of <paramref name="to"/> (same rotations): (R, τ) becomes (R, τ + (I − R) t).
    /// Null when that setting is not in the catalogue, is another group, or no such t exists. Found once per pair over the
    /// 24³ candidates, by exact integer arithmetic.
    /// </summary>
    public static int[]? OriginShift(int hallNumber, SpaceGroupSetting to) => OriginShifts.GetOrAdd((hallNumber, to.Index), _ => SearchOriginShift(hallNumber, to));

    /// <summary>The uncached search behind <see cref="OriginShift"/> (bench/NormalizerBenchmarks measures its one-off cost).</summary>
    internal static int[]? SearchOriginShift(int hallNumber, SpaceGroupSetting to)
    {
        var from = SpaceGroups.All.FirstOrDefault(g => g.HallNumber == hallNumber);
        if (from.HallNumber != hallNumber || from.Number != to.Number) return null;
        var source = GroupOf(from);
        var target = GroupOf(to);
        if (source.Rotations.Length != target.Rotations.Length) return null;
        var moved = new int[3];
        for (int x = 0; x < Grid; x++)
            for (int y = 0; y < Grid; y++)
                for (int z = 0; z < Grid; z++)
                {
                    bool all = true;
                    for (int k = 0; k < source.Rotations.Length && all; k++)
                    {
                        var r = source.Rotations[k];
                        var t = source.Translations[k];
                        moved[0] = t[0] + x - (r[0] * x + r[1] * y + r[2] * z);
                        moved[1] = t[1] + y - (r[3] * x + r[4] * y + r[5] * z);
                        moved[2] = t[2] + z - (r[6] * x + r[7] * y + r[8] * z);
                        all = target.OpKeys.Contains(Key(r, moved));
                    }
                    if (all) return new[] { x, y, z };
                }
        return null;
    }

    /// <summary>The integer matrices with entries in {−1, 0, 1} and determinant 1, in a fixed order (computed once).</summary>
    private static readonly int[][] ProperMatrices = Enumerable.Range(0, 19683).Select(code =>
    {
        var w = new int[9];
        for (int i = 0, c = code; i < 9; i++, c /= 3) w[i] = c % 3 - 1;
        return w;
    }).Where(w => Det(w) == 1).ToArray();

    /// <summary>The canonical image of <paramref name="cell"/> among its images under the normalizer (see the class summary).</summary>
    public static Site[] Canonicalize(Lattice lattice, SpaceGroupSetting setting, Site[] cell) => Canonicalize(lattice, setting, cell, out _);

    /// <summary>As <see cref="Canonicalize(Lattice, SpaceGroupSetting, Site[])"/>; <paramref name="linearPart"/> is the chosen
    /// image's integer matrix W (x → W x + t, row-major), whose Cartesian form turns the structure's frame.</summary>
    public static Site[] Canonicalize(Lattice lattice, SpaceGroupSetting setting, Site[] cell, out int[] linearPart)
    {
        var group = GroupOf(setting);
        var polar = group.Polar;
        var metric = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) metric[3 * i + j] += lattice[i, k] * lattice[j, k];
        double scale = Math.Max(metric[0], Math.Max(metric[4], metric[8]));

        var candidates = new List<(int[] W, int[] W24)>();
        foreach (var w in ProperMatrices)
        {
            if (!KeepsMetric(w, metric, scale)) continue;
            foreach (var shift in ShiftsFor(setting.Index, group, w)) candidates.Add((w, shift));
        }

        // Anchors along polar axes: the atoms of the rarest species (fewest atoms, then smallest Z and occupancy).
        var anchors = new List<int> { -1 };
        if (polar[0] || polar[1] || polar[2])
        {
            var counts = new Dictionary<(int, double), int>();
            foreach (var s in cell) counts[(s.AtomicNumber, s.Occupancy)] = counts.GetValueOrDefault((s.AtomicNumber, s.Occupancy)) + 1;
            (int Z, double Occupancy) rarest = default;
            int fewest = int.MaxValue;
            foreach (var (species, n) in counts)
                if (n < fewest || n == fewest && (species.Item1, species.Item2).CompareTo(rarest) < 0) (rarest, fewest) = (species, n);
            anchors.Clear();
            for (int i = 0; i < cell.Length; i++)
                if (cell[i].AtomicNumber == rarest.Z && cell[i].Occupancy == rarest.Occupancy) anchors.Add(i);
        }

        Site[] best = cell;
        int[] bestW = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        (long, long)[]? bestKey = null;
        var moved = new Site[cell.Length];
        foreach (var (m, s24) in candidates)
            foreach (int anchor in anchors)
            {
                for (int i = 0; i < cell.Length; i++)
                {
                    var s = cell[i];
                    moved[i] = s with
                    {
                        X = m[0] * s.X + m[1] * s.Y + m[2] * s.Z + (double)s24[0] / Grid,
                        Y = m[3] * s.X + m[4] * s.Y + m[5] * s.Z + (double)s24[1] / Grid,
                        Z = m[6] * s.X + m[7] * s.Y + m[8] * s.Z + (double)s24[2] / Grid,
                    };
                }
                if (anchor >= 0)
                {
                    var a = moved[anchor];
                    for (int i = 0; i < moved.Length; i++)
                        moved[i] = moved[i] with { X = polar[0] ? moved[i].X - a.X : moved[i].X, Y = polar[1] ? moved[i].Y - a.Y : moved[i].Y, Z = polar[2] ? moved[i].Z - a.Z : moved[i].Z };
                }
                for (int i = 0; i < moved.Length; i++) moved[i] = moved[i] with { X = Wrap(moved[i].X), Y = Wrap(moved[i].Y), Z = Wrap(moved[i].Z) };
                var key = SortedKey(moved);
                if (bestKey is null || Compare(key, bestKey) < 0)
                {
                    bestKey = key;
                    best = (Site[])moved.Clone();
                    bestW = m;
                }
            }
        linearPart = (int[])bestW.Clone();
        return best;
    }

    private static (long, long)[] SortedKey(Site[] cell)
    {
        var key = new (long, long)[cell.Length];
        for (int i = 0; i < cell.Length; i++)
        {
            var s = cell[i];
            key[i] = (s.AtomicNumber * 10_000_000L + (long)Math.Round(s.Occupancy * 1e6), (Round(s.X) * 10_000L + Round(s.Y)) * 10_000L + Round(s.Z));
        }
        Array.Sort(key);
        return key;
    }

    private static long Round(double v) => (long)Math.Round(v * 1e4) % 10_000;

    private static int Compare((long, long)[] a, (long, long)[] b)
    {
        for (int i = 0; i < a.Length; i++)
        {
            int c = a[i].CompareTo(b[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    private static double Wrap(double v)
    {
        double w = v - Math.Floor(v);
        return w >= 1 ? 0 : w;
    }

    private static long Key(int[] r, int[]? t)
    {
        long k = 0;
        foreach (int v in r)
        {
            if (v < -7 || v > 7) return -1; // not a crystallographic rotation: matches nothing
            k = k * 16 + v + 8;
        }
        if (t is not null)
            foreach (int v in t) k = k * Grid + ((v % Grid) + Grid) % Grid;
        return k;
    }

    private static bool KeepsMetric(int[] w, double[] metric, double scale)
    {
        // (Wᵀ G W)_ij = Σ_kl W_ki G_kl W_lj must equal G_ij.
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double sum = 0;
                for (int k = 0; k < 3; k++)
                    for (int l = 0; l < 3; l++) sum += w[3 * k + i] * metric[3 * k + l] * w[3 * l + j];
                if (Math.Abs(sum - metric[3 * i + j]) > 1e-6 * scale) return false;
            }
        return true;
    }

    private static int Trace(int[] m) => m[0] + m[4] + m[8];

    private static int Det(int[] m) =>
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);

    private static int[] Adjugate(int[] m) => new[]
    {
        m[4] * m[8] - m[5] * m[7], m[2] * m[7] - m[1] * m[8], m[1] * m[5] - m[2] * m[4],
        m[5] * m[6] - m[3] * m[8], m[0] * m[8] - m[2] * m[6], m[2] * m[3] - m[0] * m[5],
        m[3] * m[7] - m[4] * m[6], m[1] * m[6] - m[0] * m[7], m[0] * m[4] - m[1] * m[3],
    };

    private static int[] Multiply(int[] a, int[] b)
    {
        var r = new int[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) r[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        return r;
    }

    private static int[] Apply(int[] m, int[] v) => new[]
    {
        m[0] * v[0] + m[1] * v[1] + m[2] * v[2],
        m[3] * v[0] + m[4] * v[1] + m[5] * v[2],
        m[6] * v[0] + m[7] * v[1] + m[8] * v[2],
    };
}
