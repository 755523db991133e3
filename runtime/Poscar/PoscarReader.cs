using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using CftRuntime.Crystals;

namespace CftRuntime.Io;

/// <summary>
/// Reads VASP POSCAR/CONTCAR files into a <see cref="Crystal"/> in P1 (every atom a site): comment
/// line, scale factor (positive: multiplies the lattice and Cartesian coordinates; negative: the
/// target cell volume; three numbers: per-axis factors), three lattice vectors, the VASP 5 species
/// line, counts, optional "Selective dynamics", "Direct" or "Cartesian" (by first letter, any case)
/// and one line per atom (extra columns ignored).
/// </summary>
/// <remarks>
/// VASP 4 files have no species line. Their species are taken, in this order, from the
/// <c>species</c> argument, the comment line (when it is exactly one element symbol per count), or
/// per-atom labels after the coordinates ("0.0 0.5 0.5 # Mg1" or "0.0 0.5 0.5 Mg") when every atom of
/// a group has the same element; otherwise the file is rejected with a message that says so.
/// </remarks>
public static class PoscarReader
{
    /// <summary>Reads a file; the crystal id is the file name without extension.</summary>
    /// <exception cref="PoscarException">The file cannot be read or is not a valid POSCAR.</exception>
    public static Crystal Read(string path, IReadOnlyList<string>? species = null)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new PoscarException(path, 0, "cannot read the file: " + e.Message, e);
        }
        return Parse(text, path, species, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses POSCAR text; <paramref name="sourceName"/> names it in errors and is the id unless <paramref name="id"/> is given.</summary>
    /// <param name="text">The POSCAR text.</param>
    /// <param name="sourceName">Names the text in error messages.</param>
    /// <param name="species">Element symbols, one per count, for VASP 4 files without a species line (ignored when the file has one).</param>
    /// <param name="id">Crystal id; <paramref name="sourceName"/> when null.</param>
    /// <exception cref="PoscarException">The text is not a valid POSCAR.</exception>
    public static Crystal Parse(string text, string sourceName, IReadOnlyList<string>? species = null, string? id = null)
    {
        var lines = (text ?? "").Replace("\r\n", "\n").Split('\n', '\r');
        int n = 0; // index of the next line
        PoscarException Error(int line, string problem) => new(sourceName, line, problem);
        string[] NextLine(string expected)
        {
            if (n >= lines.Length) throw Error(lines.Length, $"expected {expected}, found the end of the file");
            return lines[n++].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }
        double Number(string token, string what) =>
            double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) ? v : throw Error(n, $"expected {what}, found '{token}'");

        string comment = n < lines.Length ? lines[n++] : throw Error(1, "expected a comment line, found an empty file");
        var scaleTokens = NextLine("the scale factor");
        if (scaleTokens.Length == 0) throw Error(n, "expected the scale factor");
        var scale = new double[3];
        double volumeTarget = 0;
        if (scaleTokens.Length >= 3 && double.TryParse(scaleTokens[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            for (int i = 0; i < 3; i++)
                if (!((scale[i] = Number(scaleTokens[i], "three positive scale factors")) > 0)) throw Error(n, "expected three positive scale factors");
        }
        else
        {
            double s = Number(scaleTokens[0], "the scale factor (positive: factor, negative: cell volume)");
            if (s == 0) throw Error(n, "expected a non-zero scale factor (positive: factor, negative: cell volume)");
            if (s < 0) volumeTarget = -s;
            scale[0] = scale[1] = scale[2] = s > 0 ? s : 1;
        }
        var m = new double[9];
        for (int r = 0; r < 3; r++)
        {
            var t = NextLine($"lattice vector {r + 1}");
            if (t.Length < 3) throw Error(n, $"expected three numbers for lattice vector {r + 1}, found {t.Length}");
            for (int c = 0; c < 3; c++) m[3 * r + c] = Number(t[c], $"a number in lattice vector {r + 1}") * scale[c];
        }
        if (volumeTarget > 0)
        {
            double det = Math.Abs(m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]));
            if (!(det > 0)) throw Error(n, "the lattice vectors have zero volume, so a negative scale (target volume) cannot be applied");
            double f = Math.Cbrt(volumeTarget / det);
            for (int i = 0; i < 9; i++) m[i] *= f;
            scale[0] = scale[1] = scale[2] = f;
        }
        Lattice lattice;
        try { lattice = Lattice.FromVectors(m); }
        catch (InvalidStructureException e) { throw Error(n, e.Message); }

        var tokens = NextLine("the species line (VASP 5) or the atom counts");
        string[]? names = null;
        if (tokens.Length > 0 && !int.TryParse(tokens[0], NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            names = tokens;
            tokens = NextLine("the atom counts");
        }
        int countLine = n;
        if (tokens.Length == 0) throw Error(countLine, "expected the atom counts");
        var counts = new List<int>();
        foreach (string t in tokens)
        {
            if (!int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int k)) break;
            if (k <= 0 || k > 10_000_000) throw Error(countLine, $"expected positive atom counts, found {t}");
            counts.Add(k);
        }
        if (counts.Count == 0) throw Error(countLine, $"expected the atom counts, found '{tokens[0]}'");
        if (names is not null && names.Length != counts.Count) throw Error(countLine, $"the species line names {names.Length} species but there are {counts.Count} counts");
        if (names is not null)
            foreach (string name in names)
                if (!TryElement(name, out _)) throw Error(countLine - 1, $"expected element symbols on the species line, found '{name}'");
        if (names is null && species is not null && Symbols(species, counts.Count) is null)
            throw Error(countLine, $"expected {counts.Count} element symbols in 'species' for the {counts.Count} counts, got '{string.Join(" ", species)}'");
        long total = 0;
        foreach (int k in counts) total += k;
        if (total > lines.Length - n) throw Error(countLine, $"the counts add up to {total} atoms, but the file has only {lines.Length - n} more lines");

        var mode = NextLine("'Direct' or 'Cartesian'");
        bool selective = mode.Length > 0 && (mode[0][0] == 's' || mode[0][0] == 'S');
        if (selective) mode = NextLine("'Direct' or 'Cartesian' after 'Selective dynamics'");
        char m0 = mode.Length > 0 ? char.ToLowerInvariant(mode[0][0]) : ' ';
        if (m0 != 'd' && m0 != 'c' && m0 != 'k') throw Error(n, $"expected 'Direct' or 'Cartesian', found '{(mode.Length > 0 ? mode[0] : "")}'");
        bool cartesian = m0 != 'd';

        var positions = new (double X, double Y, double Z)[total];
        var labels = new string?[total];
        for (long i = 0; i < total; i++)
        {
            var t = NextLine($"coordinates of atom {i + 1} of {total}");
            if (t.Length < 3) throw Error(n, $"expected three coordinates for atom {i + 1} of {total}, found '{string.Join(" ", t)}'");
            double x = Number(t[0], $"a coordinate of atom {i + 1}"), y = Number(t[1], $"a coordinate of atom {i + 1}"), z = Number(t[2], $"a coordinate of atom {i + 1}");
            positions[i] = cartesian ? lattice.ToFractional(x * scale[0], y * scale[1], z * scale[2]) : (x, y, z);
            int rest = selective ? 6 : 3;
            if (t.Length > rest) labels[i] = t[rest] == "#" || t[rest] == "!" ? (t.Length > rest + 1 ? t[rest + 1] : null) : t[rest].TrimStart('#', '!');
        }

        var elements = ResolveSpecies(names, species, comment, counts, labels)
            ?? throw Error(countLine, $"species names are needed: this VASP 4 file has no species line (expected element symbols on the line before the counts), and neither the comment line nor per-atom labels name {counts.Count} species; pass them as the species argument (on the command line: --species, e.g. --species Li,La,Ta,O)");
        var sites = new List<Site>((int)total);
        int atom = 0;
        for (int g = 0; g < counts.Count; g++)
            for (int k = 0; k < counts[g]; k++, atom++)
                sites.Add(new Site(elements[g], positions[atom].X, positions[atom].Y, positions[atom].Z, 1.0, Elements.Symbol(elements[g]) + (k + 1).ToString(CultureInfo.InvariantCulture)));
        try
        {
            return new Crystal(id ?? sourceName, lattice, CrystalSymmetry.P1, sites);
        }
        catch (InvalidStructureException e) { throw Error(0, e.Message); }
    }

    private static int[]? ResolveSpecies(string[]? fileNames, IReadOnlyList<string>? given, string comment, List<int> counts, string?[] labels)
    {
        if (fileNames is not null)
        {
            var z = new int[counts.Count];
            for (int g = 0; g < z.Length; g++)
                if (!TryElement(fileNames[g], out z[g])) return null;
            return z;
        }
        if (given is not null) return Symbols(given, counts.Count);
        var fromComment = Symbols(comment.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), counts.Count);
        if (fromComment is not null) return fromComment;
        var fromLabels = new int[counts.Count];
        int atom = 0;
        for (int g = 0; g < counts.Count; g++)
            for (int k = 0; k < counts[g]; k++, atom++)
            {
                if (labels[atom] is not { } label || !Elements.TryParseLabel(label, out int z)) return null;
                if (k == 0) fromLabels[g] = z;
                else if (fromLabels[g] != z) return null;
            }
        return fromLabels;
    }

    /// <summary>An element from a species-line entry; VASP 6 may write "Fe_pv" or "Fe/abc123", element first.</summary>
    private static bool TryElement(string name, out int z) => Elements.TryGetAtomicNumber(name.Split('_', '/')[0], out z);

    private static int[]? Symbols(IReadOnlyList<string> symbols, int count)
    {
        if (symbols.Count != count) return null;
        var z = new int[count];
        for (int g = 0; g < count; g++)
            if (!Elements.TryGetAtomicNumber(symbols[g], out z[g])) return null;
        return z;
    }
}
