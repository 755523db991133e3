using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using CftRuntime.Crystals;
using CftRuntime.Io;
using CftRuntime.Tests.Io;

namespace CftRuntime.Tests.Symmetry;

/// <summary>spglib's test POSCARs (shared/data/spglib_poscar) and comparisons of standardised crystals.</summary>
public static class SymmetryTestData
{
    public static string PoscarRoot => Path.Combine(IoTestData.DataRoot, "spglib_poscar");

    /// <summary>Every POSCAR, relative path (forward slashes) in ordinal order.</summary>
    public static IReadOnlyList<string> Poscars =>
        Directory.EnumerateFiles(PoscarRoot, "POSCAR*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(PoscarRoot, p).Replace('\\', '/'))
            .OrderBy(p => p, StringComparer.Ordinal).ToList();

    /// <summary>The IT number in a file name POSCAR-&lt;SG&gt;[-n…].</summary>
    public static int ExpectedNumber(string relativePath) => int.Parse(Regex.Match(Path.GetFileName(relativePath), @"^POSCAR-0*(\d+)").Groups[1].Value);

    /// <summary>Reads a POSCAR; VASP 4 files without species get one synthetic element per count group (H, He, Li, …).</summary>
    public static Crystal Read(string relativePath)
    {
        string path = Path.Combine(PoscarRoot, relativePath);
        try
        {
            return PoscarReader.Read(path);
        }
        catch (PoscarException e) when (e.Problem.StartsWith("species names are needed", StringComparison.Ordinal))
        {
            var lines = File.ReadAllLines(path);
            var tokens = lines[5].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!int.TryParse(tokens[0], out _)) tokens = lines[6].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return PoscarReader.Read(path, Enumerable.Range(1, tokens.Length).Select(Elements.Symbol).ToList());
        }
    }

    /// <summary>Whether every position of <paramref name="a"/>'s full cell has a position of the same element and occupancy in <paramref name="b"/>'s, within the tolerance (Å) modulo the lattice, and the counts agree.</summary>
    public static bool SameCell(Crystal a, Crystal b, double toleranceAngstrom)
    {
        var ca = a.ExpandToCell();
        var cb = b.ExpandToCell();
        if (ca.Count != cb.Count) return false;
        return ca.All(s => cb.Any(t => t.AtomicNumber == s.AtomicNumber && Math.Abs(t.Occupancy - s.Occupancy) < 1e-6
            && a.Lattice.PeriodicDistance(t.X - s.X, t.Y - s.Y, t.Z - s.Z) <= toleranceAngstrom));
    }

    /// <summary>
    /// Whether the feature rows of two crystals' unique sites are the same multiset (each row of <paramref name="a"/>
    /// matched to an unused row of <paramref name="b"/> with the same element and multiplicity, every column within
    /// <paramref name="tolerance"/>); the row order of two standardisations may differ.
    /// </summary>
    public static bool SameRows(Crystal a, float[] fa, Crystal b, float[] fb, int columns, double tolerance)
    {
        if (a.Sites.Count != b.Sites.Count) return false;
        var used = new bool[b.Sites.Count];
        for (int i = 0; i < a.Sites.Count; i++)
        {
            int match = -1;
            for (int j = 0; j < b.Sites.Count && match < 0; j++)
            {
                if (used[j] || a.Sites[i].AtomicNumber != b.Sites[j].AtomicNumber || a.Sites[i].Multiplicity != b.Sites[j].Multiplicity) continue;
                bool equal = true;
                for (int c = 0; c < columns && equal; c++) equal = Math.Abs(fa[i * columns + c] - fb[j * columns + c]) <= tolerance;
                if (equal) match = j;
            }
            if (match < 0) return false;
            used[match] = true;
        }
        return true;
    }
}
