using System;
using System.Collections.Generic;
using CftRuntime.Basis;

namespace CftRuntime.Tables;

/// <summary>
/// One setting of spacegroups.json (an IT number in a particular origin, axes or cell choice) with
/// its operations and its compile-time orbit table. A cheap value type over the generated data.
/// </summary>
public readonly struct SpaceGroupSetting : IEquatable<SpaceGroupSetting>
{
    internal SpaceGroupSetting(int index) { Index = index; }

    /// <summary>Position of this setting in spacegroups.json (0-based).</summary>
    public int Index { get; }

    /// <summary>International Tables number, 1..230.</summary>
    public int Number => SpaceGroupData.Number[Index];

    /// <summary>spglib's Hall number (1..530) of this setting.</summary>
    public int HallNumber => SpaceGroupData.HallNumber[Index];

    /// <summary>Short Hermann–Mauguin symbol of the group, e.g. <c>P2_1/c</c>.</summary>
    public string HermannMauguin => SpaceGroupData.HermannMauguin[Index];

    /// <summary>Full Hermann–Mauguin symbol of this setting, e.g. <c>P 1 2_1/c 1</c>.</summary>
    public string HermannMauguinSetting => SpaceGroupData.HermannMauguinSetting[Index];

    /// <summary>Hall symbol, e.g. <c>-P 2ybc</c>.</summary>
    public string Hall => SpaceGroupData.Hall[Index];

    /// <summary>Setting tag: "1"/"2" origin choice, "H"/"R" axes, monoclinic "b1"…, orthorhombic "ba-c"…; empty when unique.</summary>
    public string Setting => SpaceGroupData.Setting[Index];

    /// <summary>Whether this is the ITA standard setting of its IT number.</summary>
    public bool IsStandard => SpaceGroupData.StandardSetting[Number] == Index;

    /// <summary>Crystal system, e.g. "monoclinic".</summary>
    public string CrystalSystem => SpaceGroupData.CrystalSystem[Index];

    /// <summary>Lattice centring letter of the Hall symbol (P, A, B, C, I, R, F).</summary>
    public string Centring => SpaceGroupData.Centring[Index];

    /// <summary>Number of operations of the conventional cell, centring included (|G|).</summary>
    public int Order => SpaceGroupData.SettingOperationStart[Index + 1] - SpaceGroupData.SettingOperationStart[Index];

    /// <summary>Operation <paramref name="i"/> of the conventional cell.</summary>
    public SymmetryOperation Operation(int i)
    {
        if ((uint)i >= (uint)Order) throw new ArgumentOutOfRangeException(nameof(i));
        int op = SpaceGroupData.SettingOperationStart[Index] + i;
        var rotation = new int[9];
        var r = SpaceGroupData.Rotations.Slice(9 * SpaceGroupData.OperationRotation[op], 9);
        for (int k = 0; k < 9; k++) rotation[k] = r[k];
        var t = SpaceGroupData.OperationTranslation.Slice(4 * op, 4);
        return new SymmetryOperation(rotation, new int[] { t[0], t[1], t[2] }, t[3]);
    }

    /// <summary>All operations of the conventional cell.</summary>
    public IReadOnlyList<SymmetryOperation> Operations()
    {
        var ops = new SymmetryOperation[Order];
        for (int i = 0; i < ops.Length; i++) ops[i] = Operation(i);
        return ops;
    }

    /// <summary>The compile-time orbit table at <see cref="SpaceGroups.Cutoff"/>.</summary>
    public OrbitTable Basis => new(Index);

    /// <summary>A symbol that selects exactly this setting, e.g. <c>Fd-3m:1</c> or <c>P2_1/c</c>.</summary>
    public string Symbol => Setting.Length == 0 || IsStandard && (Setting.StartsWith("b", StringComparison.Ordinal) || Setting == "abc")
        ? HermannMauguinSetting.Replace(" ", "")
        : Number + ":" + Setting;

    /// <inheritdoc/>
    public bool Equals(SpaceGroupSetting other) => Index == other.Index;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SpaceGroupSetting s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode() => Index;

    /// <inheritdoc/>
    public override string ToString() => $"{HermannMauguin} (No. {Number}{(Setting.Length > 0 ? ", setting " + Setting : "")}, Hall '{Hall}')";
}

