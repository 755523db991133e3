using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace CftRuntime.Tests.Cli;

/// <summary><c>cft predict</c> with the shipped models on the bundled real examples.</summary>
[Collection("Console")]
public class PredictCommandTests
{
    private static string Examples => Path.Combine(TestData.RepositoryRoot, "data", "examples");

    [Fact]
    public void Csv_output_has_the_documented_header_ids_and_mae()
    {
        // 40 held-out CMR perovskites: both CMR models, each value with its ensemble std, in the models' domain.
        var (code, output, error) = CliRunner.Run("predict", Path.Combine(Examples, "cmr_perovskites_sample.csv"), "--format", "csv");
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,property,value,std,unit,spacegroup,setting,target,model,in_domain,domain_note,tensor", lines[0]);
        // The CMR models, and the models of every chemistry (moduli) whose elements cover them too.
        var all = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Contains(all, r => r[1] == "K_Voigt");
        var rows = all.Where(r => r[8].StartsWith("cmr_perovskites-", StringComparison.Ordinal)).ToList();
        Assert.Equal(80, rows.Count);
        Assert.Contains(rows, r => r[0].StartsWith("cmr-", StringComparison.Ordinal) && r[1] == "e_form" && r[4] == "eV/atom" && r[8] == "cmr_perovskites-e_form");
        Assert.All(rows, r => Assert.True(double.IsFinite(double.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture))));
        Assert.All(rows, r => Assert.True(double.Parse(r[3], System.Globalization.CultureInfo.InvariantCulture) >= 0, string.Join(",", r)));
        Assert.All(rows, r => Assert.Contains(int.Parse(r[5]), new[] { 25, 47, 99, 123, 221 }));
        Assert.True(rows.Count(r => r[9] == "true" && r[10] == "") >= 78, output);
        Assert.Matches(@"MAE e_form: [0-9.]+ eV/atom over 40 structures", error);
        Assert.Matches(@"MAE gap_gllbsc: [0-9.]+ eV over 40 structures", error);
    }

    [Fact]
    public void Json_output_is_one_object_per_line_and_failures_are_error_objects()
    {
        using var temp = new TempFolder("cft-predict");
        string dir = temp.Path;
        File.Copy(Path.Combine(Examples, "Li2O.cif"), Path.Combine(dir, "Li2O.cif"));
        File.WriteAllText(Path.Combine(dir, "broken.cif"), "data_x\n_cell_length_a 4\n");
        var (code, output, error) = CliRunner.Run("predict", dir, "--format", "json");
        Assert.Equal(1, code);
        var objects = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(objects, o => o.GetProperty("id").GetString() == "broken" && o.TryGetProperty("error", out _));
        // Each error object carries its typed status, in cft.h's spelling: a file that cannot be read is bad data.
        Assert.Equal("CFT_ERROR_ARGUMENT", objects.Single(o => o.GetProperty("id").GetString() == "broken").GetProperty("status").GetString());
        var li2o = objects.Where(o => o.GetProperty("id").GetString() == "Li2O" && o.TryGetProperty("value", out _)).ToList();
        Assert.NotEmpty(li2o);
        Assert.All(li2o, o => Assert.Equal(225, o.GetProperty("spacegroup").GetInt32()));
        Assert.Contains("broken", error);
    }

    [Fact]
    public void Table_output_for_carbon_has_the_carbon_energy_and_no_perovskite_heat_of_formation()
    {
        var (code, output, error) = CliRunner.Run("predict", Path.Combine(Examples, "carbon_24_sample.csv"));
        Assert.True(code == 0, error);
        Assert.Contains("energy_per_atom", output);
        Assert.DoesNotContain("e_form", output);
        Assert.Matches(@"MAE energy_per_atom: [0-9.]+ eV/atom over 20 structures", output);
    }

    /// <summary>Several chunks (600 structures, 128 per chunk) predicted whole, side by side: the output of --jobs 2 is
    /// byte for byte that of --jobs 1 (same batches, same order), in every format.</summary>
    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    [InlineData("table")]
    public void More_jobs_give_the_same_output_byte_for_byte(string format)
    {
        using var folder = new TempFolder("cft-jobs");
        string path = ManyPerovskites(folder.Path, 15);
        var one = CliRunner.Run("predict", path, "--format", format, "-m", "cmr_perovskites-e_form", "-m", "carbon_24-energy_per_atom", "-j", "1");
        var two = CliRunner.Run("predict", path, "--format", format, "-m", "cmr_perovskites-e_form", "-m", "carbon_24-energy_per_atom", "-j", "2");
        Assert.True(one.ExitCode == 0, one.Err);
        Assert.True(two.ExitCode == 0, two.Err);
        Assert.True(one.Out.Split('\n').Length > 1200, one.Out[..Math.Min(500, one.Out.Length)]);
        Assert.Equal(one.Out, two.Out);
        Assert.Equal(one.Err, two.Err);
    }

    /// <summary>The sample's 40 perovskites repeated <paramref name="copies"/> times under new ids (copy0-…, copy1-…): ids
    /// get longer from copy10 on, which falls in a later 128-structure chunk.</summary>
    private static string ManyPerovskites(string folder, int copies)
    {
        var text = File.ReadAllText(Path.Combine(Examples, "cmr_perovskites_sample.csv"));
        // A CSV record spans lines (the cif column): records start where an id does.
        var rows = System.Text.RegularExpressions.Regex.Split(text, "\n(?=cmr-)");
        var csv = new System.Text.StringBuilder(rows[0].TrimEnd('\n') + "\n");
        for (int copy = 0; copy < copies; copy++)
            foreach (var row in rows.Skip(1))
                csv.Append("copy").Append(copy).Append('-').Append(row.TrimEnd('\n')).Append('\n');
        string path = Path.Combine(folder, "perovskites.csv");
        File.WriteAllText(path, csv.ToString());
        return path;
    }

    /// <summary>Over several chunks whose ids grow longer, every row stands aligned under the header printed above it
    /// (the header is repeated when a chunk widens the columns).</summary>
    [Fact]
    public void Table_rows_stay_aligned_under_their_header_across_chunks()
    {
        using var folder = new TempFolder("cft-table");
        var (code, output, error) = CliRunner.Run("predict", ManyPerovskites(folder.Path, 15), "-m", "cmr_perovskites-e_form");
        Assert.True(code == 0, error);
        string? header = null;
        int headers = 0, rows = 0;
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("id ", StringComparison.Ordinal)) { header = line; headers++; continue; }
            if (line.StartsWith("MAE ", StringComparison.Ordinal)) continue;
            if (line.StartsWith("* outside the model's domain", StringComparison.Ordinal)) continue; // the footnote under a chunk with a flagged row
            Assert.NotNull(header);
            rows++;
            // Each column of the row starts where the header's column does (the separators are two spaces).
            foreach (var name in new[] { "property", "value", "± std", "unit", "space group", "setting", "target" })
            {
                int at = header.IndexOf("  " + name, StringComparison.Ordinal) + 2;
                Assert.True(line.Length > at && line[at - 1] == ' ' && line[at] != ' ', $"misaligned at '{name}':\n{header}\n{line}");
            }
        }
        Assert.Equal(600, rows);
        Assert.Equal(2, headers); // copy10- ids first appear in the second chunk and widen the id column once
    }

    [Fact]
    public void Shards_partition_the_inputs_and_property_selects_models()
    {
        string csv = Path.Combine(Examples, "carbon_24_sample.csv");
        var all = CliRunner.Run("predict", csv, "--format", "csv");
        Assert.True(all.ExitCode == 0, all.Err);
        var allRows = all.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList();
        Assert.Equal(20, allRows.Count(r => r.Split(',')[1] == "energy_per_atom"));
        var union = new System.Collections.Generic.List<string>();
        for (int i = 0; i < 3; i++)
        {
            var shard = CliRunner.Run("predict", csv, "--format", "csv", "--shard", $"{i}/3");
            Assert.True(shard.ExitCode == 0, shard.Err);
            union.AddRange(shard.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1));
        }
        // The same rows; a value may differ in its last float digit, since a structure's batch (and its padding) depends on the shard.
        static (string Key, double Value, double Std, string Tail) Parse(string row)
        {
            // The tensor column (a JSON object, last) carries the same float digits as value: compared through value.
            int tensor = row.IndexOf(",\"{", StringComparison.Ordinal);
            var f = (tensor < 0 ? row : row[..tensor]).Split(',');
            double D(string t) => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture);
            return (f[0] + "," + f[1], D(f[2]), D(f[3]), string.Join(",", f.Skip(4)));
        }
        var expected = allRows.Select(Parse).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        var actual = union.Select(Parse).OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        Assert.Equal(expected.Select(r => r.Key + "," + r.Tail), actual.Select(r => r.Key + "," + r.Tail));
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].Value - actual[i].Value) <= 1e-5 * Math.Max(1, Math.Abs(expected[i].Value)), $"{expected[i].Key}: {expected[i].Value} vs {actual[i].Value}");
            Assert.True(Math.Abs(expected[i].Std - actual[i].Std) <= 1e-4 * Math.Max(1, Math.Abs(expected[i].Std)), $"{expected[i].Key}: std {expected[i].Std} vs {actual[i].Std}");
        }
        var perov = CliRunner.Run("predict", Path.Combine(Examples, "cmr_perovskites_sample.csv"), "--format", "csv", "--property", "e_form");
        Assert.True(perov.ExitCode == 0, perov.Err);
        Assert.All(perov.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1), r => Assert.Equal("e_form", r.Split(',')[1]));
        Assert.Equal(2, CliRunner.Run("predict", csv, "--shard", "3/3").ExitCode);
        Assert.Equal(2, CliRunner.Run("predict", csv, "--property", "band_gap_of_unicorns").ExitCode);
    }

    [Fact]
    public void Models_lists_the_shipped_models_with_metadata()
    {
        var (code, output, error) = CliRunner.Run("models");
        Assert.True(code == 0, error);
        Assert.Contains("cmr_perovskites-e_form: e_form (eV/atom)", output);
        Assert.Contains("carbon_24-energy_per_atom: energy_per_atom (eV/atom)", output);
        Assert.Contains("test:     MAE", output);
        Assert.Contains("domain:   5 atoms per primitive cell; formula types", output);
        Assert.Contains("ensemble: 5 members", output);
        (code, output, _) = CliRunner.Run("models", "--json");
        Assert.Equal(0, code);
        var objects = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Directory.GetFiles(Path.Combine(TestData.RepositoryRoot, "models"), "*.onnx").Length, objects.Count);
        Assert.All(objects, o => Assert.Equal("cft-cube-half/K=4/F=728", o.GetProperty("metadata").GetProperty("cft.layout").GetString()));
        Assert.Equal(CftRuntime.Cli.Program.ModelError, CliRunner.Run("models", "--dir", "/nonexistent").ExitCode);
    }

    [Fact]
    public void Unknown_models_and_bad_options_are_usage_errors()
    {
        var (code, _, error) = CliRunner.Run("predict", Examples, "--model", "no-such-model");
        Assert.Equal(CftRuntime.Cli.Program.ModelError, code);
        Assert.Contains("no-such-model", error);
        Assert.Contains("known:", error);
        string empty = Path.Combine(Path.GetTempPath(), $"cft-empty-{Guid.NewGuid():N}");
        Directory.CreateDirectory(empty);
        try
        {
            (code, _, error) = CliRunner.Run("predict", empty);
            Assert.Equal(1, code);
            Assert.Contains("no structures found", error);
        }
        finally { Directory.Delete(empty); }
        (code, _, error) = CliRunner.Run("predict", Examples, "--batch-size", "0");
        Assert.Equal(2, code);
        Assert.Contains("--batch-size", error);
    }

    [Fact]
    public void Table_columns_stay_aligned_and_out_of_domain_values_are_marked_with_the_reason()
    {
        // Perovskites, carbon and the CIF examples (ids of different lengths, several models, some outside every domain).
        var (code, output, error) = CliRunner.Run("predict", Path.Combine(Examples, "cmr_perovskites_sample.csv"), Path.Combine(Examples, "carbon_24_sample.csv"), Examples);
        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string header = lines[0];
        int property = header.IndexOf("property", StringComparison.Ordinal), unit = header.IndexOf("unit", StringComparison.Ordinal);
        var rows = lines.Skip(1).Where(l => !l.StartsWith("MAE ", StringComparison.Ordinal) && !l.StartsWith("* ", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count > 100, output);
        Assert.All(rows, r => Assert.True(r[property - 1] == ' ' && r[property] != ' ' && r[unit - 1] == ' ' && r[unit] != ' ', $"misaligned:\n{header}\n{r}"));
        // Li2O is no perovskite: its e_form is marked, and stderr says why.
        Assert.Contains(rows, r => r.StartsWith("Li2O ", StringComparison.Ordinal) && r.Contains(" *"));
        Assert.Contains("Li2O: cmr_perovskites-e_form: outside the model's domain: 3 atoms per primitive cell; trained on 5", error);
        Assert.Contains("* outside the model's domain", output);
    }
}
