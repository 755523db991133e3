using System;
using System.IO;
using System.Linq;
using CftRuntime.Io;
using Xunit;

namespace CftRuntime.Tests.Io;

/// <summary>Dataset CSVs whose `cif` column holds pymatgen P1 CIF text.</summary>
public class CsvSmokeTests
{
    [Theory]
    [InlineData("perov_5", 5, 5)]
    [InlineData("carbon_24", 6, 24)]
    public void First_50_cif_cells_parse(string dataset, int minAtoms, int maxAtoms)
    {
        string path = Path.Combine(IoTestData.DataRoot, dataset, "val.csv");
        var records = CsvReader.ReadFile(path).Take(51).ToList();
        int column = Array.IndexOf(records[0], "cif");
        Assert.True(column >= 0, "no 'cif' column in " + path);
        Assert.Equal(51, records.Count);
        foreach (var (record, row) in records.Skip(1).Select((r, i) => (r, i + 1)))
        {
            Assert.Equal(records[0].Length, record.Length);
            var crystal = Assert.Single(CifReader.ParseCrystals(record[column], $"{dataset}/val.csv row {row}"));
            Assert.Equal(1, crystal.Symmetry.Number);
            Assert.InRange(crystal.AtomCount, minAtoms, maxAtoms);
            if (dataset == "carbon_24") Assert.All(crystal.Sites, s => Assert.Equal(6, s.AtomicNumber));
        }
    }

    [Fact]
    public void Quoted_fields_hold_commas_line_breaks_and_doubled_quotes()
    {
        var csv = new CsvReader(new StringReader("a,b,c\r\n1,\"x, \"\"y\"\"\nz\",\r\n\"\",2,3"), "t.csv");
        Assert.Equal(new[] { "a", "b", "c" }, csv.ReadRecord());
        Assert.Equal(new[] { "1", "x, \"y\"\nz", "" }, csv.ReadRecord());
        Assert.Equal(4, csv.Line);
        Assert.Equal(new[] { "", "2", "3" }, csv.ReadRecord());
        Assert.Null(csv.ReadRecord());
        var bad = new CsvReader(new StringReader("a\n\"open"), "bad.csv");
        bad.ReadRecord();
        Assert.StartsWith("bad.csv:2: expected a closing", Assert.Throws<InvalidDataException>(() => bad.ReadRecord()).Message);
    }
}
