extern alias generator;
using System.Linq;
using generator::CftRuntime.Generator;
using Microsoft.CodeAnalysis;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;
using Xunit.Abstractions;

namespace CftRuntime.Tests.Generator;

/// <summary>The incremental generator: caching, change detection, diagnostics, determinism, output.</summary>
public class GeneratorTests(ITestOutputHelper output)
{
    private static readonly string[] Stages =
    {
        SpaceGroupTablesGenerator.Stages.Parse, SpaceGroupTablesGenerator.Stages.Cutoff, SpaceGroupTablesGenerator.Stages.Settings,
        SpaceGroupTablesGenerator.Stages.BuildBasis, SpaceGroupTablesGenerator.Stages.Assemble,
    };

    [Fact]
    public void Second_run_is_fully_cached()
    {
        var compilation = GeneratorHarness.Compilation();
        var driver = GeneratorHarness.Driver(SmallCatalog.Json, "2").RunGenerators(compilation);
        // A new edit elsewhere in the compilation must not redo any stage.
        var edited = compilation.AddSyntaxTrees(Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Unrelated { }"));
        var second = driver.RunGenerators(edited).GetRunResult().Results.Single();
        foreach (var stage in Stages)
        {
            Assert.True(second.TrackedSteps.ContainsKey(stage), $"stage {stage} is not tracked");
            foreach (var step in second.TrackedSteps[stage])
                foreach (var (_, reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{stage}: {reason}");
        }
        foreach (var (_, reason) in second.TrackedOutputSteps.SelectMany(kv => kv.Value).SelectMany(s => s.Outputs))
            Assert.Equal(IncrementalStepRunReason.Cached, reason);
    }

    [Fact]
    public void Changing_the_json_changes_the_output_and_recomputes_only_the_changed_setting()
    {
        var compilation = GeneratorHarness.Compilation();
        var original = new GeneratorHarness.InMemoryText(GeneratorHarness.Path, SmallCatalog.Json);
        var driver = GeneratorHarness.Driver(original, "2").RunGenerators(compilation);
        string before = GeneratorHarness.Source(driver.GetRunResult().Results.Single());
        string changed = SmallCatalog.Json.Replace("\"hm\": \"P-1\"", "\"hm\": \"P-1 (changed)\"");
        driver = driver.ReplaceAdditionalText(original, new GeneratorHarness.InMemoryText(GeneratorHarness.Path, changed));
        var after = driver.RunGenerators(compilation).GetRunResult().Results.Single();
        Assert.NotEqual(before, GeneratorHarness.Source(after));
        Assert.Contains("P-1 (changed)", GeneratorHarness.Source(after));
        // Only the edited setting's basis is recomputed (its symbol changed, its orbits did not: Unchanged);
        // the other two settings' bases come from the cache.
        var reasons = after.TrackedSteps[SpaceGroupTablesGenerator.Stages.BuildBasis].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(3, reasons.Length);
        Assert.Equal(2, reasons.Count(r => r == IncrementalStepRunReason.Cached));
        Assert.Equal(1, reasons.Count(r => r == IncrementalStepRunReason.Unchanged));
    }

    [Fact]
    public void Output_is_deterministic_and_compiles()
    {
        string a = GeneratorHarness.Source(GeneratorHarness.Run(SmallCatalog.Json, "3"));
        string b = GeneratorHarness.Source(GeneratorHarness.Run(SmallCatalog.Json, "3"));
        Assert.Equal(a, b);
        var driver = GeneratorHarness.Driver(SmallCatalog.Json, "3");
        driver.RunGeneratorsAndUpdateCompilation(GeneratorHarness.Compilation(), out var compiled, out var diagnostics);
        Assert.Empty(diagnostics);
        Assert.Empty(compiled.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void Full_catalogue_output_is_byte_identical_across_runs()
    {
        string json = TestData.SpaceGroupsJson;
        var first = GeneratorHarness.Driver(json).RunGenerators(GeneratorHarness.Compilation());
        string a = GeneratorHarness.Source(first.GetRunResult().Results.Single());
        string b = GeneratorHarness.Source(GeneratorHarness.Run(json));
        Assert.Equal(a, b);
        Assert.Contains("public const int SettingCount = 530;", a);
        Assert.Contains("public const int Cutoff = 4;", a);
        output.WriteLine($"generator time on the full catalogue: {first.GetTimingInfo().ElapsedTime.TotalMilliseconds:F0} ms, {a.Length} chars of source");
    }

    [Fact]
    public void Generated_source_snapshot_for_a_small_catalogue() =>
        Snapshot.Match(GeneratorHarness.Source(GeneratorHarness.Run(SmallCatalog.Json, "1")).Split('\n'));
}
