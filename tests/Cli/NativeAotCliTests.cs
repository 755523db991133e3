using System;
using System.IO;
using System.Linq;
using Xunit;

namespace CftRuntime.Tests.Cli;

/// <summary>The NativeAOT <c>cft</c> binary: publishes with no trim/AOT warning and behaves as the managed command.</summary>
[Collection("Console")]
public class NativeAotCliTests
{
    private static ChildProcess.Result Run(string file, string arguments, string workingDirectory) => ChildProcess.Run(file, arguments, workingDirectory);

    [Fact]
    public void Published_binary_has_no_warnings_and_matches_the_managed_command()
    {
        string root = TestData.RepositoryRoot;
        string dir = Directory.CreateTempSubdirectory("cft-aot-").FullName;
        try
        {
            var publish = Run("dotnet", $"publish cli/Cft.Cli.csproj -c Release -p:CftAot=true -o \"{dir}\"", root);
            Assert.True(publish.Code == 0, publish.Out + publish.Err);
            // Trim and AOT analysis warnings are ILxxxx (and fail the publish as errors anyway).
            Assert.DoesNotContain("warning IL", publish.Out + publish.Err, StringComparison.Ordinal);
            string cft = Path.Combine(dir, "cft");
            Assert.True(File.Exists(cft));
            Assert.True(File.Exists(Path.Combine(dir, "libonnxruntime.so")));

            var version = Run(cft, "--version", root);
            Assert.Equal(0, version.Code);
            Assert.StartsWith("1.", version.Out);

            // Predictions with the default models found beside the binary, byte for byte as the managed command's.
            string[] args = ["predict", "data/examples/cmr_perovskites_sample.csv", "data/examples/Li2O.cif", "--format", "csv"];
            var aot = Run(cft, string.Join(' ', args), root);
            var managed = WithWorkingDirectory(root, () => CliRunner.Run(args));
            Assert.Equal(managed.ExitCode, aot.Code);
            // Same rows; values agree to float rounding (the JIT and NativeAOT may fuse multiply-adds differently).
            var expectedRows = managed.Out.Trim().Split('\n');
            var actualRows = aot.Out.Trim().Split('\n');
            Assert.Equal(expectedRows.Length, actualRows.Length);
            for (int r = 0; r < expectedRows.Length; r++)
            {
                // A tensor model's row ends in its tensor (a quoted JSON object): the same numbers to float rounding.
                var (expectedRow, expectedTensor) = SplitTensor(expectedRows[r]);
                var (actualRow, actualTensor) = SplitTensor(actualRows[r]);
                Assert.Equal(expectedTensor is null, actualTensor is null);
                if (expectedTensor is not null) AssertSameJson(expectedTensor, actualTensor!, $"row {r}");
                var e = expectedRow.Split(',');
                var a = actualRow.Split(',');
                Assert.Equal(e.Length, a.Length);
                for (int c = 0; c < e.Length; c++)
                {
                    if ((c == 2 || c == 3) && r > 0 && e[c].Length > 0)
                        Assert.True(Math.Abs(double.Parse(e[c], System.Globalization.CultureInfo.InvariantCulture) - double.Parse(a[c], System.Globalization.CultureInfo.InvariantCulture))
                                    <= 2e-6 * Math.Max(1, Math.Abs(double.Parse(e[c], System.Globalization.CultureInfo.InvariantCulture))),
                            $"row {r}: {expectedRows[r]} vs {actualRows[r]}");
                    else Assert.Equal(e[c], a[c]);
                }
            }
            Assert.Contains(CftRuntime.Inference.CftPredictor.DefaultModelName, aot.Out);

            var models = Run(cft, "models --json", root);
            Assert.Equal(0, models.Code);
            Assert.Equal(Directory.GetFiles(Path.Combine(root, "models"), "*.onnx").Length, models.Out.Trim().Split('\n').Length);

            // basis plot (ScottPlot and SkiaSharp under NativeAOT) writes a PNG.
            string png = Path.Combine(dir, "slice.png");
            var plot = Run(cft, $"basis plot -g Fd-3m --hkl 1,1,1 --plane z=1/8 --out \"{png}\"", root);
            Assert.True(plot.Code == 0, plot.Err);
            var bytes = File.ReadAllBytes(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, bytes[..4]);

            var bad = Run(cft, "predict /nonexistent.cif", root);
            Assert.NotEqual(0, bad.Code);
            Assert.Contains("/nonexistent.cif", bad.Err);
        }
        finally { Directory.Delete(dir, true); }
    }

    private static T WithWorkingDirectory<T>(string directory, Func<T> body)
    {
        string old = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try { return body(); }
        finally { Environment.CurrentDirectory = old; }
    }

    private static (string Row, string? Tensor) SplitTensor(string row)
    {
        int at = row.IndexOf(",\"{", StringComparison.Ordinal);
        return at < 0 ? (row, null) : (row[..at] + ",", row[(at + 2)..^1].Replace("\"\"", "\""));
    }

    private static void AssertSameJson(string expected, string actual, string where)
    {
        using var e = System.Text.Json.JsonDocument.Parse(expected);
        using var a = System.Text.Json.JsonDocument.Parse(actual);
        Compare(e.RootElement, a.RootElement, where);

        static void Compare(System.Text.Json.JsonElement x, System.Text.Json.JsonElement y, string path)
        {
            Assert.Equal(x.ValueKind, y.ValueKind);
            switch (x.ValueKind)
            {
                case System.Text.Json.JsonValueKind.Object:
                    Assert.Equal(x.EnumerateObject().Select(p => p.Name), y.EnumerateObject().Select(p => p.Name));
                    foreach (var p in x.EnumerateObject()) Compare(p.Value, y.GetProperty(p.Name), path + "." + p.Name);
                    break;
                case System.Text.Json.JsonValueKind.Array:
                    Assert.Equal(x.GetArrayLength(), y.GetArrayLength());
                    for (int i = 0; i < x.GetArrayLength(); i++) Compare(x[i], y[i], $"{path}[{i}]");
                    break;
                case System.Text.Json.JsonValueKind.Number:
                    double u = x.GetDouble(), v = y.GetDouble();
                    // 1e-4: the Reuss bounds (K_VRH, G_VRH) invert C, which amplifies float32 differences of nearly singular predictions.
                    Assert.True(Math.Abs(u - v) <= 1e-4 * Math.Max(1, Math.Abs(u)), $"{path}: {u} vs {v}");
                    break;
                default:
                    Assert.Equal(x.ToString(), y.ToString());
                    break;
            }
        }
    }
}
