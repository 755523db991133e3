using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using CftRuntime.Io;
using Xunit;
using Xunit.Abstractions;

namespace CftRuntime.Tests.Io;

/// <summary>
/// Damaged corpus files (fixed seed): truncations, deleted, duplicated and swapped lines, flipped
/// characters. Each must give crystals or a <see cref="CifException"/> quickly; a hang fails the test
/// through a watchdog instead of hanging the suite.
/// </summary>
public class CifMutationTests
{
    private const int Cases = 4000;
    private const int Seed = 20261125;
    private static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TotalLimit = TimeSpan.FromSeconds(90);
    private const string Interesting = "'\";_#[]{}?.\n\r\t loop_data_save_0123456789/(),xyz-+";

    private readonly ITestOutputHelper _output;

    public CifMutationTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Damaged_corpus_files_give_only_CifException_and_never_hang()
    {
        var rng = new Random(Seed);
        var texts = IoTestData.CifFiles.Where(p => new FileInfo(p).Length < 40_000).Select(p => (Name: Path.GetFileName(p), Text: File.ReadAllText(p))).ToList();
        var failures = new List<string>();
        int parsed = 0, rejected = 0;
        int current = -1;
        string currentName = "";
        TimeSpan slowest = TimeSpan.Zero;
        string slowestName = "";
        var worker = new Thread(() =>
        {
            for (int i = 0; i < Cases; i++)
            {
                var (name, text) = texts[rng.Next(texts.Count)];
                string mutated = Mutate(text, rng, out string how);
                currentName = $"case {i}: {name} ({how})";
                Volatile.Write(ref current, i);
                var watch = Stopwatch.StartNew();
                try
                {
                    CifReader.ParseCrystals(mutated, name);
                    parsed++;
                }
                catch (CifException) { rejected++; }
                catch (Exception e) { failures.Add($"{currentName}: {e.GetType().Name}: {e.Message}"); }
                if (watch.Elapsed > slowest) (slowest, slowestName) = (watch.Elapsed, currentName);
            }
        }, 64 * 1024 * 1024) { IsBackground = true };
        var total = Stopwatch.StartNew();
        worker.Start();
        bool finished = worker.Join(TotalLimit);
        Assert.True(finished, $"mutation run did not finish within {TotalLimit.TotalSeconds} s; stuck at {currentName}");
        _output.WriteLine($"{Cases} damaged files from {texts.Count} corpus files in {total.Elapsed.TotalSeconds:F1} s: {parsed} still parse, {rejected} CifException, {failures.Count} other exceptions; slowest {slowest.TotalMilliseconds:F0} ms ({slowestName})");
        foreach (string f in failures.Take(20)) _output.WriteLine(f);
        Assert.Empty(failures);
        Assert.True(slowest < PerCaseLimit, $"slowest case took {slowest.TotalMilliseconds:F0} ms: {slowestName}");
        Assert.True(rejected > Cases / 10, $"only {rejected} of {Cases} damaged files were rejected: the mutations are not reaching the parser");
    }

    private static string Mutate(string text, Random rng, out string how)
    {
        var lines = text.Split('\n').ToList();
        int kind = rng.Next(6);
        switch (kind)
        {
            case 0:
                int cut = rng.Next(text.Length + 1);
                how = $"truncated at {cut}";
                return text.Substring(0, cut);
            case 1:
                int del = rng.Next(lines.Count);
                lines.RemoveAt(del);
                how = $"line {del + 1} deleted";
                break;
            case 2:
                int dup = rng.Next(lines.Count);
                lines.Insert(dup, lines[dup]);
                how = $"line {dup + 1} duplicated";
                break;
            case 3:
                int a = rng.Next(lines.Count), b = rng.Next(lines.Count);
                (lines[a], lines[b]) = (lines[b], lines[a]);
                how = $"lines {a + 1} and {b + 1} swapped";
                break;
            default:
                var sb = new StringBuilder(text);
                int flips = kind == 4 ? 1 : 1 + rng.Next(8);
                for (int f = 0; f < flips && sb.Length > 0; f++)
                {
                    int at = rng.Next(sb.Length);
                    sb[at] = rng.Next(3) == 0 ? (char)rng.Next(0, 0x250) : Interesting[rng.Next(Interesting.Length)];
                }
                how = $"{flips} characters flipped";
                return sb.ToString();
        }
        return string.Join('\n', lines);
    }
}
