using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CftRuntime.Io;
using Xunit;
using Xunit.Abstractions;

namespace CftRuntime.Tests.Io;

public class PoscarReaderTests
{
    private const string Direct = "Si O\n2.0\n 2.0 0.0 0.0\n 0.5 2.5 0.0\n 0.3 0.2 3.0\nSi O\n1 2\nDirect\n0.0 0.0 0.0\n0.25 0.5 0.75 extra columns\n0.1 0.2 0.3\n";

    private readonly ITestOutputHelper _output;

    public PoscarReaderTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Cartesian_equals_its_direct_equivalent()
    {
        var direct = PoscarReader.Parse(Direct, "direct");
        var lattice = direct.Lattice; // already scaled by 2
        var lines = Direct.Split('\n');
        var cart = new List<string>(lines.Take(7)) { "Selective dynamics", "cartesian" };
        foreach (var line in lines.Skip(8).Where(l => l.Length > 0))
        {
            var t = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3).Select(double.Parse).ToArray();
            var (x, y, z) = lattice.ToCartesian(t[0], t[1], t[2]);
            cart.Add($"{x / 2:R} {y / 2:R} {z / 2:R} T T F");
        }
        var cartesian = PoscarReader.Parse(string.Join("\n", cart), "cartesian");
        Assert.Equal(3, cartesian.Sites.Count);
        Assert.Equal(direct.Lattice.ToArray(), cartesian.Lattice.ToArray());
        foreach (var (d, c) in direct.Sites.Zip(cartesian.Sites))
        {
            Assert.Equal(d.AtomicNumber, c.AtomicNumber);
            Assert.True(direct.Lattice.PeriodicDistance(d.X - c.X, d.Y - c.Y, d.Z - c.Z) < 1e-9);
        }
        Assert.Equal(new[] { 14, 8, 8 }, direct.Sites.Select(s => s.AtomicNumber));
        Assert.Equal(4.0, direct.Lattice.A, 12);
    }

    [Fact]
    public void Negative_scale_is_the_cell_volume()
    {
        var c = PoscarReader.Parse(Direct.Replace("\n2.0\n", "\n-100\n"), "v");
        Assert.Equal(100, c.Lattice.Volume, 9);
    }

    [Fact]
    public void Vasp4_species_from_argument_comment_or_labels()
    {
        string vasp4 = string.Join("\n", Direct.Split('\n').Where((_, i) => i != 5));
        Assert.Equal(new[] { 14, 8, 8 }, PoscarReader.Parse(vasp4, "comment").Sites.Select(s => s.AtomicNumber));
        string noComment = "cell\n" + vasp4.Substring(vasp4.IndexOf('\n') + 1);
        var e = Assert.Throws<PoscarException>(() => PoscarReader.Parse(noComment, "v4"));
        Assert.Contains("species names are needed", e.Message);
        Assert.Equal(6, e.Line);
        Assert.Equal(new[] { 26, 1, 1 }, PoscarReader.Parse(noComment, "v4", new[] { "Fe", "H" }).Sites.Select(s => s.AtomicNumber));
        string labelled = noComment.Replace("0.0 0.0 0.0", "0.0 0.0 0.0 # Mg1").Replace("extra columns", "# O1").Replace("0.1 0.2 0.3", "0.1 0.2 0.3 # O2");
        Assert.Equal(new[] { 12, 8, 8 }, PoscarReader.Parse(labelled, "lab").Sites.Select(s => s.AtomicNumber));
    }

    [Theory]
    [InlineData("Si O\n1.0\n1 0 0\n0 1 0", 4, "expected lattice vector 3, found the end of the file")]
    [InlineData("Si O\n1.0\n1 0 0\n0 1 0\n", 5, "expected three numbers for lattice vector 3, found 0")]
    [InlineData("Si O\nabc\n", 2, "expected the scale factor")]
    [InlineData("x\n1.0\n1 0 0\n0 1 0\n0 0 1\nSi O\n1\nDirect\n0 0 0\n", 7, "the species line names 2 species but there are 1 counts")]
    [InlineData("x\n1.0\n1 0 0\n0 1 0\n0 0 1\nSi\n2\nDirect\n0 0 0\n", 10, "expected three coordinates for atom 2 of 2, found ''")]
    [InlineData("x\n1.0\n1 0 0\n0 1 0\n0 0 1\nSi\n5000000\nDirect\n0 0 0\n", 7, "the counts add up to 5000000 atoms, but the file has only 3 more lines")]
    [InlineData("x\n1.0\n1 0 0\n0 1 0\n0 0 1\nSi\n1\nXyz\n0 0 0\n", 8, "expected 'Direct' or 'Cartesian'")]
    [InlineData("x\n1.0\n1 0 0\n0 1 0\n0 0 1\nXx\n1\nDirect\n0 0 0\n", 6, "expected element symbols on the species line, found 'Xx'")]
    [InlineData("x\n1.0\n1 0 0\n2 0 0\n0 0 1\nSi\n1\nDirect\n0 0 0\n", 5, "linearly dependent")]
    [InlineData("x\n1.0\n1 0 0\n0 1 0\n0 0 1\nSi\n1\nDirect\n0 0\n", 9, "expected three coordinates for atom 1 of 1")]
    public void Errors_name_the_line_and_what_was_expected(string text, int line, string expected)
    {
        var e = Assert.Throws<PoscarException>(() => PoscarReader.Parse(text, "p"));
        Assert.Contains(expected, e.Message);
        Assert.Equal(line, e.Line);
        Assert.IsAssignableFrom<StructureFormatException>(e);
    }

    [Fact]
    public void All_spglib_poscars_parse_with_atom_counts_from_the_counts_line()
    {
        var files = Directory.EnumerateFiles(Path.Combine(IoTestData.DataRoot, "spglib_poscar"), "POSCAR*", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal).ToList();
        int withNames = 0, needNames = 0, cartesian = 0;
        foreach (string path in files)
        {
            var lines = File.ReadAllLines(path);
            // Independent reading of the counts line: line 6, or line 7 after a species line.
            var countTokens = lines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!int.TryParse(countTokens[0], out _)) countTokens = lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var counts = countTokens.Select(int.Parse).ToArray();
            global::CftRuntime.Crystals.Crystal crystal;
            try
            {
                crystal = PoscarReader.Read(path);
                withNames++;
            }
            catch (PoscarException e) when (e.Problem.StartsWith("species names are needed", StringComparison.Ordinal))
            {
                // No species anywhere in the file: name them by group (H, He, Li, ...), as a caller would.
                crystal = PoscarReader.Read(path, Enumerable.Range(1, counts.Length).Select(Crystals.Elements.Symbol).ToList());
                needNames++;
            }
            if (lines.Any(l => l.TrimStart().StartsWith("C", StringComparison.OrdinalIgnoreCase) && l.Trim().Length == "Cartesian".Length)) cartesian++;
            Assert.Equal(counts.Sum(), crystal.Sites.Count);
            Assert.Equal(counts.Sum(), crystal.AtomCount, 9);
            Assert.Equal(1, crystal.Symmetry.Number);
            Assert.Equal(Path.GetFileNameWithoutExtension(path), crystal.Id);
        }
        _output.WriteLine($"{files.Count} POSCARs: {withNames} name their species (species line, comment or '# Mg1' labels), {needNames} need species from the caller, {cartesian} Cartesian");
        Assert.Equal(785, files.Count);
        // Measured: 381 files name their species; the other 404 label atoms by number ("# 11") or not at all.
        Assert.Equal(381, withNames);
        Assert.Equal(404, needNames);
        Assert.Equal(1, cartesian);
        var layer = PoscarReader.Read(Path.Combine(IoTestData.DataRoot, "spglib_poscar", "layer", "POSCAR-78"));
        Assert.Equal(0.5, layer.Sites[0].Z, 12); // Cartesian z = 11.595 Å in c = 23.19 Å
        Assert.Equal(new[] { 42, 16, 16 }, layer.Sites.Select(s => s.AtomicNumber));
    }
}
