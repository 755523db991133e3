extern alias generator;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using generator::CftRuntime.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace CftRuntime.Tests.Generator;

/// <summary>Runs <see cref="SpaceGroupTablesGenerator"/> in a CSharpGeneratorDriver over in-memory inputs.</summary>
internal static class GeneratorHarness
{
    public const string Path = "/repo/spacegroups.json";

    public static CSharpCompilation Compilation() => CSharpCompilation.Create("Tables",
        new[] { CSharpSyntaxTree.ParseText("namespace CftRuntime.Tables; internal static partial class SpaceGroupData { }") },
        Basic.References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));

    public static GeneratorDriver Driver(string json, string? cutoff = null) => Driver(new InMemoryText(Path, json), cutoff);

    public static GeneratorDriver Driver(AdditionalText text, string? cutoff) =>
        CSharpGeneratorDriver.Create(
            new[] { new SpaceGroupTablesGenerator().AsSourceGenerator() },
            new[] { text },
            CSharpParseOptions.Default,
            new Options(cutoff),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRunResult Run(string json, string? cutoff = null) =>
        Driver(json, cutoff).RunGenerators(Compilation()).GetRunResult().Results.Single();

    public static string Source(GeneratorRunResult result) => result.GeneratedSources.Single().SourceText.ToString();

    private static class Basic
    {
        public static readonly MetadataReference[] References = ((string)System.AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(System.IO.Path.PathSeparator)
            .Where(p => System.IO.Path.GetFileName(p) is "System.Runtime.dll" or "System.Private.CoreLib.dll" or "netstandard.dll" or "System.Memory.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray();
    }

    public sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path { get; } = path;
        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }

    private sealed class Options(string? cutoff) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Global(cutoff);
        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => GlobalOptions;
        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => GlobalOptions;

        private sealed class Global(string? cutoff) : AnalyzerConfigOptions
        {
            public override bool TryGetValue(string key, out string value)
            {
                value = cutoff ?? "";
                return key == SpaceGroupTablesGenerator.CutoffProperty && cutoff is not null;
            }
        }
    }
}
