using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace CftRuntime.Tests.Docs;

/// <summary>
/// Every <c>```csharp</c> block of README.md and docs/*.md is a complete top-level program: it is compiled with Roslyn
/// against the runtime and run in the repository root with the shipped models, and must print something without
/// throwing. (Python blocks and the shell tour are run by python/tests/test_docs.py.)
/// </summary>
[Collection("Console")]
public sealed class DocSnippetTests(Xunit.Abstractions.ITestOutputHelper log)
{
    private const string GlobalUsings = "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic;";

    public static IEnumerable<object[]> Snippets()
    {
        string root = TestData.RepositoryRoot;
        var pages = new[] { Path.Combine(root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(root, "docs"), "*.md").OrderBy(p => p, StringComparer.Ordinal));
        foreach (var page in pages)
        {
            var blocks = Regex.Matches(File.ReadAllText(page), @"^```csharp\n(.*?)^```", RegexOptions.Singleline | RegexOptions.Multiline);
            for (int i = 0; i < blocks.Count; i++)
                yield return new object[] { Path.GetRelativePath(root, page), i, blocks[i].Groups[1].Value };
        }
    }

    [Fact]
    public void The_docs_have_csharp_snippets() => Assert.True(Snippets().Count() >= 3, "expected the C# snippets of docs/cli.md");

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Snippet_compiles_and_runs(string page, int index, string code)
    {
        var assembly = Compile($"{page}#{index}", code);
        string output = RunInRepository(assembly);
        log.WriteLine(output);
        Assert.False(string.IsNullOrWhiteSpace(output), $"{page} C# block {index} printed nothing");
    }

    [Fact]
    public void A_snippet_that_throws_fails_the_run()
    {
        var assembly = Compile("inline", "using CftRuntime.Io;\nCifReader.ReadCrystals(\"data/examples/no-such-file.cif\");");
        var e = Assert.ThrowsAny<Exception>(() => RunInRepository(assembly));
        Assert.Contains("no-such-file.cif", e.ToString());
    }

    [Fact]
    public void A_snippet_that_does_not_compile_names_the_error()
    {
        var e = Assert.ThrowsAny<Exception>(() => Compile("inline", "using CftRuntime.Io;\nCifReader.NoSuchMethod();"));
        Assert.Contains("NoSuchMethod", e.Message);
    }

    private static Assembly Compile(string name, string code)
    {
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Latest);
        var trees = new[] { CSharpSyntaxTree.ParseText(GlobalUsings, options), CSharpSyntaxTree.ParseText(code, options, path: name) };
        // The host's trusted platform assemblies: the framework and every dependency of the tests (the runtime included).
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Snippet" + Guid.NewGuid().ToString("N"), trees, references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && d.Id.StartsWith("CS86"))).ToList();
        if (!result.Success || errors.Count > 0)
            throw new InvalidOperationException($"{name} does not compile:\n" + string.Join("\n", errors));
        return Assembly.Load(image.ToArray());
    }

    /// <summary>Runs the entry point with the repository root as working directory and the shipped models as $CFT_MODELS.</summary>
    private static string RunInRepository(Assembly assembly)
    {
        string oldDirectory = Directory.GetCurrentDirectory();
        string? oldModels = Environment.GetEnvironmentVariable(CftRuntime.Inference.CftPredictor.ModelDirectoryVariable);
        var oldOut = Console.Out;
        var output = new StringWriter();
        try
        {
            Directory.SetCurrentDirectory(TestData.RepositoryRoot);
            Environment.SetEnvironmentVariable(CftRuntime.Inference.CftPredictor.ModelDirectoryVariable, Path.Combine(TestData.RepositoryRoot, "models"));
            Console.SetOut(output);
            var entry = assembly.EntryPoint!;
            try
            {
                entry.Invoke(null, entry.GetParameters().Length == 0 ? null : new object[] { Array.Empty<string>() });
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw new InvalidOperationException("the snippet threw: " + e.InnerException, e.InnerException);
            }
            return output.ToString();
        }
        finally
        {
            Console.SetOut(oldOut);
            Environment.SetEnvironmentVariable(CftRuntime.Inference.CftPredictor.ModelDirectoryVariable, oldModels);
            Directory.SetCurrentDirectory(oldDirectory);
        }
    }
}
