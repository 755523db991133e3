using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Crystals;

/// <summary>
/// The symmetry a structure is described in: a setting of spacegroups.json, or an operation set that
/// matches none (then its basis is built at run time by the same <see cref="OrbitBasisBuilder"/>).
/// </summary>
public sealed class CrystalSymmetry
{
    private static Dictionary<string, int>? s_bySignature;

    private CrystalSymmetry(SpaceGroupSetting? setting, IReadOnlyList<SymmetryOperation> operations)
    {
        Setting = setting;
        Operations = operations;
    }

    /// <summary>The catalogue setting, or null when the operations match none.</summary>
    public SpaceGroupSetting? Setting { get; }

    /// <summary>All operations of the conventional cell (centring included).</summary>
    public IReadOnlyList<SymmetryOperation> Operations { get; }

    /// <summary>IT number, or 0 when the operations match no catalogue setting.</summary>
    public int Number => Setting?.Number ?? 0;

    private static readonly CrystalSymmetry?[] s_settings = new CrystalSymmetry?[SpaceGroups.Count];

    /// <summary>The symmetry of a catalogue setting (one shared instance per setting).</summary>
    public static CrystalSymmetry FromSetting(SpaceGroupSetting setting)
    {
        var cached = System.Threading.Volatile.Read(ref s_settings[setting.Index]);
        if (cached is not null) return cached;
        var created = new CrystalSymmetry(setting, setting.Operations());
        return System.Threading.Interlocked.CompareExchange(ref s_settings[setting.Index], created, null) ?? created;
    }

    /// <summary>P1.</summary>
    public static CrystalSymmetry P1 => FromSetting(SpaceGroups.Standard(1));

    /// <summary>
    /// The symmetry of listed operations: completed to a group by composition (CIFs sometimes omit
    /// products), then matched to a catalogue setting by set equality modulo lattice translations.
    /// </summary>
    /// <exception cref="InvalidStructureException">The operations do not generate a finite space group.</exception>
    public static CrystalSymmetry FromOperations(IReadOnlyList<SymmetryOperation> operations)
    {
        var table = s_bySignature ??= BuildSignatures();
        // Fast path: the listed operations are exactly a catalogue setting (the usual CIF case).
        if (Signature(operations) is { } listed && table.TryGetValue(listed, out int direct)) return FromSetting(SpaceGroups.Get(direct));
        var group = Close(operations);
        string? problem = SymmetryOperation.ValidateGroup(group);
        if (problem is not null) throw new InvalidStructureException("the symmetry operations do not form a space group: " + problem);
        if (Signature(group) is { } closed && table.TryGetValue(closed, out int index)) return FromSetting(SpaceGroups.Get(index));
        return new CrystalSymmetry(null, group);
    }


    /// <inheritdoc/>
    public override string ToString() => Setting?.ToString() ?? $"custom operation set ({Operations.Count} operations)";

    private static List<SymmetryOperation> Close(IReadOnlyList<SymmetryOperation> operations)
    {
        var set = new HashSet<SymmetryOperation>(operations) { SymmetryOperation.Identity };
        var list = set.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (list.Count > 192 * 4) throw new InvalidStructureException($"the symmetry operations generate more than {192 * 4} operations: not a space group (check the translations)");
            for (int j = 0; j <= i; j++)
            {
                foreach (var p in new[] { list[i].Compose(list[j]), list[j].Compose(list[i]) })
                    if (set.Add(p)) list.Add(p);
            }
        }
        return list;
    }

    /// <summary>
    /// The operation set as a sorted list of 64-bit keys (rotation entries and translations in
    /// 24ths), or null when a translation is not a multiple of 1/24 (then it matches no setting).
    /// </summary>
    private static string? Signature(IReadOnlyList<SymmetryOperation> ops)
    {
        var keys = new long[ops.Count];
        for (int i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            if (24 % op.Denominator != 0) return null;
            long key = 0;
            for (int r = 0; r < 3; r++)
                for (int c = 0; c < 3; c++)
                {
                    int v = op.R(r, c);
                    if (v < -7 || v > 7) return null;
                    key = (key << 4) | (long)(v + 8);
                }
            for (int t = 0; t < 3; t++) key = (key << 5) | (long)(op.T(t) * (24 / op.Denominator));
            keys[i] = key;
        }
        Array.Sort(keys);
        return string.Join(",", keys.Distinct());
    }

    private static Dictionary<string, int> BuildSignatures()
    {
        var d = new Dictionary<string, int>();
        foreach (var s in SpaceGroups.All) d.TryAdd(Signature(s.Operations())!, s.Index);
        return d;
    }
}
