using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using CftRuntime.Tests.Io;
using Xunit;
using Xunit.Abstractions;

namespace CftRuntime.Tests.Cli;

/// <summary>The NativeAOT <c>cft</c>, published once for the tests of this class.</summary>
public sealed class PublishedCft : IDisposable
{
    /// <summary>The folder holding <c>cft</c>, <c>libonnxruntime.so</c> and <c>models/</c>.</summary>
    public string Directory { get; }

    /// <summary>Path of the binary.</summary>
    public string Binary => Path.Combine(Directory, "cft");

    public PublishedCft()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cft-aot-crash-").FullName;
        var publish = ChildProcess.Run("dotnet", $"publish cli/Cft.Cli.csproj -c Release -p:CftAot=true -o \"{Directory}\"", TestData.RepositoryRoot);
        if (publish.Code != 0) throw new InvalidOperationException("publish failed: " + publish.Output);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, true);
}

/// <summary>
/// The AOT binary never dies of a signal or hangs: hundreds of runs on the paths that end early (no model covers the
/// structure, bad input, <c>--version</c>, <c>models</c>) and on real predictions, and <c>cft predict</c> on damaged
/// copies of real CIFs. Before <see cref="CftRuntime.Inference.CftModel.CompletePreload"/> about 1 run in 8 of
/// <c>cft predict LiFePO4.cif</c> ended in SIGSEGV or SIGABRT (26 of 200 measured): the process left Main while
/// ONNX Runtime was still loading on the thread pool.
/// </summary>
[Collection("Publish")]
public class NativeAotCrashTests : IClassFixture<PublishedCft>
{
    private const int Seed = 20261202;
    private static readonly TimeSpan PerRunLimit = TimeSpan.FromSeconds(15);
    private readonly PublishedCft _cft;
    private readonly ITestOutputHelper _output;

    public NativeAotCrashTests(PublishedCft cft, ITestOutputHelper output) => (_cft, _output) = (cft, output);

    private (int Code, bool TimedOut, string Err) Run(string arguments)
    {
        var r = ChildProcess.Run(_cft.Binary, arguments, TestData.RepositoryRoot, null, PerRunLimit, out bool timedOut);
        return (r.Code, timedOut, r.Err);
    }

