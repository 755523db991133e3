using System;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using CftRuntime.Generator.Emitting;
using CftRuntime.Generator.Model;
using CftRuntime.Generator.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace CftRuntime.Generator;

/// <summary>
/// Reads spacegroups.json (AdditionalFiles) and emits compact static orbit/phase tables for every
/// setting. Pipeline: Parse → (per setting) BuildBasis → Assemble → Emit.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpaceGroupTablesGenerator : IIncrementalGenerator
{
    /// <summary>The file the generator reads.</summary>
    public const string FileName = "spacegroups.json";

    /// <summary>MSBuild property that sets the cutoff K (made visible with CompilerVisibleProperty).</summary>
    public const string CutoffProperty = "build_property.CftCutoff";

    /// <summary>Cutoff used when the property is absent.</summary>
    public const int DefaultCutoff = 4;

    /// <summary>Largest supported cutoff (member indices are 16-bit).</summary>
    public const int MaxCutoff = 12;

    /// <summary>Tracking names of the pipeline stages (asserted Cached on a second run by the tests).</summary>
    public static class Stages
    {
        /// <summary>JSON text → catalogue model.</summary>
        public const string Parse = nameof(Parse);
        /// <summary>MSBuild options → cutoff.</summary>
        public const string Cutoff = nameof(Cutoff);
        /// <summary>Catalogue → one model per setting.</summary>
        public const string Settings = nameof(Settings);
        /// <summary>Setting + cutoff → its orbit basis.</summary>
        public const string BuildBasis = nameof(BuildBasis);
        /// <summary>All bases → compact tables.</summary>
        public const string Assemble = nameof(Assemble);
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var files = context.AdditionalTextsProvider
            .Where(static f => string.Equals(Path.GetFileName(f.Path), FileName, StringComparison.OrdinalIgnoreCase))
            .Collect();

        var catalog = files
            .Select(static (texts, ct) => ParseFirst(texts, ct))
            .WithTrackingName(Stages.Parse);

        var cutoff = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) =>
            {
                options.GlobalOptions.TryGetValue(CutoffProperty, out var text);
                return text ?? "";
            })
            .WithTrackingName(Stages.Cutoff);

        var bases = catalog
            .SelectMany(static (c, _) => c.Settings.AsArray())
            .WithTrackingName(Stages.Settings)
            .Combine(cutoff)
            .Select(static (pair, ct) => TryParseCutoff(pair.Right, out int k) ? TablesBuilder.BuildBasis(pair.Left, k, ct) : null)
            .WithTrackingName(Stages.BuildBasis)
            .Collect();

        var tables = catalog.Combine(cutoff).Combine(bases)
            .Select(static (input, ct) =>
            {
                var ((cat, cutoffText), all) = input;
                if (cat.Diagnostics.Count > 0 || !TryParseCutoff(cutoffText, out int k) || cat.Settings.Count == 0 || all.Any(b => b is null))
                    return null;
                return TablesBuilder.Assemble(cat, all.Select(b => b!).ToImmutableArray(), k, ct);
            })
            .WithTrackingName(Stages.Assemble);

        context.RegisterSourceOutput(catalog.Combine(cutoff).Combine(tables), static (spc, input) =>
        {
            var ((cat, cutoffText), t) = input;
            foreach (var d in cat.Diagnostics) spc.ReportDiagnostic(ToDiagnostic(d));
            if (!TryParseCutoff(cutoffText, out _))
                spc.ReportDiagnostic(Diagnostic.Create(Descriptor(DiagnosticIds.Cutoff), Location.None,
                    $"MSBuild property CftCutoff is '{cutoffText}': expected an integer in 1..{MaxCutoff}"));
            if (t is not null) spc.AddSource(TablesEmitter.HintName, SourceText.From(TablesEmitter.Emit(t), System.Text.Encoding.UTF8));
        });
    }

    private static CatalogSpec ParseFirst(ImmutableArray<AdditionalText> texts, System.Threading.CancellationToken ct)
    {
        if (texts.IsDefaultOrEmpty)
            return new CatalogSpec("", EquatableArray<SettingSpec>.Empty, new[]
            {
                new DiagnosticInfo(DiagnosticIds.MissingFile, $"no {FileName} among the AdditionalFiles: add <AdditionalFiles Include=\"spacegroups.json\" /> to the project", "", 0, 0, 0, 0),
            }.ToEquatableArray());
        var file = texts.OrderBy(t => t.Path, StringComparer.Ordinal).First();
        var text = file.GetText(ct);
        if (text is null)
            return new CatalogSpec(file.Path, EquatableArray<SettingSpec>.Empty, new[]
            {
                new DiagnosticInfo(DiagnosticIds.MissingFile, $"{FileName} could not be read", file.Path, 0, 0, 0, 0),
            }.ToEquatableArray());
        return SpaceGroupJsonParser.Parse(text.ToString(), file.Path);
    }

    private static bool TryParseCutoff(string text, out int cutoff)
    {
        if (string.IsNullOrWhiteSpace(text)) { cutoff = DefaultCutoff; return true; }
        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out cutoff) && cutoff >= 1 && cutoff <= MaxCutoff;
    }

    private static Diagnostic ToDiagnostic(DiagnosticInfo d)
    {
        var location = d.FilePath.Length == 0 ? Location.None : Location.Create(d.FilePath, new TextSpan(d.Position, d.Length), d.LineSpan);
        return Diagnostic.Create(Descriptor(d.Id), location, d.Message);
    }

    private static DiagnosticDescriptor Descriptor(string id) =>
        new(id, Title(id), "{0}", "CftRuntime.Generator", DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static string Title(string id) => id switch
    {
        DiagnosticIds.JsonSyntax => "spacegroups.json is not valid JSON",
        DiagnosticIds.Field => "spacegroups.json has a missing or invalid field",
        DiagnosticIds.Fraction => "Translation is not an exact fraction in [0, 1)",
        DiagnosticIds.NotAGroup => "Operations are not a group",
        DiagnosticIds.Duplicate => "Duplicate space-group entry",
        DiagnosticIds.Catalog => "Inconsistent standard settings",
        DiagnosticIds.Cutoff => "Invalid CftCutoff",
        _ => "spacegroups.json not found",
    };
}
