using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using CftRuntime.Cli.Commands;
using CftRuntime.Errors;
using CftRuntime.Inference;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using Xunit;

namespace CftRuntime.Tests.Inference;

/// <summary>
/// Keeps the trainer from rotting: exports a small dataset with `cft featurize`, trains a few steps with
/// trainer/cft_train.py (Debian's PyTorch, installed by .ci/run), and loads the export in ONNX Runtime.
/// </summary>
public class SmokeTrainingTests
{
    /// <summary>
    /// A pair-only model of the volume per atom (<c>--positional none --cell volume</c>) needs no symmetry: CftPredictor
    /// uses each cell as given, in P1, without spglib, and the predictions, uncertainties and domain notes equal those on
    /// the standardised cells (<see cref="CftPredictor.AlwaysStandardize"/>).
    /// </summary>
    [Fact]
    public void A_model_that_needs_no_symmetry_predicts_the_cell_as_given_as_the_standardised_one()
    {
        using var dir = new TempFolder("cft-smoke-p1");
        Train(dir.Path, "carbon_24_sample.csv", "energy_per_atom", "eV/atom", "--positional", "none", "--cell", "volume");
        string onnx = Path.Combine(dir.Path, "smoke.onnx");
        var crystals = StructureSource.Enumerate([Path.Combine(TestData.RepositoryRoot, "data", "examples", "carbon_24_sample.csv")]).Take(24).Select(r => r.Crystal!).ToList();
        using var asGiven = new CftPredictor([CftModel.Load(onnx)]);
        using var standardised = new CftPredictor([CftModel.Load(onnx)]) { AlwaysStandardize = true };
        Assert.False(asGiven.Models[0].NeedsSymmetry);
        var a = asGiven.Predict(crystals, 2, outOfDomain: true);
        var b = standardised.Predict(crystals, 2, outOfDomain: true);
        Assert.Contains(b, r => r.SpaceGroup > 1); // the comparison covers cells that standardisation changes
        for (int i = 0; i < crystals.Count; i++)
        {
            Assert.Equal(CftStatus.Ok, a[i].Status);
            Assert.Equal(1, a[i].SpaceGroup); // used as given: no symmetry analysis
            Assert.Contains(SymmetryFinder.ReducedCellNote, a[i].Note);
            var (p, q) = (a[i].Predictions.Single(), b[i].Predictions.Single());
            Assert.True(ModelTestData.Close(p.Value, q.Value, 1e-5), $"{crystals[i].Id} ({b[i].HermannMauguin}): as given {p.Value}, standardised {q.Value}");
            Assert.True(Math.Abs(p.Std!.Value - q.Std!.Value) <= 1e-4 * Math.Max(1, Math.Abs(q.Value)), $"{crystals[i].Id}: std {p.Std} vs {q.Std}");
            // The same domain notes, but for the novelty clause of a structure exactly at the threshold (float rounding).
            static string Domain(string? note) => string.Join("; ", (note ?? "").Split("; ").Where(part => !part.StartsWith("embedding distance", StringComparison.Ordinal)));
            Assert.True(Domain(p.DomainNote) == Domain(q.DomainNote), $"{crystals[i].Id}: as given '{p.DomainNote}', standardised '{q.DomainNote}'");
        }
        // The same model with one that needs symmetry: everything is standardised once, for both.
        using var mixed = new CftPredictor([CftModel.Load(onnx), CftModel.Load(ModelTestData.ModelPath("mp_elastic-K_Voigt"))]);
        Assert.True(mixed.Models[1].NeedsSymmetry);
        var c = mixed.Predict(crystals, 2, outOfDomain: true);
        Assert.Equal(b.Select(r => r.SpaceGroup), c.Select(r => r.SpaceGroup));
    }

