using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Errors;
using CftRuntime.Inference;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tables;
using CftRuntime.Tests.Cli;
using Xunit;

namespace CftRuntime.Tests.Inference;

/// <summary>One error model: every bad-input exception is a <see cref="CftException"/> with its status; the size limits hold.</summary>
[Collection("Console")]
public class PipelineErrorTests
{
    private static readonly Lattice Cubic = Lattice.FromParameters(5, 5, 5, 90, 90, 90);

    /// <summary>A P1 cell of <paramref name="atoms"/> Si/O atoms on a jittered grid (no two closer than about 1 Å).</summary>
    private static Crystal JitteredCell(string id, int atoms)
    {
        int m = (int)Math.Ceiling(Math.Cbrt(atoms));
        var rng = new Random(atoms);
        double edge = Math.Cbrt(atoms * 12.0);
        var sites = Enumerable.Range(0, atoms).Select(i =>
        {
            double F(int g) => (g + 0.5 + (rng.NextDouble() - 0.5) * 0.4) / m;
            return new Site(i % 2 == 0 ? 14 : 8, F(i / (m * m)), F(i / m % m), F(i % m));
        });
        return new Crystal(id, Lattice.FromParameters(edge, edge * 1.01, edge * 0.99, 90, 90, 90), CrystalSymmetry.P1, sites);
    }

    [Fact]
    public void Every_bad_input_exception_carries_its_status()
    {
        Assert.Equal(CftStatus.Argument, Assert.Throws<InvalidStructureException>(() => Lattice.FromParameters(0, 5, 5, 90, 90, 90)).Status);
        Assert.Equal(CftStatus.Argument, Assert.Throws<CifException>(() => CifReader.ParseCrystals("data_x\n_cell_length_a 5\n", "x.cif")).Status);
        Assert.Equal(CftStatus.Model, Assert.Throws<CftModelException>(() => CftPredictor.Load(["no-such-model"])).Status);
        var overlapping = new Crystal("o", Cubic, CrystalSymmetry.P1, [new Site(8, 0, 0, 0), new Site(8, 0.0002, 0, 0)]);
        var outcome = StructurePreparation.Prepare(overlapping, Crystal.DefaultToleranceAngstrom);
        Assert.Null(outcome.Prepared);
        Assert.IsType<OverlappingAtomsException>(outcome.Error);
        Assert.Equal(CftStatus.Symmetry, outcome.Error!.Status);
        // Messages do not repeat the structure's id: the entry point names the structure.
        Assert.StartsWith("atoms overlap", outcome.Error.Message);
    }

    [Fact]
    public void Programming_errors_are_not_outcomes()
    {
        Assert.Throws<ArgumentNullException>(() => StructurePreparation.PrepareAll(null!, 0.01));
        Assert.Throws<ArgumentOutOfRangeException>(() => StructurePreparation.PrepareAll([JitteredCell("a", 2)], -1));
    }

    [Fact]
    public void More_atoms_than_the_cell_limit_are_refused_with_the_limit_named()
    {
        var e = Assert.Throws<InvalidStructureException>(() => JitteredCell("big", Crystal.MaxAtomsPerCell + 1));
        Assert.Contains("10,000 atoms per cell", e.Message);
        Assert.Equal(Crystal.MaxAtomsPerCell, JitteredCell("limit", Crystal.MaxAtomsPerCell).AtomCount, 6);
    }

    [Fact]
    public void More_atoms_than_symmetry_analysis_takes_are_refused_at_once()
    {
        var big = JitteredCell("big", SymmetryFinder.MaxAtomsForSymmetry + 1);
        var outcome = StructurePreparation.PrepareAll([big], Crystal.DefaultToleranceAngstrom).Single();
        Assert.Equal(CftStatus.Argument, outcome.Error!.Status);
        Assert.Contains("2,001 atoms in the cell; symmetry analysis takes at most 2,000", outcome.Error.Message);
        Assert.IsType<InvalidStructureException>(outcome.Error); // refused before spglib (about 6 s at 2,000 atoms)
    }

