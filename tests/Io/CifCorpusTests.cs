using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CftRuntime.Io;
using Xunit;
using Xunit.Abstractions;

namespace CftRuntime.Tests.Io;

/// <summary>Every file of the real CIF corpus gives crystals or a <see cref="CifException"/>, nothing else.</summary>
public class CifCorpusTests
{
    private readonly ITestOutputHelper _output;

    public CifCorpusTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Every_corpus_file_gives_crystals_or_a_CifException()
    {
        var files = IoTestData.CifFiles;
        int parsed = 0, crystals = 0, partial = 0, custom = 0;
        var rejected = new Dictionary<string, List<string>>();
        foreach (string path in files)
        {
            try
            {
                var list = CifReader.ReadCrystals(path);
                Assert.NotEmpty(list);
                parsed++;
                crystals += list.Count;
                partial += list.Count(c => c.HasPartialOccupancy);
                custom += list.Count(c => c.Symmetry.Setting is null);
            }
            catch (CifException e)
            {
                Assert.Equal(path, e.FilePath);
                Assert.StartsWith(path + ":", e.Message);
                string reason = IoTestData.Reason(e.Problem);
                if (!rejected.TryGetValue(reason, out var l)) rejected[reason] = l = new List<string>();
                l.Add(Path.GetRelativePath(IoTestData.DataRoot, path) + ":" + e.Line + ": " + e.Problem);
            }
        }
        int rejectedCount = rejected.Values.Sum(l => l.Count);
        _output.WriteLine($"{files.Count} files: {parsed} parse ({crystals} crystals, {partial} with partial occupancy, {custom} with a custom operation set), {rejectedCount} rejected");
        foreach (var (reason, list) in rejected.OrderByDescending(kv => kv.Value.Count))
        {
            _output.WriteLine($"{list.Count,4}  {reason}");
            foreach (string example in list.Take(3)) _output.WriteLine("        " + example);
        }
        Assert.Equal(586, files.Count);
        Assert.Equal(files.Count, parsed + rejectedCount);
        // Measured 2026-11: 408 files parse (450 crystals); the 178 rejections are syntax tests, files
        // without atom sites or cell, and deliberately broken COD entries (docs/cif-corpus.md).
        Assert.True(parsed >= 408, $"only {parsed} of {files.Count} files parse (408 measured)");
        Assert.True(crystals >= 450, $"only {crystals} crystals (450 measured)");
        Assert.True(partial >= 152, $"only {partial} crystals with partial occupancy (152 measured)");
    }

    /// <summary>
    /// Files with one data block that list symmetry operations or name a group: the IT number found
    /// matches MANIFEST.csv's it_number (taken from the file by a regex scan).
    /// </summary>
    [Fact]
    public void Space_group_numbers_match_the_manifest()
    {
        var rows = CsvReader.ReadFile(Path.Combine(IoTestData.DataRoot, "cif", "MANIFEST.csv")).ToList();
        var header = rows[0];
        int Col(string name) => Array.IndexOf(header, name);
        int file = Col("file"), number = Col("it_number"), symops = Col("has_symops"), hm = Col("hm"), blocks = Col("data_blocks");
        int checkedCount = 0;
        var mismatches = new List<string>();
        foreach (var row in rows.Skip(1))
        {
            if (row[blocks] != "1" || (row[symops] != "True" && row[hm].Length == 0)) continue;
            IReadOnlyList<global::CftRuntime.Crystals.Crystal> crystals;
            try { crystals = CifReader.ReadCrystals(Path.Combine(IoTestData.DataRoot, "cif", row[file])); }
            catch (CifException) { continue; }
            checkedCount++;
            if (!int.TryParse(row[number], NumberStyles.None, CultureInfo.InvariantCulture, out int expected)) continue;
            if (crystals[0].Symmetry.Number != expected) mismatches.Add($"{row[file]}: manifest {expected}, read {crystals[0].Symmetry} ({crystals[0].Symmetry.Number})");
        }
        _output.WriteLine($"{checkedCount} files checked against MANIFEST.csv it_number, {mismatches.Count} differ");
        foreach (string m in mismatches) _output.WriteLine("  " + m);
        // Measured: 372 checked, 3 differ, all quirks of the files themselves: a symop loop that lost its
        // C-centring (P24Ru4H252C296S24N16: ops give P2/c, header says 15) and two 'C -1' cells whose
        // operations match no catalogue setting (kept as custom operation sets).
        Assert.True(checkedCount >= 372, $"only {checkedCount} files could be checked (372 measured)");
        Assert.True(mismatches.Count <= 3, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("pymatgen/C26H16BeN2O2S2.cif", 15, 1)]
    [InlineData("pymatgen/Co8.cif", 1, 1)]
    public void Known_files_have_the_manifest_group(string file, int number, int blocks)
    {
        var crystals = CifReader.ReadCrystals(Path.Combine(IoTestData.DataRoot, "cif", file));
        Assert.Equal(blocks, crystals.Count);
        Assert.Equal(number, crystals[0].Symmetry.Number);
        Assert.Equal(Path.GetFileNameWithoutExtension(file), crystals[0].Id);
    }
}