/// <summary>
/// View of one setting's compile-time orbit table. Orbits are in canonical order (extinct ones
/// included and flagged); members are indices into <see cref="FrequencyTable"/>; a member's phase p
/// means S_member = exp(2πi p / <see cref="PhaseDenominator"/>) · S_first.
/// </summary>
public readonly struct OrbitTable
{
    private readonly int _setting;

    internal OrbitTable(int setting) { _setting = setting; }

    private int Partition => SpaceGroupData.SettingPartition[_setting];

    private ReadOnlySpan<ushort> Bounds
    {
        get
        {
            int p = Partition;
            int start = SpaceGroupData.PartitionOrbitStart[p];
            return SpaceGroupData.OrbitMemberStart.Slice(start, SpaceGroupData.PartitionOrbitStart[p + 1] - start);
        }
    }

    /// <summary>Cutoff K of the table.</summary>
    public int Cutoff => SpaceGroupData.Cutoff;

    /// <summary>Number of orbits, extinct ones included.</summary>
    public int OrbitCount => Bounds.Length - 1;

    /// <summary>Number of non-extinct orbits.</summary>
    public int NonExtinctOrbitCount => SpaceGroupData.SettingNonExtinctOrbitCount[_setting];

    /// <summary>Size of the closed frequency set (all members of all orbits).</summary>
    public int ClosureSize => Bounds[Bounds.Length - 1];

    /// <summary>Phases are multiples of 2π / PhaseDenominator.</summary>
    public int PhaseDenominator => SpaceGroupData.SettingPhaseDenominator[_setting];

    /// <summary>All members of all orbits, as indices into <see cref="FrequencyTable"/>.</summary>
    public ReadOnlySpan<ushort> AllMembers
    {
        get
        {
            int p = Partition;
            int start = SpaceGroupData.PartitionMemberStart[p];
            return SpaceGroupData.Members.Slice(start, SpaceGroupData.PartitionMemberStart[p + 1] - start);
        }
    }

    /// <summary>All phase numerators, parallel to <see cref="AllMembers"/> (<see cref="ExtinctPhase"/> in extinct orbits).</summary>
    public ReadOnlySpan<byte> AllPhases => SpaceGroupData.Phases.Slice(SpaceGroupData.SettingPhaseStart[_setting], ClosureSize);

    /// <summary>Bounds of every orbit in <see cref="AllMembers"/>: orbit o spans [bounds[o], bounds[o+1]).</summary>
    public ReadOnlySpan<ushort> OrbitBounds => Bounds;

    /// <summary>The phase value that marks extinct orbits in <see cref="AllPhases"/>.</summary>
    public const byte ExtinctPhase = SpaceGroupData.ExtinctPhase;

    /// <summary>Members of orbit <paramref name="orbit"/>, first member first.</summary>
    public ReadOnlySpan<ushort> Members(int orbit)
    {
        var b = Bounds;
        return AllMembers.Slice(b[orbit], b[orbit + 1] - b[orbit]);
    }

    /// <summary>Phase numerators of orbit <paramref name="orbit"/>'s members.</summary>
    public ReadOnlySpan<byte> Phases(int orbit)
    {
        var b = Bounds;
        return AllPhases.Slice(b[orbit], b[orbit + 1] - b[orbit]);
    }

    /// <summary>Whether orbit <paramref name="orbit"/> is extinct (S ≡ 0: a systematic absence).</summary>
    public bool IsExtinct(int orbit) => AllPhases[Bounds[orbit]] == ExtinctPhase;
}

/// <summary>The global frequency list shared by every table (the union of every setting's closure), in canonical order.</summary>
public static class FrequencyTable
{
    /// <summary>Number of frequencies.</summary>
    public static int Count => SpaceGroupData.FrequencyCount;

    /// <summary>Component <paramref name="axis"/> (0 = h, 1 = k, 2 = l) of frequency <paramref name="index"/>.</summary>
    public static int Component(int index, int axis) => SpaceGroupData.Frequencies[3 * index + axis];

    /// <summary>All frequencies as flat (h, k, l) triples.</summary>
    public static ReadOnlySpan<sbyte> Flat => SpaceGroupData.Frequencies;

    /// <summary>Index of (h, k, l) in the list, or -1.</summary>
    public static int IndexOf(int h, int k, int l)
    {
        int lo = 0, hi = Count - 1;
        var f = SpaceGroupData.Frequencies;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int c = FrequencyOrder.Compare(f[3 * mid], f[3 * mid + 1], f[3 * mid + 2], h, k, l);
            if (c == 0) return mid;
            if (c < 0) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
    }
}