    [Fact]
    public void A_structure_beyond_the_site_limit_fails_alone_and_quickly()
    {
        var predictor = CftPredictor.Load([ModelTestData.ModelPath("mp_elastic-K_Voigt")]);
        using (predictor)
        {
            var big = JitteredCell("big", CftPredictor.MaxSitesPerStructure + 88);
            var small = JitteredCell("small", 8);
            var results = predictor.Predict([small, big, small], maxDegreeOfParallelism: 2);
            Assert.Null(results[0].Error);
            Assert.Equal(results[0].Predictions[0].Value, results[2].Predictions[0].Value);
            Assert.Equal(CftStatus.Argument, results[1].Status);
            Assert.Contains($"600 unique sites in P1; the models take at most {CftPredictor.MaxSitesPerStructure}", results[1].Error);
            Assert.Equal(CftStatus.Ok, results[0].Status);
        }
    }

    /// <summary>A model that opens but fails inside ONNX Runtime is a model failure (CftModelException, status Model; exit
    /// code 3 in the CLI), not a bug and not the structure's fault.</summary>
    [Fact]
    public void A_model_that_fails_to_run_is_a_model_error_everywhere()
    {
        using var folder = new TempFolder("cft-failing-model");
        string path = Path.Combine(folder.Path, "fails-to-run.onnx");
        ModelTestData.WriteModelThatFailsToRun(path);
        string li2o = Path.Combine(TestData.RepositoryRoot, "data", "examples", "Li2O.cif");
        using (var predictor = CftPredictor.Load([path]))
        {
            var crystal = CifReader.ReadCrystals(li2o)[0];
            var e = Assert.Throws<CftModelException>(() => predictor.Predict([crystal], 1, outOfDomain: true));
            Assert.Equal(CftStatus.Model, e.Status);
            Assert.Contains("ONNX Runtime failed", e.Message);
        }
        var (code, _, error) = CliRunner.Run("predict", li2o, "--model", path);
        Assert.Equal(CftRuntime.Cli.Program.ModelError, code);
        Assert.Contains("ONNX Runtime failed", error);
    }

    [Fact]
    public void The_cli_reports_model_failures_with_the_model_exit_code_and_limits_per_structure()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cft-pipeline-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            // A file with the right metadata cannot be faked cheaply; a damaged model is CFT_ERROR_MODEL → exit 3.
            string broken = Path.Combine(dir, "broken.onnx");
            var bytes = File.ReadAllBytes(ModelTestData.ModelPath("cmr_perovskites-e_form"));
            File.WriteAllBytes(broken, bytes[..(bytes.Length / 3)]);
            var (code, _, error) = CliRunner.Run("predict", Path.Combine(TestData.RepositoryRoot, "data", "examples", "Li2O.cif"), "--model", broken);
            Assert.Equal(CftRuntime.Cli.Program.ModelError, code);
            Assert.Contains("broken.onnx", error);

            string poscar = Path.Combine(dir, "big.vasp");
            var big = JitteredCell("big", 600);
            var l = big.Lattice;
            var lines = new List<string> { "big", "1.0" };
            for (int v = 0; v < 3; v++) lines.Add(FormattableString.Invariant($"{l[v, 0]} {l[v, 1]} {l[v, 2]}"));
            lines.Add("Si O");
            lines.Add("300 300");
            lines.Add("Direct");
            lines.AddRange(big.Sites.Where(s => s.AtomicNumber == 14).Concat(big.Sites.Where(s => s.AtomicNumber == 8)).Select(s => FormattableString.Invariant($"{s.X} {s.Y} {s.Z}")));
            File.WriteAllLines(poscar, lines);
            (code, _, error) = CliRunner.Run("predict", poscar, "--model", "mp_elastic-K_Voigt");
            Assert.Equal(CftRuntime.Cli.Program.InputFailed, code);
            Assert.Contains("cft: big: 600 unique sites in P1; the models take at most 512", error);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}

