using System;
using System.Collections.Generic;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Features;

/// <summary>
/// The feature columns, the same for every space group: for each frequency h ≠ 0 of the cube
/// max|h_i| ≤ K whose first non-zero component is positive (S_{−h} = conj S_h, so the other half is
/// redundant), in canonical frequency order, two columns: Re S_h(x) and Im S_h(x). Column 2j is
/// Re S_{h_j}, column 2j+1 is Im S_{h_j}; F = (2K+1)³ − 1 columns (728 at K = 4).
/// </summary>
public sealed class FeatureLayout : IEquatable<FeatureLayout>
{
    private readonly (int H, int K, int L)[] _frequencies;

    /// <summary>Creates the layout for cutoff <paramref name="cutoff"/>.</summary>
    public FeatureLayout(int cutoff)
    {
        if (cutoff < 1 || cutoff > 12) throw new ArgumentOutOfRangeException(nameof(cutoff), cutoff, "cutoff must be in 1..12");
        Cutoff = cutoff;
        var list = new List<(int, int, int)>();
        for (int h = -cutoff; h <= cutoff; h++)
            for (int k = -cutoff; k <= cutoff; k++)
                for (int l = -cutoff; l <= cutoff; l++)
                    if (IsPositive(h, k, l)) list.Add((h, k, l));
        list.Sort((a, b) => FrequencyOrder.Compare(a.Item1, a.Item2, a.Item3, b.Item1, b.Item2, b.Item3));
        _frequencies = list.ToArray();
    }

    /// <summary>The layout at the compiled cutoff (<see cref="SpaceGroups.Cutoff"/>).</summary>
    public static FeatureLayout Default { get; } = new(SpaceGroups.Cutoff);

    /// <summary>Cutoff K.</summary>
    public int Cutoff { get; }

    /// <summary>Number of frequencies (F / 2).</summary>
    public int FrequencyCount => _frequencies.Length;

    /// <summary>Number of float columns F.</summary>
    public int FeatureCount => 2 * _frequencies.Length;

    /// <summary>Frequency of column pair <paramref name="j"/> (columns 2j and 2j+1).</summary>
    public (int H, int K, int L) Frequency(int j) => _frequencies[j];

    /// <summary>Name of column <paramref name="column"/>, e.g. "re(1,0,-2)".</summary>
    public string ColumnName(int column)
    {
        var (h, k, l) = _frequencies[column / 2];
        return FormattableString.Invariant($"{(column % 2 == 0 ? "re" : "im")}({h},{k},{l})");
    }

    /// <summary>A short description stored with exported features and models: "cft-cube-half/K=4/F=728".</summary>
    public string Signature => FormattableString.Invariant($"cft-cube-half/K={Cutoff}/F={FeatureCount}");

    /// <summary>Whether h is in the kept half-space: first non-zero component positive.</summary>
    public static bool IsPositive(int h, int k, int l) => h > 0 || (h == 0 && (k > 0 || (k == 0 && l > 0)));

    /// <inheritdoc/>
    public bool Equals(FeatureLayout? other) => other is not null && other.Cutoff == Cutoff;
    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FeatureLayout);
    /// <inheritdoc/>
    public override int GetHashCode() => Cutoff;
}
