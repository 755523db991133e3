namespace CftRuntime.Generator.Parsing;

/// <summary>The generator's diagnostic ids.</summary>
internal static class DiagnosticIds
{
    /// <summary>spacegroups.json is not valid JSON.</summary>
    public const string JsonSyntax = "CFT001";
    /// <summary>A field is missing or has the wrong type or range.</summary>
    public const string Field = "CFT002";
    /// <summary>A translation is not an exact fraction in [0, 1) (zero denominator included).</summary>
    public const string Fraction = "CFT003";
    /// <summary>The operations of an entry are not a group.</summary>
    public const string NotAGroup = "CFT004";
    /// <summary>Two entries share a hall_number or a (number, setting).</summary>
    public const string Duplicate = "CFT005";
    /// <summary>The catalogue is inconsistent (standard settings).</summary>
    public const string Catalog = "CFT006";
    /// <summary>The CftCutoff MSBuild property is not an integer in range.</summary>
    public const string Cutoff = "CFT007";
    /// <summary>No spacegroups.json among the AdditionalFiles.</summary>
    public const string MissingFile = "CFT008";
}
