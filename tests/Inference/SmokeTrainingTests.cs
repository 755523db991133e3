using System;
using System.Diagnostics;
using System.IO;
using CftRuntime.Cli.Commands;
using CftRuntime.Inference;
using Xunit;

namespace CftRuntime.Tests.Inference;

/// <summary>
/// Keeps the trainer from rotting: exports a small dataset with `cft featurize`, trains a few steps with
/// trainer/cft_train.py (Debian's PyTorch, installed by .ci/run), and loads the export in ONNX Runtime.
/// </summary>
public class SmokeTrainingTests
{
    [Theory]
    [InlineData("dir_gap", "eV", "--head", "gap")]
    [InlineData("heat_ref", "eV/cell", "--pairs", "none")]
    public async System.Threading.Tasks.Task The_trainer_exports_a_model_that_loads_and_matches_its_test_vectors(string target, string unit, string option, string value)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cft-smoke-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string npz = Path.Combine(dir, "perov.npz");
            var o = new StringWriter();
            var e = new StringWriter();
            Assert.Equal(0, FeaturizeCommand.Run([Path.Combine(TestData.RepositoryRoot, "data", "examples", "perov_5_sample.csv")], npz, 1, o, e));

            var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestData.RepositoryRoot };
            foreach (var a in new[] { "trainer/cft_train.py", "--data", npz, "--target", target, "--unit", unit, option, value, "--out", Path.Combine(dir, "smoke.onnx"),
                         "--epochs", "2", "--max-steps", "6", "--batch-size", "16", "--d", "32", "--heads", "4", "--blocks", "1", "--ff", "64" })
                psi.ArgumentList.Add(a);
            psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
            using var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            string output = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(300_000), "the smoke training did not finish in 5 minutes");
            Assert.True(p.ExitCode == 0, $"cft_train.py exited {p.ExitCode}:\n{output}\n{await stderr}");
            Assert.Contains("epoch   1", output);
            Assert.True(File.Exists(Path.Combine(dir, "smoke.parity.png")) || output.Contains("no parity plot"), output);

            using var model = CftModel.Load(Path.Combine(dir, "smoke.onnx"));
            Assert.Equal(target, model.Property);
            Assert.Equal(unit, model.Unit);
            Assert.Equal(value == "none", model.Pairs is null);
            var vectors = ModelTestData.ReadTestVectors(Path.Combine(dir, "smoke.testvectors.json"));
            var predicted = model.Run(vectors.Input);
            for (int i = 0; i < predicted.Length; i++)
                Assert.True(ModelTestData.Close(predicted[i], vectors.Prediction[i], 1e-5), $"{vectors.Ids[i]}: ONNX Runtime {predicted[i]}, PyTorch {vectors.Prediction[i]}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
