using System.Globalization;
using System.Linq;
using System.Text.Json;
using CftRuntime.Basis;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Cli;

/// <summary><c>cft basis</c> and <c>cft basis eval</c>.</summary>
[Collection("Console")]
public class BasisCommandTests
{
    [Fact]
    public void Json_has_the_documented_fields_and_matches_the_tables()
    {
        var (code, output, error) = CliRunner.Run("basis", "--group", "P2_1/c", "--cutoff", "4", "--json");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(14, root.GetProperty("number").GetInt32());
        Assert.Equal("P2_1/c", root.GetProperty("hm").GetString());
        Assert.Equal("-P 2ybc", root.GetProperty("hall").GetString());
        Assert.Equal("b1", root.GetProperty("setting").GetString());
        Assert.Equal(4, root.GetProperty("order").GetInt32());
        Assert.Equal(new[] { "x,y,z", "-x,-y,-z", "-x,y+1/2,-z+1/2", "x,-y+1/2,z+1/2" }, root.GetProperty("operations").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, root.GetProperty("cutoff").GetInt32());
        Assert.Equal(729, root.GetProperty("closure_size").GetInt32());
        var orbits = root.GetProperty("orbits");
        Assert.Equal(SpaceGroups.Find("P2_1/c").Basis.NonExtinctOrbitCount, orbits.GetArrayLength());
        var second = orbits[2];
        Assert.Equal("[[1,1,0],[1,-1,0],[-1,1,0],[-1,-1,0]]", second.GetProperty("members").GetRawText());
        Assert.Equal("[[0,1],[1,2],[1,2],[0,1]]", second.GetProperty("phases").GetRawText());
        var extinct = root.GetProperty("extinct").EnumerateArray().Select(e => e.GetRawText()).ToList();
        Assert.Contains("[0,1,0]", extinct);
        Assert.Contains("[1,0,1]", extinct);
        Assert.DoesNotContain("[0,2,0]", extinct);
        int members = orbits.EnumerateArray().Sum(o => o.GetProperty("members").GetArrayLength());
        Assert.Equal(729, members + extinct.Count);
    }

    [Fact]
    public void Other_cutoffs_are_built_at_run_time_and_hexagonal_closures_exceed_the_cube()
    {
        var (code, output, _) = CliRunner.Run("basis", "--group", "P6/mmm", "--cutoff", "3", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(40, doc.RootElement.GetProperty("orbits").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("closure_size").GetInt32() > 343);
    }

    [Fact]
    public void Group_all_prints_every_setting()
    {
        var (code, output, _) = CliRunner.Run("basis", "--group", "all", "--cutoff", "1", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(SpaceGroups.Count, doc.RootElement.GetArrayLength());
        Assert.Equal("R", doc.RootElement.EnumerateArray().First(e => e.GetProperty("number").GetInt32() == 166 && e.GetProperty("setting").GetString() == "R").GetProperty("setting").GetString());
    }

    [Fact]
    public void Eval_prints_values_with_17_significant_digits_and_accepts_negative_numbers()
    {
        var (code, output, error) = CliRunner.Run("basis", "eval", "--group", "Fd-3m:1", "--hkl", "-1,1,1", "--hkl=2,-2,0", "--x", "0.1,-0.2,0.3", "--x=0.5,0.25,0.125");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var lines = output.Trim().Split('\n');
        Assert.Equal(4, lines.Length);
        var ops = SpaceGroups.Find("Fd-3m:1").Operations();
        foreach (var line in lines)
        {
            var f = line.Trim().Split(' ');
            Assert.Equal(8, f.Length);
            int h = int.Parse(f[0], CultureInfo.InvariantCulture), k = int.Parse(f[1], CultureInfo.InvariantCulture), l = int.Parse(f[2], CultureInfo.InvariantCulture);
            double x = double.Parse(f[3], CultureInfo.InvariantCulture), y = double.Parse(f[4], CultureInfo.InvariantCulture), z = double.Parse(f[5], CultureInfo.InvariantCulture);
            var expected = SymmetrisedPlaneWave.EvaluateDirect(ops, h, k, l, x, y, z);
            Assert.Equal(expected.Real, double.Parse(f[6], CultureInfo.InvariantCulture), 12);
            Assert.Equal(expected.Imaginary, double.Parse(f[7], CultureInfo.InvariantCulture), 12);
        }
        Assert.StartsWith("-1 1 1 0.10000000000000001 -0.20000000000000001 0.29999999999999999 ", lines[0]);
    }

    [Fact]
    public void Eval_accepts_negative_numbers_after_an_equals_sign_and_as_separate_tokens()
    {
        var (code, output, error) = CliRunner.Run("basis", "eval", "--group", "166:R", "--hkl=-1,0,2", "--x=-0.1,0.2,0.3", "--x", "-0.5,-0.25,1");
        Assert.Equal(0, code);
        Assert.Equal("", error);
        var lines = output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("-1 0 2 -0.10000000000000001 0.20000000000000001 0.29999999999999999 ", lines[0]);
        Assert.StartsWith("-1 0 2 -0.5 -0.25 1 ", lines[1]);
    }

    [Theory]
    [InlineData("basis", "--group", "P99", "--json")]
    [InlineData("basis", "--group", "Fm-3m", "--cutoff", "99")]
    [InlineData("basis", "--group", "Fm-3m", "--cutoff", "x")]
    [InlineData("basis", "eval", "--group", "nope", "--hkl", "1,0,0", "--x", "0,0,0")]
    [InlineData("basis", "eval", "--group", "Fm-3m", "--hkl", "1,0", "--x", "0,0,0")]
    [InlineData("basis", "eval", "--group", "Fm-3m", "--hkl", "1,0,0.5", "--x", "0,0,0")]
    [InlineData("basis", "eval", "--group", "Fm-3m", "--hkl", "1,0,0", "--x", "0,zero,0")]
    [InlineData("basis", "eval", "--group", "Fm-3m", "--hkl", "1,0,0", "--x", "0,NaN,0")]
    [InlineData("basis", "eval", "--group", "Fm-3m", "--hkl", "1,0,0")]
    [InlineData("basis")]
    public void Bad_input_exits_with_code_2_and_a_message(params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Equal("", output);
        Assert.StartsWith("cft: ", error);
    }
}