/// <summary>Work the models do not need is not done, and skipping it changes nothing.</summary>
public class PipelineWorkTests
{
    [Fact]
    public void A_model_without_Fourier_features_predicts_the_same_whether_or_not_they_are_computed()
    {
        var carbon = StructureSource.Enumerate([Path.Combine(TestData.RepositoryRoot, "data", "examples", "carbon_24_sample.csv")]).Select(r => r.Crystal!).ToList();
        // The carbon model needs no symmetry; beside a model that does, it reads the reduced cell of the standardised
        // crystal: standardised here too, so that the two runs differ only in the Fourier features.
        using var alone = new CftPredictor([CftModel.Load(ModelTestData.ModelPath("carbon_24-energy_per_atom"))]) { AlwaysStandardize = true };
        Assert.False(alone.Models[0].UsesFourierFeatures);
        Assert.False(alone.Models[0].NeedsSymmetry);
        // With a Fourier model beside it (forced to run on every structure), the features are computed for the batch.
        using var both = CftPredictor.Load([ModelTestData.ModelPath("carbon_24-energy_per_atom"), ModelTestData.ModelPath("mp_elastic-K_Voigt")]);
        Assert.True(both.Models[1].UsesFourierFeatures);
        var skipped = alone.Predict(carbon, maxDegreeOfParallelism: 2, outOfDomain: true);
        var computed = both.Predict(carbon, maxDegreeOfParallelism: 2, outOfDomain: true);
        for (int i = 0; i < carbon.Count; i++)
        {
            Assert.Null(skipped[i].Error);
            var a = skipped[i].Predictions.Single();
            var b = computed[i].Predictions.Single(p => p.Model == a.Model);
            Assert.Equal(a.Value, b.Value);
            Assert.Equal(a.Std, b.Std);
        }
    }
    /// <summary>Beside a model that needs symmetry, a model of the Niggli cell reads the reduced cell of the standardised
    /// crystal: a conventional cell of more atoms than the models take still reduces to a primitive cell they take, and a
    /// structure whose reduced cell is too large is not given to the model, with a note that says so (never dropped silently).</summary>
    [Fact]
    public void A_model_of_the_reduced_cell_runs_on_the_primitive_cell_and_says_when_it_cannot()
    {
        static Crystal Carbon(string id, int group, double a, int generalPositions)
        {
            var random = new Random(group);
            var sites = Enumerable.Range(0, generalPositions).Select(_ => new Site(6, 0.02 + 0.2 * random.NextDouble(), 0.25 + 0.2 * random.NextDouble(), 0.03 + 0.4 * random.NextDouble()));
            return new Crystal(id, Lattice.FromParameters(a, a, a, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(group)), sites);
        }
        // Fd-3m, 3 general positions: 576 atoms in the standard cell, 144 in the primitive one. Pm-3m, 11: 528 in both.
        var fcc = Carbon("fcc", 227, 30, 3);
        var primitive = Carbon("primitive", 221, 24, 11);
        Assert.Equal(576, fcc.Sites.Sum(s => s.Multiplicity));
        Assert.Equal(528, primitive.Sites.Sum(s => s.Multiplicity));
        using var predictor = new CftPredictor([CftModel.Load(ModelTestData.ModelPath("carbon_24-energy_per_atom"))]) { AlwaysStandardize = true };
        var results = predictor.Predict([fcc, primitive], maxDegreeOfParallelism: 2, outOfDomain: true);
        Assert.Null(results[0].Error);
        Assert.Equal("carbon_24-energy_per_atom", Assert.Single(results[0].Predictions).Model);
        Assert.Null(results[1].Error);
        Assert.Empty(results[1].Predictions);
        Assert.Contains("carbon_24-energy_per_atom not run: its reduced cell has 528 atoms; the models take at most 512", results[1].Note);
    }
}
