extern alias generator;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace CftRuntime.Tests.Generator;

/// <summary>Bad spacegroups.json input becomes a located CFT0xx diagnostic, never an exception in the compiler.</summary>
public class DiagnosticTests
{
    private static Diagnostic Single(string json, string? cutoff = null)
    {
        var result = GeneratorHarness.Run(json, cutoff);
        Assert.Null(result.Exception);
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        return d;
    }

    private static (int Line, int Column) Position(Diagnostic d)
    {
        var span = d.Location.GetLineSpan();
        Assert.Equal(GeneratorHarness.Path, span.Path);
        return (span.StartLinePosition.Line + 1, span.StartLinePosition.Character + 1);
    }

    [Fact]
    public void Syntax_error_is_CFT001_with_line_and_column()
    {
        var d = Single(SmallCatalog.Json.Replace("\"hm\": \"P-1\",", "\"hm\": \"P-1\" \"oops\","));
        Assert.Equal("CFT001", d.Id);
        Assert.Equal((11, 50), Position(d)); // the unexpected "oops" token
        Assert.Contains("expected ',' or '}'", d.GetMessage());
    }

    [Fact]
    public void Truncated_file_is_CFT001()
    {
        var d = Single(SmallCatalog.Json.Substring(0, 400));
        Assert.Equal("CFT001", d.Id);
    }

    [Fact]
    public void Operations_that_are_not_a_group_are_CFT004()
    {
        // Drop the inversion of P2_1/c: the remaining three operations are not closed.
        string json = SmallCatalog.Json.Replace(
            "        {\"r\": [[-1, 0, 0], [0, -1, 0], [0, 0, -1]], \"t\": [\"0\", \"0\", \"0\"]},\n        {\"r\": [[1, 0, 0], [0, -1, 0], [0, 0, 1]]",
            "        {\"r\": [[1, 0, 0], [0, -1, 0], [0, 0, 1]]");
        var d = Single(json);
        Assert.Equal("CFT004", d.Id);
        Assert.Contains("not closed under composition", d.GetMessage());
        Assert.Contains("space group 14", d.GetMessage());
        Assert.Equal(21, Position(d).Line); // the "operations" array
    }

    [Fact]
    public void Zero_denominator_is_CFT003()
    {
        var d = Single(SmallCatalog.Json.Replace("\"t\": [\"0\", \"1/2\", \"1/2\"]},\n        {\"r\": [[-1, 0, 0], [0, -1, 0]", "\"t\": [\"0\", \"1/0\", \"1/2\"]},\n        {\"r\": [[-1, 0, 0], [0, -1, 0]"));
        Assert.Equal("CFT003", d.Id);
        Assert.Contains("zero denominator", d.GetMessage());
        Assert.Equal(23, Position(d).Line); // the "1/0" value
    }

    [Fact]
    public void Translation_outside_0_1_is_CFT003()
    {
        var d = Single(SmallCatalog.Json.Replace("\"t\": [\"0\", \"1/2\", \"1/2\"]},\n        {\"r\": [[-1, 0, 0], [0, -1, 0]", "\"t\": [\"0\", \"3/2\", \"1/2\"]},\n        {\"r\": [[-1, 0, 0], [0, -1, 0]"));
        Assert.Equal("CFT003", d.Id);
        Assert.Contains("[0, 1)", d.GetMessage());
    }

    [Fact]
    public void Duplicate_entry_is_CFT005()
    {
        var d = Single(SmallCatalog.Json.Replace("\"hall_number\": 2,", "\"hall_number\": 1,"));
        Assert.Equal("CFT005", d.Id);
        Assert.Contains("hall_number 1", d.GetMessage());
        Assert.Equal(10, Position(d).Line);
    }

    [Fact]
    public void Missing_field_is_CFT002()
    {
        var d = Single(SmallCatalog.Json.Replace("\"number\": 14,", ""));
        Assert.Equal("CFT002", d.Id);
        Assert.Contains("missing field \"number\"", d.GetMessage());
    }

    [Fact]
    public void Wrong_rotation_shape_is_CFT002()
    {
        var d = Single(SmallCatalog.Json.Replace("{\"r\": [[-1, 0, 0], [0, -1, 0], [0, 0, -1]], \"t\": [\"0\", \"0\", \"0\"]}\n      ]\n    },\n    {\n      \"hall_number\": 81",
                                                 "{\"r\": [[-1, 0, 0], [0, -1, 0]], \"t\": [\"0\", \"0\", \"0\"]}\n      ]\n    },\n    {\n      \"hall_number\": 81"));
        Assert.Equal("CFT002", d.Id);
        Assert.Contains("3 rows", d.GetMessage());
    }

    [Fact]
    public void Two_standard_settings_are_CFT006()
    {
        var d = Single(SmallCatalog.Json.Replace("\"number\": 2, \"hm\": \"P-1\", \"hm_setting\": \"P -1\", \"hall\": \"-P 1\", \"setting\": \"\"",
                                                 "\"number\": 1, \"hm\": \"P-1\", \"hm_setting\": \"P -1\", \"hall\": \"-P 1\", \"setting\": \"alt\""));
        Assert.Equal("CFT006", d.Id);
        Assert.Contains("more than one entry marked", d.GetMessage());
    }

    [Fact]
    public void Bad_cutoff_is_CFT007()
    {
        var d = Single(SmallCatalog.Json, "forty");
        Assert.Equal("CFT007", d.Id);
        Assert.Contains("CftCutoff", d.GetMessage());
    }

    [Fact]
    public void Every_corruption_of_the_file_gives_diagnostics_not_exceptions()
    {
        var rng = new System.Random(12345);
        string json = SmallCatalog.Json;
        for (int i = 0; i < 300; i++)
        {
            var chars = json.ToCharArray();
            int edits = 1 + rng.Next(3);
            for (int e = 0; e < edits; e++) chars[rng.Next(chars.Length)] = "{}[],:\"01/-xa \n"[rng.Next(15)];
            string broken = rng.Next(4) == 0 ? new string(chars, 0, rng.Next(chars.Length)) : new string(chars);
            var result = GeneratorHarness.Run(broken, "1");
            Assert.Null(result.Exception);
            Assert.All(result.Diagnostics, d => Assert.StartsWith("CFT", d.Id));
        }
    }
}