    /// <summary>The tensor trainer (trainer/cft_tensor_train.py, the shipped tensor models' kind): a dielectric sample
    /// featurized with its tensor basis, a few epochs, the export loads as a tensor model and ONNX Runtime reproduces
    /// PyTorch's member tensors.</summary>
    [Fact]
    public void The_tensor_trainer_exports_a_model_that_matches_its_test_vectors()
    {
        using var dir = new TempFolder("cft-smoke-tensor");
        string examples = Path.Combine(TestData.RepositoryRoot, "data", "examples");
        string npz = Path.Combine(dir.Path, "data.npz");
        Assert.Equal(0, FeaturizeCommand.Run([Path.Combine(examples, "dielectric_tensors_sample.csv")], npz, 1, new StringWriter(), new StringWriter(), tensorBasis: CftRuntime.Tensors.TensorKind.Dielectric));
        string onnx = Path.Combine(dir.Path, "smoke.onnx");
        RunPython(["trainer/cft_tensor_train.py", "--data", npz, "--targets", Path.Combine(examples, "dielectric_tensors_sample.json"), "--target", "e_electronic",
            "--unit", "", "--out", onnx, "--epochs", "2", "--members", "2", "--d", "16", "--heads", "2", "--blocks", "1", "--ff", "32", "--split-seed", "1"]);
        using var model = CftModel.Load(onnx);
        Assert.Equal(CftRuntime.Tensors.TensorKind.Dielectric, model.Tensor);
        Assert.Equal("e_electronic", model.Property);
        var vectors = ModelTestData.ReadTensorVectors(Path.ChangeExtension(onnx, ".testvectors.json"));
        var output = model.Run(vectors.Input);
        Assert.Equal(2, output.Members);
        double scale = vectors.Members.Max(v => Math.Abs(v));
        for (int i = 0; i < vectors.Members.Length; i++)
            Assert.True(Math.Abs(output.TensorMembers![i] - vectors.Members[i]) <= 1e-4 * scale, $"entry {i}: ONNX Runtime {output.TensorMembers[i]}, PyTorch {vectors.Members[i]}");
    }

    /// <summary>Runs a trainer script from the repository root; fails the test unless it exits 0 within 5 minutes; its stdout.</summary>
    private static string RunPython(string[] arguments)
    {
        var (exitCode, output, error) = RunPythonProcess(arguments);
        Assert.True(exitCode == 0, $"{arguments[0]} exited {exitCode}:\n{output}\n{error}");
        return output;
    }

