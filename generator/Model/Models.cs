using Microsoft.CodeAnalysis.Text;

namespace CftRuntime.Generator.Model;

/// <summary>A diagnostic as plain data (no Roslyn Location inside the pipeline).</summary>
internal sealed record DiagnosticInfo(string Id, string Message, string FilePath, int Position, int Length, int Line, int Column)
{
    public LinePositionSpan LineSpan => new(new LinePosition(Line, Column), new LinePosition(Line, Column + System.Math.Max(Length, 1)));
}

/// <summary>
/// One setting of spacegroups.json. Operations are flat, 13 ints each: rotation row-major (9),
/// translation numerators (3), common denominator (1).
/// </summary>
internal sealed record SettingSpec(
    int Index,
    int HallNumber,
    int Number,
    string HermannMauguin,
    string HermannMauguinSetting,
    string Hall,
    string Setting,
    bool IsStandard,
    string CrystalSystem,
    string Centring,
    EquatableArray<string> Aliases,
    EquatableArray<int> Operations)
{
    public const int IntsPerOperation = 13;

    public int OperationCount => Operations.Count / IntsPerOperation;
}

/// <summary>What the parser made of spacegroups.json: the valid settings and every problem found.</summary>
internal sealed record CatalogSpec(string FilePath, EquatableArray<SettingSpec> Settings, EquatableArray<DiagnosticInfo> Diagnostics);

/// <summary>
/// The orbit basis of one setting as plain data: closure frequencies (flat triples, canonical order),
/// orbit bounds into the member list, members as closure indices, phase numerators over
/// <see cref="PhaseDenominator"/>, extinct flags per orbit.
/// </summary>
internal sealed record SettingBasisSpec(
    int SettingIndex,
    int PhaseDenominator,
    EquatableArray<int> Frequencies,
    EquatableArray<int> OrbitStart,
    EquatableArray<int> Members,
    EquatableArray<int> Phases,
    EquatableArray<bool> Extinct);

/// <summary>Everything the emitter writes: compact, deduplicated tables for all settings.</summary>
internal sealed record TablesSpec(
    int Cutoff,
    EquatableArray<SettingSpec> Settings,
    EquatableArray<int> Frequencies,
    EquatableArray<int> Rotations,
    EquatableArray<int> OperationRotation,
    EquatableArray<int> OperationTranslation,
    EquatableArray<int> SettingOperationStart,
    EquatableArray<int> SettingPartition,
    EquatableArray<int> SettingPhaseStart,
    EquatableArray<int> SettingPhaseDenominator,
    EquatableArray<int> SettingNonExtinctOrbitCount,
    EquatableArray<int> PartitionMemberStart,
    EquatableArray<int> PartitionOrbitStart,
    EquatableArray<int> OrbitMemberStart,
    EquatableArray<int> Members,
    EquatableArray<int> Phases,
    EquatableArray<int> StandardSetting,
    EquatableArray<SymbolKey> HermannMauguinKeys,
    EquatableArray<SymbolKey> HallKeys);

/// <summary>A normalised look-up key and the setting index it selects.</summary>
internal sealed record SymbolKey(string Key, int SettingIndex);
