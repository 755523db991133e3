using System;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Cli;

/// <summary><c>cft featurize</c> and the structure sources behind it, on the bundled real examples.</summary>
[Collection("Console")]
public class FeaturizeCommandTests
{
    private static string Examples => Path.Combine(TestData.RepositoryRoot, "data", "examples");

    [Fact]
    public void Structure_source_reads_files_folders_and_csv_with_ids_and_targets()
    {
        var records = StructureSource.Enumerate(new[] { Examples }).ToList();
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Equal(9, records.Count); // 8 CIFs + 1 POSCAR; the CSV is not picked up from a folder
        var li2o = records.Single(r => r.Id == "Li2O");
        Assert.Equal(225, li2o.Crystal!.Symmetry.Number);
        Assert.Equal(new[] { 4, 8 }, li2o.Crystal.Sites.Select(s => s.Multiplicity).OrderBy(m => m));

        var csv = StructureSource.Enumerate(new[] { Path.Combine(Examples, "perov_5_sample.csv") }).ToList();
        Assert.Equal(20, csv.Count);
        Assert.All(csv, r => Assert.NotNull(r.Crystal));
        Assert.Equal("18517", csv[0].Id); // material_id column
        Assert.True(csv[0].Targets.ContainsKey("heat_ref"));
        Assert.Equal(5, csv[0].Crystal!.Sites.Count);
    }

    [Fact]
    public void Csv_without_material_id_uses_row_numbers_and_bad_rows_are_reported()
    {
        using var temp = new TempFolder("cft-csv");
        string dir = temp.Path;
        string cif = File.ReadAllText(Path.Combine(Examples, "Li2O.cif")).Replace("\"", "\"\"");
        File.WriteAllText(Path.Combine(dir, "in.csv"), $"name,cif,energy\na,\"{cif}\",1.5\nb,\"not a cif\",2\n");
        var records = StructureSource.Enumerate(new[] { Path.Combine(dir, "in.csv") }).ToList();
        Assert.Equal(new[] { "1", "2" }, records.Select(r => r.Id));
        Assert.NotNull(records[0].Crystal);
        Assert.Equal(1.5, records[0].Targets["energy"]);
        Assert.Null(records[1].Crystal);
        Assert.True(records[1].Error!.Contains("in.csv:"), records[1].Error);
    }

    [Fact]
    public void Cgcnn_folder_with_id_prop_csv_is_read_in_its_order_with_values()
    {
        using var temp = new TempFolder("cft-cgcnn");
        string dir = temp.Path;
        File.Copy(Path.Combine(Examples, "Li2O.cif"), Path.Combine(dir, "mp-1960.cif"));
        File.Copy(Path.Combine(Examples, "CuCl.cif"), Path.Combine(dir, "mp-22914.cif"));
        File.WriteAllText(Path.Combine(dir, "id_prop.csv"), "mp-22914,-1.25\nmp-1960,-2.5\nmp-missing,0\n");
        var records = StructureSource.Enumerate(new[] { dir }).ToList();
        Assert.Equal(new[] { "mp-22914", "mp-1960", "mp-missing" }, records.Select(r => r.Id));
        Assert.Equal(-1.25, records[0].Targets["value"]);
        Assert.Equal(225, records[1].Crystal!.Symmetry.Number);
        Assert.Null(records[2].Crystal);
        Assert.Contains("mp-missing.cif not found", records[2].Error);
    }