    /// <summary>Runs a trainer script from the repository root (one BLAS thread); fails the test unless it ends within 5 minutes.</summary>
    private static (int ExitCode, string Output, string Error) RunPythonProcess(string[] arguments)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestData.RepositoryRoot };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(300_000), "the smoke training did not finish in 5 minutes");
        return (p.ExitCode, output, stderr.Result);
    }

    /// <summary>Featurizes a bundled sample and trains a 3-member smoke ensemble (6 steps) into dir/smoke.onnx; the trainer's stdout.</summary>
    private static string Train(string dir, string sample, string target, string unit, params string[] options)
    {
        string npz = Path.Combine(dir, "data.npz");
        Assert.Equal(0, FeaturizeCommand.Run([Path.Combine(TestData.RepositoryRoot, "data", "examples", sample)], npz, 1, new StringWriter(), new StringWriter()));
        return TrainOn(dir, npz, target, unit, options);
    }

    /// <summary>Trains a 3-member smoke ensemble (6 steps) on an exported dataset into dir/smoke.onnx; the trainer's stdout.</summary>
    private static string TrainOn(string dir, string npz, string target, string unit, params string[] options) =>
        RunPython(new[] { "trainer/cft_train.py", "--data", npz, "--target", target, "--unit", unit, "--out", Path.Combine(dir, "smoke.onnx"),
            "--epochs", "2", "--max-steps", "6", "--batch-size", "16", "--d", "32", "--heads", "4", "--blocks", "1", "--ff", "64", "--members", "3", "--split-seed", "1" }.Concat(options).ToArray());

    /// <summary>
    /// Pair features of another basis than the default (the shipped carbon model's is finer and has angular channels):
    /// `cft featurize --pair-* --angular-*` writes it, the model carries it in its metadata, and CftPredictor computes that
    /// basis for it, so that its predictions through the whole pipeline (the Niggli-reduced cell, no spglib) equal
    /// PyTorch's test vectors.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_model_of_another_pair_basis_gets_that_basis_from_the_pipeline(bool angular)
    {
        using var dir = new TempFolder("cft-smoke-basis");
        var basis = new CftRuntime.Features.PairFeaturizer(5.0, 40, 0.15, angular ? new CftRuntime.Features.AngularPairBasis(3.0, 1.0, 4, 7, 0.2) : null);
        Assert.NotEqual(CftRuntime.Features.PairFeaturizer.Default.Signature, basis.Signature);
        string sample = Path.Combine(TestData.RepositoryRoot, "data", "examples", "carbon_24_sample.csv");
        string npz = Path.Combine(dir.Path, "data.npz");
        Assert.Equal(0, FeaturizeCommand.Run([sample], npz, 1, new StringWriter(), new StringWriter(), reducedCell: true, pairBasis: basis));
        TrainOn(dir.Path, npz, "energy_per_atom", "eV/atom", "--positional", "none", "--cell", "niggli");
        string onnx = Path.Combine(dir.Path, "smoke.onnx");
        var vectors = ModelTestData.ReadTestVectors(Path.Combine(dir.Path, "smoke.testvectors.json"));
        using var predictor = new CftPredictor([CftModel.Load(onnx)]);
        Assert.Equal(basis.Signature, predictor.Models[0].Pairs!.Signature);
        var byId = StructureSource.Enumerate([sample]).Select(r => r.Crystal!).ToDictionary(c => c.Id!);
        var results = predictor.Predict(vectors.Ids.Select(id => byId[id]).ToList(), 2, outOfDomain: true);
        for (int i = 0; i < vectors.Ids.Length; i++)
        {
            var p = results[i].Predictions.Single();
            Assert.True(ModelTestData.Close(p.Value, vectors.Prediction[i], 1e-5), $"{vectors.Ids[i]}: pipeline {p.Value}, PyTorch {vectors.Prediction[i]}");
        }
    }

    /// <summary>The shipped CMR band gap's kind (trainer/reproduce.sh GAP_ROLES, small): site roles and no pooled state, so the
    /// graph reads neither Fourier features nor the cell (its export has no such inputs).</summary>
    private const string SiteRoleGap = "--head gap --blocks 0 --site-roles 3 --role-width 8 --no-pooled-state --positional none --cell volume " +
        "--element-features none --gap-rule probability --gap-positive-weight 0.001 --gap-threshold calibrated --select last";

    /// <summary>
    /// A site-role model reads only elements, multiplicities and orbit-summed pair features, so its output is the same on
    /// every cell of a crystal: the runtime runs it without symmetry analysis, on the Niggli-reduced P1 cell, and gets
    /// PyTorch's values on the standardised unique sites it was trained on (unique sites = full cell = any cell).
    /// </summary>
    [Fact]
    public void A_site_role_model_needs_no_symmetry_and_gives_the_same_value_on_any_cell()
    {
        using var folder = new TempFolder("cft-smoke-roles");
        Train(folder.Path, "perov_5_sample.csv", "dir_gap", "eV", SiteRoleGap.Split(' '));
        string onnx = Path.Combine(folder.Path, "smoke.onnx");
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(onnx);
        Assert.Equal(["atomic_number", "pair", "weight"], session.InputMetadata.Keys.OrderBy(k => k, StringComparer.Ordinal));
        var vectors = ModelTestData.ReadTestVectors(Path.Combine(folder.Path, "smoke.testvectors.json"));
        Assert.Contains(vectors.Prediction, v => v > 0);
        // Metadata that claims the Fourier features (or the standardised cell) for a graph without that input is refused:
        // the runtime would do the work for nothing.
        foreach (var (key, value, input) in new[] { ("cft.positional", "fourier", "features"), ("cft.cell", "lattice", "lattice") })
        {
            string claiming = ModelTestData.CopyWithMetadata(onnx, "claims-" + input, m => m[key] = value);
            var e = Assert.Throws<CftModelException>(() => CftModel.Load(claiming).Dispose());
            Assert.Contains($"no input '{input}'", e.Message);
            Assert.Contains(key, e.Message);
        }
        using var predictor = new CftPredictor([CftModel.Load(onnx)]);
        Assert.False(predictor.Models[0].NeedsSymmetry);
        string sample = Path.Combine(TestData.RepositoryRoot, "data", "examples", "perov_5_sample.csv");
        var byId = StructureSource.Enumerate([sample]).Select(r => r.Crystal!).ToDictionary(c => c.Id!);
        var results = predictor.Predict(vectors.Ids.Select(id => byId[id]).ToList(), 2, outOfDomain: true);
        for (int i = 0; i < vectors.Ids.Length; i++)
        {
            var p = results[i].Predictions.Single();
            Assert.True(ModelTestData.Close(p.Value, vectors.Prediction[i], 1e-4), $"{vectors.Ids[i]}: pipeline {p.Value}, PyTorch {vectors.Prediction[i]}");
        }
    }

    /// <summary>
    /// `--members-from` re-exports saved members without training: the same members give the same graph outputs (here
    /// with fp16 weights, so the rounding is what changes: within fp16's precision of the fp32 ensemble), and members
    /// from files that do not add up to --members are refused with the count.
    /// </summary>
    [Fact]
    public void Saved_members_are_re_exported_without_training()
    {
        using var folder = new TempFolder("cft-smoke-members");
        string output = Train(folder.Path, "perov_5_sample.csv", "heat_ref", "eV/cell");
        Assert.Contains("member 3/3 epoch   1", output);
        string npz = Path.Combine(folder.Path, "data.npz"), members = Path.Combine(folder.Path, "smoke.members.pt");
        string[] Export(string name, params string[] extra) => new[] { "trainer/cft_train.py", "--data", npz, "--target", "heat_ref", "--unit", "eV/cell",
            "--out", Path.Combine(folder.Path, name + ".onnx"), "--d", "32", "--heads", "4", "--blocks", "1", "--ff", "64", "--split-seed", "1",
            "--members-from", members }.Concat(extra).ToArray();
        string again = RunPython(Export("again", "--members", "3", "--fp16"));
        Assert.DoesNotContain("epoch", again);
        var trained = ModelTestData.ReadTestVectors(Path.Combine(folder.Path, "smoke.testvectors.json"));
        var exported = ModelTestData.ReadTestVectors(Path.Combine(folder.Path, "again.testvectors.json"));
        Assert.Equal(trained.Ids, exported.Ids);
        for (int i = 0; i < trained.Ids.Length; i++)
            Assert.True(ModelTestData.Close(exported.Prediction[i], trained.Prediction[i], 1e-2), $"{trained.Ids[i]}: re-exported {exported.Prediction[i]}, trained {trained.Prediction[i]}");
        using var model = CftModel.Load(Path.Combine(folder.Path, "again.onnx"));
        var run = model.Run(exported.Input);
        for (int i = 0; i < run.Prediction.Length; i++)
            Assert.True(ModelTestData.Close(run.Prediction[i], exported.Prediction[i], 1e-5), $"{exported.Ids[i]}: ONNX Runtime {run.Prediction[i]}, PyTorch {exported.Prediction[i]}");
        var (exitCode, _, stderr) = RunPythonProcess(Export("wrong", "--members", "2"));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("holds 3 members, --members is 2", stderr);
    }

    /// <summary>Every model kind that is shipped: gap head (members gated, or the pair readout with the members'
    /// probabilities averaged; its non-metal weight 0.001 puts the calibrated threshold at log 0.001, so that the smoke
    /// model calls non-metals and the vectors cover the open branch), plain regression (with and without pair features), log10 moduli, fp16 weights.</summary>
    [Theory]
    [InlineData("perov_5_sample.csv", "dir_gap", "eV", "--head gap")]
    [InlineData("perov_5_sample.csv", "dir_gap", "eV", "--head gap --pair-readout 8 --readout-dropout 0.2 --gap-rule probability --gap-positive-weight 0.001 --gap-threshold calibrated --select last")]
    [InlineData("perov_5_sample.csv", "dir_gap", "eV", SiteRoleGap)]
    [InlineData("perov_5_sample.csv", "heat_ref", "eV/cell", "--pairs none")]
    [InlineData("carbon_24_sample.csv", "energy_per_atom", "eV/atom", "--positional none")]
    [InlineData("mp_elastic_sample.csv", "K_Voigt", "GPa", "--log10")]
    [InlineData("perov_5_sample.csv", "heat_ref", "eV/cell", "--fp16")]
    public void The_trainer_exports_an_ensemble_that_loads_and_matches_its_test_vectors(string sample, string target, string unit, string options)
    {
        using var folder = new TempFolder("cft-smoke");
        string dir = folder.Path;
        string option = options.Split(' ')[0];
        string output = Train(dir, sample, target, unit, options.Split(' '));
        Assert.Contains("member 3/3 epoch   1", output);
        Assert.True(File.Exists(Path.Combine(dir, "smoke.parity.png")) || output.Contains("no parity plot"), output);

        using var model = CftModel.Load(Path.Combine(dir, "smoke.onnx"));
        Assert.Equal(target, model.Property);
        Assert.Equal(unit, model.Unit);
        Assert.Equal(option == "--pairs", model.Pairs is null);
        Assert.Equal(!options.Contains("--positional none"), model.UsesFourierFeatures);
        Assert.True(model.Domain.IsDescribed);
        Assert.NotNull(model.Domain.NoveltyThreshold);
        // fp16: the weights are stored as half-precision initializers, read through Casts (trainer/cft_export.py store_fp16).
        Assert.Equal(option == "--fp16", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(Path.Combine(dir, "smoke.onnx"))).Contains("_fp16"));
        var vectors = ModelTestData.ReadTestVectors(Path.Combine(dir, "smoke.testvectors.json"));
        if (options.Contains("--gap-rule probability")) Assert.Contains(vectors.Prediction, v => v > 0);
        var run = model.Run(vectors.Input);
        for (int i = 0; i < run.Prediction.Length; i++)
        {
            Assert.True(ModelTestData.Close(run.Prediction[i], vectors.Prediction[i], 1e-5), $"{vectors.Ids[i]}: ONNX Runtime {run.Prediction[i]}, PyTorch {vectors.Prediction[i]}");
            Assert.True(ModelTestData.Close(run.Std![i], vectors.Std![i], 1e-4), $"{vectors.Ids[i]}: std ONNX Runtime {run.Std[i]}, PyTorch {vectors.Std[i]}");
            Assert.True(ModelTestData.CloseSquared(run.Novelty![i], vectors.Novelty![i], 1e-4), $"{vectors.Ids[i]}: novelty ONNX Runtime {run.Novelty[i]}, PyTorch {vectors.Novelty[i]}");
            if (option == "--log10") Assert.True(run.Prediction[i] > 0, "10^x moduli are positive");
        }
    }
}