    [Fact]
    public void Early_exits_and_predictions_never_end_in_a_signal()
    {
        string noModel = Path.Combine(IoTestData.DataRoot, "cif", "pymatgen", "LiFePO4.cif");
        Assert.True(File.Exists(noModel), noModel);
        (string Args, int Code)[] paths =
        [
            ($"predict \"{noModel}\"", 0),                         // no shipped model knows Li, Fe, P, O together: a note, no prediction
            ("predict /nonexistent/x.cif", 1),                     // bad input
            ("predict data/examples/Li2O.cif --tolerance -1", 2),  // usage error before any model opens
            ("--version", 0),
            ("models", 0),
            ("predict data/examples/Li2O.cif", 0),                 // a real prediction
        ];
        const int Rounds = 55;                                      // 330 runs
        var failures = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var (args, code) in paths)
            {
                var r = Run(args);
                if (r.TimedOut) failures.Add($"cft {args}: no exit within {PerRunLimit.TotalSeconds} s");
                else if (r.Code != code) failures.Add($"cft {args}: exit {r.Code} (expected {code}){(r.Code >= 128 ? $", signal {r.Code - 128}" : "")}: {r.Err.Trim()}");
            }
        }
        _output.WriteLine($"{Rounds * paths.Length} runs, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(10)));
    }

    [Fact]
    public void Predict_on_damaged_real_cifs_never_ends_in_a_signal_or_hangs()
    {
        // Real structures with sites and a cell (pymatgen's test files and the bundled examples), damaged with a fixed seed.
        var sources = System.IO.Directory.EnumerateFiles(Path.Combine(IoTestData.DataRoot, "cif", "pymatgen"), "*.cif")
            .Concat(System.IO.Directory.EnumerateFiles(Path.Combine(TestData.RepositoryRoot, "data", "examples"), "*.cif"))
            .Where(p => new FileInfo(p).Length < 20_000)
            .OrderBy(p => p, StringComparer.Ordinal)
            .Select(p => (Name: Path.GetFileName(p), Text: File.ReadAllText(p)))
            .Where(f => f.Text.Contains("_atom_site_fract_x", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(sources.Count >= 30, $"only {sources.Count} source CIFs");
        string dir = System.IO.Directory.CreateTempSubdirectory("cft-damaged-").FullName;
        try
        {
            var rng = new Random(Seed);
            const int Cases = 300;
            var failures = new List<string>();
            var codes = new SortedDictionary<int, int>();
            var slowest = TimeSpan.Zero;
            string slowestCase = "";
            for (int i = 0; i < Cases; i++)
            {
                var (name, text) = sources[rng.Next(sources.Count)];
                string damaged = Damage(text, rng, out string how);
                string file = Path.Combine(dir, $"case{i:D3}.cif");
                File.WriteAllText(file, damaged);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var r = Run($"predict \"{file}\" --format json");
                if (watch.Elapsed > slowest) (slowest, slowestCase) = (watch.Elapsed, $"{name} ({how})");
                codes[r.Code] = codes.GetValueOrDefault(r.Code) + 1;
                if (r.TimedOut) failures.Add($"case {i}: {name} ({how}): no exit within {PerRunLimit.TotalSeconds} s");
                else if (r.Code is not (0 or 1)) failures.Add($"case {i}: {name} ({how}): exit {r.Code}: {r.Err.Trim()}");
            }
            _output.WriteLine($"{Cases} damaged files from {sources.Count} CIFs; exit codes {string.Join(", ", codes.Select(c => $"{c.Key}: {c.Value}"))}; slowest {slowest.TotalSeconds:F2} s ({slowestCase})");
            Assert.True(failures.Count == 0, string.Join('\n', failures.Take(10)));
            Assert.True(codes.GetValueOrDefault(1) > Cases / 10, "too few damaged files were rejected: the damage is not reaching the reader");
        }
        finally { System.IO.Directory.Delete(dir, true); }
    }

    private static readonly Regex Number = new(@"-?\d+\.\d+", RegexOptions.CultureInvariant);

    /// <summary>Truncation, a dropped or repeated line, a number replaced by nan/inf/a huge value, or a broken symmetry operation.</summary>
    private static string Damage(string text, Random rng, out string how)
    {
        var lines = text.Split('\n').ToList();
        switch (rng.Next(6))
        {
            case 0:
                int cut = rng.Next(text.Length + 1);
                how = $"truncated at {cut}";
                return text[..cut];
            case 1:
                int drop = rng.Next(lines.Count);
                lines.RemoveAt(drop);
                how = $"line {drop + 1} dropped";
                return string.Join('\n', lines);
            case 2:
                // A quarter of them thousands of times (two such files once took 54 and 62 s to "predict").
                int repeat = rng.Next(lines.Count), times = rng.Next(4) == 0 ? 2000 + rng.Next(1000) : 1 + rng.Next(3);
                for (int t = 0; t < times; t++) lines.Insert(repeat, lines[repeat]);
                how = $"line {repeat + 1} repeated {times}×";
                return string.Join('\n', lines);
            case 3:
            case 4:
                var numbers = Number.Matches(text);
                if (numbers.Count == 0) goto case 0;
                var m = numbers[rng.Next(numbers.Count)];
                string[] replacements = ["nan", "NaN", "inf", "-inf", "1e308", "-1e308", "1e30", "0", "1e-300"];
                string value = replacements[rng.Next(replacements.Length)];
                how = $"number at {m.Index} ({m.Value}) → {value}";
                return new StringBuilder(text).Remove(m.Index, m.Length).Insert(m.Index, value).ToString();
            default:
                int op = lines.FindIndex(l => Regex.IsMatch(l, @"['""]?-?[xyz][^']*,[^']*,[^']*['""]?\s*$") && l.Contains(','));
                if (op < 0) goto case 1;
                string[] broken = ["'x, y'", "'x+y, y, z'", "'2x, y, z'", "'x, y, z, w'", "'q, y, z'", "'x+1/0, y, z'", "'-y, x, z'"];
                string b = broken[rng.Next(broken.Length)];
                lines[op] = Regex.Replace(lines[op], @"['""].*['""]|[^\s]+,.*$", b.Replace("$", "$$"));
                how = $"operation line {op + 1} → {b}";
                return string.Join('\n', lines);
        }
    }
}