    [Fact]
    public void Featurize_writes_an_npz_whose_features_match_the_featurizer()
    {
        string output = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}.npz");
        try
        {
            var (code, stdout, stderr) = CliRunner.Run("featurize", Examples, Path.Combine(Examples, "perov_5_sample.csv"), "--out", output, "--jobs", "2");
            Assert.Equal(0, code);
            // The only message: V2O3.cif is written on rhombohedral axes and is featurized on hexagonal axes.
            Assert.Equal("cft: V2O3: described in R-3c (No. 167, setting R, Hall '-P 3* 2n'); used its standardised cell in R-3c (No. 167, setting H, Hall '-R 3 2\"c')", stderr.Trim());
            Assert.Contains("29 structures", stdout);
            // Re-read with NumPy and compare one structure's rows with the library.
            var li2o = CftRuntime.Symmetry.SymmetryFinder.Standardize(StructureSource.Enumerate(new[] { Path.Combine(Examples, "Li2O.cif") }).Single().Crystal!).Crystal;
            var expected = new Featurizer().Featurize(li2o);
            string script = "import numpy as np, sys; d = np.load(sys.argv[1]); i = list(d['ids']).index('Li2O'); s, e = d['site_start'][i], d['site_start'][i + 1]; " +
                            "f = d['features'][s:e]; print(f.shape[0], f.shape[1], d['space_group'][i], d['multiplicity'][s:e].sum(), ' '.join(repr(float(v)) for v in f.ravel()[:6]))";
            var (exitCode, text) = TestData.RunPython(script, output);
            Assert.True(exitCode == 0, text);
            var fields = text.Trim().Split(' ');
            Assert.Equal(li2o.Sites.Count.ToString(), fields[0]);
            Assert.Equal("728", fields[1]);
            Assert.Equal("225", fields[2]);
            Assert.Equal("12", fields[3]);
            for (int k = 0; k < 6; k++) Assert.Equal(expected[k], float.Parse(fields[4 + k], System.Globalization.CultureInfo.InvariantCulture));
        }
        finally { File.Delete(output); }
    }

    /// <summary>Features and pairs are spooled chunk by chunk (256 structures): across chunk boundaries every structure's
    /// rows are its own, and no temporary file is left beside the output.</summary>
    [Fact]
    public void Featurize_over_several_chunks_keeps_every_structure_s_rows_and_leaves_no_temporary_file()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}");
        string inputs = Path.Combine(dir, "in"), outputs = Path.Combine(dir, "out");
        Directory.CreateDirectory(inputs);
        Directory.CreateDirectory(outputs);
        try
        {
            string[] sources = ["Li2O.cif", "abinit__si.cif", "Graphite.cif"];
            for (int i = 0; i < 600; i++) File.Copy(Path.Combine(Examples, sources[i % 3]), Path.Combine(inputs, $"s{i:D4}.cif"));
            string output = Path.Combine(outputs, "all.npz");
            var (code, stdout, stderr) = CliRunner.Run("featurize", inputs, "--out", output, "--jobs", "2");
            Assert.True(code == 0, stderr);
            Assert.Contains("600 structures", stdout);
            Assert.Equal(new[] { "all.npz" }, Directory.GetFiles(outputs).Select(Path.GetFileName).ToArray());
            // Structure i and structure i mod 3 are the same file: the same feature and pair rows wherever the chunks cut.
            string script = "import numpy as np, sys; d = np.load(sys.argv[1]); s, p, f, q = d['site_start'], d['pair_start'], d['features'], d['pair']\n" +
                            "bad = [i for i in range(600) if not (np.array_equal(f[s[i]:s[i+1]], f[s[i%3]:s[i%3+1]]) and np.array_equal(q[p[i]:p[i+1]], q[p[i%3]:p[i%3+1]]))]\n" +
                            "print(len(d['ids']), s[-1] == len(f), p[-1] == len(q), bad)";
            var (exitCode, text) = TestData.RunPython(script, output);
            Assert.True(exitCode == 0, text);
            Assert.Equal("600 True True []", text.Trim());
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Plain_features_are_every_atom_of_the_standard_cell_in_P1_with_its_pair_block()
    {
        using var temp = new TempFolder("cft-plain");
        string dir = temp.Path;
        string csv = Path.Combine(Examples, "perov_5_sample.csv");
        Assert.Equal(0, CliRunner.Run("featurize", csv, "--out", Path.Combine(dir, "std.npz")).ExitCode);
        Assert.Equal(0, CliRunner.Run("featurize", csv, "--out", Path.Combine(dir, "plain.npz"), "--plain").ExitCode);
        string script = "import numpy as np, sys; a = np.load(sys.argv[1] + '/std.npz'); b = np.load(sys.argv[1] + '/plain.npz'); " +
                        "n = np.diff(b['site_start']); m = np.diff(a['site_start']); " +
                        "print(sorted(set(int(v) for v in b['space_group'])), int(b['multiplicity'].max()), int(n.sum()), int(a['multiplicity'].sum()), " +
                        "b['pair'].shape[0] == int((n * n).sum()), a['pair'].shape[0] == int((m * m).sum()), b['pair'].shape[1], str(b['pair_layout'][0]), " +
                        "bool(np.allclose(a['lattice'], b['lattice'])), bool((b['standard_space_group'] == a['space_group']).all()), bool((a['standard_space_group'] == a['space_group']).all()))";
        var (exitCode, text) = TestData.RunPython(script, dir);
        Assert.True(exitCode == 0, text);
        // P1, multiplicity 1, one row per atom (20 × 5), pair blocks S_i² × 24 in both, the same standard cells,
        // and standard_space_group keeps the standardised group (what zero-shot splits hold out).
        Assert.Equal("[1] 1 100 100 True True 24 rbf-orbit/cutoff=6/R=24/width=0.25 True True True", text.Trim());
    }

    [Fact]
    public void Angular_channels_follow_the_radial_ones_and_a_basis_outside_the_bounds_is_a_usage_error()
    {
        using var temp = new TempFolder("cft-angular");
        string dir = temp.Path;
        string csv = Path.Combine(Examples, "carbon_24_sample.csv");
        Assert.Equal(0, CliRunner.Run("featurize", csv, "--reduced-cell", "--out", Path.Combine(dir, "radial.npz")).ExitCode);
        Assert.Equal(0, CliRunner.Run("featurize", csv, "--reduced-cell", "--angular-cutoff", "3.5", "--out", Path.Combine(dir, "angular.npz")).ExitCode);
        string script = "import numpy as np, sys; a = np.load(sys.argv[1] + '/radial.npz'); b = np.load(sys.argv[1] + '/angular.npz'); " +
                        "print(a['pair'].shape[1], b['pair'].shape[1], bool((a['pair'] == b['pair'][:, :24]).all()), bool((b['pair'][:, 24:] > 0.1).any()), str(b['pair_layout'][0]))";
        var (exitCode, text) = TestData.RunPython(script, dir);
        Assert.True(exitCode == 0, text);
        // 24 radial channels, then 6 × 9 angular ones; the radial ones unchanged.
        Assert.Equal("24 78 True True rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=6/A=9/width=0.15", text.Trim());
        foreach (var bad in new[] { new[] { "--angular-cutoff", "9" }, new[] { "--angular-cutoff", "3.5", "--angles", "1" }, new[] { "--angular-cutoff", "2", "--angular-start", "2" } })
        {
            var (code, _, stderr) = CliRunner.Run(new[] { "featurize", csv, "--reduced-cell", "--out", Path.Combine(dir, "bad.npz") }.Concat(bad).ToArray());
            Assert.Equal(2, code);
            Assert.Contains("--angular-cutoff", stderr);
            Assert.False(File.Exists(Path.Combine(dir, "bad.npz")));
        }
    }

    [Fact]
    public void P1_inputs_are_standardised_unless_the_setting_is_kept()
    {
        using var temp = new TempFolder("cft-std");
        string dir = temp.Path;
        string csv = Path.Combine(Examples, "perov_5_sample.csv");
        Assert.Equal(0, CliRunner.Run("featurize", csv, "--out", Path.Combine(dir, "std.npz")).ExitCode);
        Assert.Equal(0, CliRunner.Run("featurize", csv, "--out", Path.Combine(dir, "p1.npz"), "--keep-setting").ExitCode);
        string script = "import numpy as np, sys; a = np.load(sys.argv[1] + '/std.npz'); b = np.load(sys.argv[1] + '/p1.npz'); " +
                        "print(sorted(set(int(v) for v in a['space_group'])), sorted(set(int(v) for v in b['space_group'])), int(a['multiplicity'].sum()), int(b['multiplicity'].sum()), " +
                        "round(float(a['target_heat_ref'][0]), 6), int(np.isnan(a['target_dir_gap']).sum()))";
        var (exitCode, text) = TestData.RunPython(script, dir);
        Assert.True(exitCode == 0, text);
        // perov_5 (spglib, 0.01 Å): Pmm2, P4mm, P4/mmm, Pm-3m, ...; kept as written: all P1. 20 × 5 atoms either way.
        Assert.DoesNotContain("[1]", text.Split(']')[0] + "]");
        Assert.Contains("] [1] 100 100 ", text);
        // Targets travel with the rows: heat_ref of material 18517 is the CSV's value; no gap is missing.
        var csvRow = StructureSource.Enumerate(new[] { csv }).First();
        Assert.EndsWith($" {Math.Round(csvRow.Targets["heat_ref"], 6).ToString(System.Globalization.CultureInfo.InvariantCulture)} 0", text.Trim());
    }

    [Fact]
    public void Disordered_files_in_a_standard_setting_fall_back_to_their_own_symmetry()
    {
        using var temp = new TempFolder("cft-dis");
        string dir = temp.Path;
        // P-1 with two half-occupied alternative positions 0.005 Å apart: spglib refuses them (too close).
        File.WriteAllText(Path.Combine(dir, "disordered.cif"), "data_d\n_cell_length_a 5\n_cell_length_b 6\n_cell_length_c 7\n_cell_angle_alpha 80\n_cell_angle_beta 85\n_cell_angle_gamma 95\n" +
            "_symmetry_space_group_name_H-M 'P -1'\nloop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n" +
            "C1 C 0.1 0.2 0.3 0.5\nC2 C 0.101 0.2 0.3 0.5\nO1 O 0.4 0.1 0.2 1\n");
        var (code, stdout, stderr) = CliRunner.Run("featurize", dir, "--out", Path.Combine(dir, "d.npz"));
        Assert.Equal(0, code);
        Assert.Contains("used the file's own standard setting P-1", stderr);
        Assert.Contains("1 structures, 3 sites", stdout);
    }

    [Fact]
    public void Failed_inputs_are_reported_the_rest_written_and_the_exit_code_is_1()
    {
        using var temp = new TempFolder("cft-bad");
        string dir = temp.Path;
        File.Copy(Path.Combine(Examples, "Li2O.cif"), Path.Combine(dir, "good.cif"));
        File.WriteAllText(Path.Combine(dir, "broken.cif"), "data_x\n_cell_length_a 4\nloop_\n_atom_site_label\n_atom_site_fract_x\nA 'unterminated\n");
        string output = Path.Combine(dir, "out.npz");
        var (code, stdout, stderr) = CliRunner.Run("featurize", dir, "--out", output);
        Assert.Equal(1, code);
        Assert.Contains("broken.cif:6", stderr);
        Assert.Contains("1 structures", stdout);
        Assert.True(File.Exists(output));
        // .npy holds one structure only; the usage error writes nothing.
        var (code2, _, stderr2) = CliRunner.Run("featurize", Examples, "--out", Path.Combine(dir, "many.npy"));
        Assert.Equal(2, code2);
        Assert.Contains(".npz", stderr2);
        Assert.False(File.Exists(Path.Combine(dir, "many.npy")));
        var (code3, _, _) = CliRunner.Run("featurize", Path.Combine(dir, "good.cif"), "--out", Path.Combine(dir, "one.npy"));
        Assert.Equal(0, code3);
        Assert.True(File.Exists(Path.Combine(dir, "one.npy")));
        var (code4, _, stderr4) = CliRunner.Run("featurize", Path.Combine(dir, "nothing-here.cif"), "--out", Path.Combine(dir, "none.npz"));
        Assert.Equal(1, code4);
        Assert.Contains("no such file", stderr4);
        Assert.False(File.Exists(Path.Combine(dir, "none.npz")));
    }
}
