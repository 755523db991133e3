using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using CftRuntime.Tests.Cli;
using Xunit;

namespace CftRuntime.Tests.Symmetry;

/// <summary><c>cft symmetry</c> on the bundled examples and a broken input.</summary>
[Collection("Console")]
public class SymmetryCommandTests
{
    private static string Examples => Path.Combine(TestData.RepositoryRoot, "data", "examples");

    [Fact]
    public void Json_lines_have_the_fields_and_a_failed_input_gives_an_error_line_and_exit_code_1()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cft-sym-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string bad = Path.Combine(dir, "bad.cif");
            File.WriteAllText(bad, "data_bad\n_cell_length_a 3\n");
            var (code, stdout, _) = CliRunner.Run("symmetry", Examples, bad, "--json");
            Assert.Equal(1, code);
            var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Equal(10, lines.Count); // 9 bundled structures (8 CIFs, 1 POSCAR), the broken CIF
            var error = Assert.Single(lines, l => l.TryGetProperty("error", out _));
            Assert.Equal("bad", error.GetProperty("id").GetString());
            Assert.Equal(bad, error.GetProperty("file").GetString());
            Assert.Equal("CFT_ERROR_ARGUMENT", error.GetProperty("status").GetString());
            foreach (var l in lines.Where(l => !l.TryGetProperty("error", out _)))
            {
                Assert.Equal(new[] { "id", "file", "number", "hm", "setting", "order", "cell", "lattice", "sites" }, l.EnumerateObject().Select(p => p.Name));
                Assert.Equal(6, l.GetProperty("cell").GetArrayLength());
                foreach (var s in l.GetProperty("sites").EnumerateArray())
                {
                    Assert.Equal(new[] { "element", "number", "xyz", "multiplicity", "occupancy" }, s.EnumerateObject().Select(p => p.Name));
                    Assert.Equal(3, s.GetProperty("xyz").GetArrayLength());
                }
            }
            var li2o = lines.Single(l => l.GetProperty("id").GetString() == "Li2O");
            Assert.Equal(225, li2o.GetProperty("number").GetInt32());
            Assert.Equal("Fm-3m", li2o.GetProperty("hm").GetString());
            Assert.Equal(new[] { ("Li", 8), ("O", 4) }, li2o.GetProperty("sites").EnumerateArray().Select(s => (s.GetProperty("element").GetString()!, s.GetProperty("multiplicity").GetInt32())).OrderBy(x => x.Item1));
            var fd3m = lines.Single(l => l.GetProperty("id").GetString() == "POSCAR-227");
            Assert.Equal(227, fd3m.GetProperty("number").GetInt32());
            Assert.Equal("227:2", fd3m.GetProperty("setting").GetString());
            Assert.Equal(160, fd3m.GetProperty("sites").EnumerateArray().Sum(s => s.GetProperty("multiplicity").GetInt32()));

            var (ok, text, err) = CliRunner.Run("symmetry", Path.Combine(Examples, "Li2O.cif"));
            Assert.Equal(0, ok);
            Assert.Equal("", err);
            Assert.Contains("Li2O: No. 225 Fm-3m, setting Fm-3m", text);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Csv_ids_are_material_ids_and_bad_tolerances_are_usage_errors()
    {
        var (code, stdout, _) = CliRunner.Run("symmetry", Path.Combine(Examples, "perov_5_sample.csv"), "--json", "--tolerance", "0.1");
        Assert.Equal(0, code);
        var first = JsonDocument.Parse(stdout.Split('\n')[0]).RootElement;
        Assert.Equal("18517", first.GetProperty("id").GetString());
        Assert.Equal(221, first.GetProperty("number").GetInt32()); // val_spacegroups.csv: 99 at 0.01, 221 at 0.1
        Assert.Equal(2, CliRunner.Run("symmetry", Examples, "--tolerance", "-1").ExitCode);
        Assert.Equal(2, CliRunner.Run("symmetry").ExitCode);
    }

    [Fact]
    public void Without_spglib_inputs_with_symmetry_still_work_and_p1_inputs_name_the_package()
    {
        // A child process whose libsymspg cannot be loaded (CFT_SPGLIB names a missing file).
        var psi = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "cft.dll"), "symmetry", "--json", Path.Combine(Examples, "Li2O.cif"), Path.Combine(Examples, "POSCAR-227") })
            psi.ArgumentList.Add(a);
        psi.Environment["CFT_SPGLIB"] = "/nonexistent/libsymspg.so.1";
        using var p = System.Diagnostics.Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(1, p.ExitCode);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(225, lines[0].GetProperty("number").GetInt32()); // the CIF's own Fm-3m
        Assert.Contains("apt-get install libsymspg1", lines[1].GetProperty("error").GetString());
        Assert.Equal("CFT_ERROR_SYMMETRY", lines[1].GetProperty("status").GetString()); // typed, in cft.h's spelling
    }

    [Fact]
    public void Species_option_names_the_elements_of_vasp4_poscars()
    {
        string poscar = System.IO.Path.Combine(TestData.RepositoryRoot, "..", "shared", "data", "spglib_poscar", "cubic", "POSCAR-230-3");
        var (code, _, stderr) = CftRuntime.Tests.Cli.CliRunner.Run("symmetry", poscar);
        Assert.Equal(1, code);
        Assert.Contains("--species", stderr);
        var (ok, output, _) = CftRuntime.Tests.Cli.CliRunner.Run("symmetry", poscar, "--species", "Li,La,Ta,O", "--json");
        Assert.Equal(0, ok);
        Assert.Contains("\"number\":230", output);
        Assert.Contains("\"element\":\"Ta\"", output);
        var (bad, _, badError) = CftRuntime.Tests.Cli.CliRunner.Run("symmetry", poscar, "--species", "Li,Xx");
        Assert.Equal(2, bad);
        Assert.Contains("'Xx' is not an element symbol", badError);
    }
}
