using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.IO;
using System.Text;
using CftRuntime.Basis;
using CftRuntime.Crystals;
using CftRuntime.Tables;

namespace CftRuntime.Io;

/// <summary>
/// Reads crystal structures from CIF: the cell, the atom sites (the asymmetric unit) and the symmetry
/// they are to be expanded with. Symmetry comes from, in this order: the listed operations
/// (<c>_space_group_symop_operation_xyz</c> / <c>_symmetry_equiv_pos_as_xyz</c>), the Hall symbol, the
/// Hermann–Mauguin symbol (with <c>_space_group_IT_coordinate_system_code</c> as origin/axes hint), the
/// IT number (standard setting), else P1. Partial occupancy is kept as <see cref="Site.Occupancy"/>.
/// Every problem is a <see cref="CifException"/> naming file, line and what was expected.
/// </summary>
public static class CifReader
{
    private static readonly string[] OperationTags = { "_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz" };
    private static readonly string[] HallTags = { "_space_group_name_Hall", "_symmetry_space_group_name_Hall" };
    private static readonly string[] HermannMauguinTags = { "_space_group_name_H-M_alt", "_symmetry_space_group_name_H-M", "_space_group_name_H-M" };
    private static readonly string[] NumberTags = { "_space_group_IT_number", "_symmetry_Int_Tables_number" };
    private static readonly string[] CoordinateSystemTags = { "_space_group_IT_coordinate_system_code", "_symmetry_space_group_IT_coordinate_system_code" };
    private static readonly string[] CellTags = { "_cell_length_a", "_cell_length_b", "_cell_length_c", "_cell_angle_alpha", "_cell_angle_beta", "_cell_angle_gamma" };

    /// <summary>
    /// Reads the structures of a CIF file: one crystal per data block that has atom sites
    /// (<c>_atom_site_fract_x</c>), or only block <paramref name="blockName"/>. Crystal ids are the file
    /// name without extension, or <c>file:block</c> when the file has several data blocks.
    /// </summary>
    /// <exception cref="CifException">Unreadable file, invalid CIF, no structure, or a structure that is incomplete or inconsistent.</exception>
    public static IReadOnlyList<Crystal> ReadCrystals(string path, string? blockName = null) =>
        ReadCrystals(CifParser.ParseFile(path), Path.GetFileNameWithoutExtension(path), blockName);

    /// <summary>
    /// Like <see cref="ReadCrystals(string, string?)"/> for CIF text (e.g. a CSV cell);
    /// <paramref name="sourceName"/> names it in errors and is the crystal id (":block" appended when the
    /// text has several blocks).
    /// </summary>
    /// <exception cref="CifException">Invalid CIF, no structure, or an incomplete or inconsistent structure.</exception>
    public static IReadOnlyList<Crystal> ParseCrystals(string text, string sourceName, string? blockName = null) =>
        ReadCrystals(CifParser.Parse(text, sourceName), sourceName, blockName);

    /// <summary>Reads the structures of a parsed document; <paramref name="idStem"/> starts each crystal id.</summary>
    /// <exception cref="CifException">No structure, or an incomplete or inconsistent structure.</exception>
    public static IReadOnlyList<Crystal> ReadCrystals(CifDocument document, string idStem, string? blockName = null)
    {
        string Id(CifBlock b) => document.Blocks.Count > 1 ? $"{idStem}:{b.Name}" : idStem;
        if (blockName is not null)
        {
            var block = document.FindBlock(blockName) ?? throw new CifException(document.SourceName, 0, $"expected a data block 'data_{blockName}'; the file has {Names(document)}");
            if (!HasAtomSites(block)) throw new CifException(document.SourceName, block.Line, $"block 'data_{block.Name}' has no atom sites: expected '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z'");
            return new[] { ToCrystal(block, Id(block), document.SourceName) };
        }
        var crystals = new List<Crystal>();
        foreach (var block in document.Blocks)
            if (HasAtomSites(block)) crystals.Add(ToCrystal(block, Id(block), document.SourceName));
        if (crystals.Count == 0)
            throw new CifException(document.SourceName, 0, document.Blocks.Count == 0
                ? "expected a 'data_' block, found none"
                : $"no data block has atom sites (expected '_atom_site_fract_x', '_atom_site_fract_y', '_atom_site_fract_z'); the file has {Names(document)}");
        return crystals;
    }

    /// <summary>Whether a block lists atom sites (fractional, or Cartesian <c>_atom_site_Cartn_*</c>).</summary>
    public static bool HasAtomSites(CifBlock block) =>
        block.Contains("_atom_site_fract_x") || block.Contains("_atom_site_fract_y") || block.Contains("_atom_site_fract_z")
        || block.Contains("_atom_site_Cartn_x") || block.Contains("_atom_site_Cartn_y") || block.Contains("_atom_site_Cartn_z");

    /// <summary>The crystal of one data block; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="CifException">The block's cell, sites or symmetry are missing or invalid.</exception>
    public static Crystal ToCrystal(CifBlock block, string id, string source)
    {
        var lattice = ReadLattice(block, source);
        var symmetry = ReadSymmetry(block, source);
        var notes = new List<string>();
        var sites = ReadSites(block, source, lattice, id, notes);
        try
        {
            return new Crystal(id, lattice, symmetry, sites) { Notes = notes };
        }
        catch (InvalidStructureException e)
        {
            throw new CifException(source, block.Line, $"block 'data_{block.Name}': {e.Message}", e);
        }
    }

    private static string Names(CifDocument d)
    {
        if (d.Blocks.Count == 0) return "no data blocks";
        var names = new List<string>();
        foreach (var b in d.Blocks) { if (names.Count == 5) { names.Add("..."); break; } names.Add("data_" + b.Name); }
        return string.Join(", ", names);
    }

    private static Lattice ReadLattice(CifBlock block, string source)
    {
        var p = new double[6];
        for (int i = 0; i < 6; i++)
        {
            if (!block.TryGetValue(CellTags[i], out var v))
                throw new CifException(source, block.Line, $"block 'data_{block.Name}' has atom sites but no cell: expected '{CellTags[i]}'");
            if (v.IsMissing) throw new CifException(source, v.Line, $"expected a number for '{CellTags[i]}', found '{v}'");
            if (!v.TryGetNumber(out p[i])) throw new CifException(source, v.Line, $"expected a number for '{CellTags[i]}', found '{v.Text}'");
        }
        try
        {
            return Lattice.FromParameters(p[0], p[1], p[2], p[3], p[4], p[5]);
        }
        catch (InvalidStructureException e)
        {
            block.TryGetValue(CellTags[0], out var a);
            throw new CifException(source, a.Line, $"impossible cell: {e.Message}", e);
        }
    }

    /// <summary>
    /// Type symbols (or, without one, label stems) of sites that are not atoms: dummy atoms (X, Du, Dum, Xx) and
    /// residual density peaks (Q, as in Q1, Q2 of refinement output). They are skipped with a note.
    /// </summary>
    private static readonly HashSet<string> DummySymbols = new(StringComparer.OrdinalIgnoreCase) { "X", "Xx", "Du", "Dum", "Q" };

    private static bool IsDummy(string text)
    {
        int n = 0;
        while (n < text.Length && char.IsAsciiLetter(text[n])) n++;
        return n > 0 && DummySymbols.Contains(text[..n]) && (n == text.Length || !char.IsAsciiLetter(text[n]));
    }

    private static List<Site> ReadSites(CifBlock block, string source, Lattice lattice, string id, List<string> notes)
    {
        bool cartesian = !block.Contains("_atom_site_fract_x") && !block.Contains("_atom_site_fract_y") && !block.Contains("_atom_site_fract_z");
        string prefix = cartesian ? "_atom_site_Cartn_" : "_atom_site_fract_";
        var x = Column(block, prefix + "x", source);
        var y = Column(block, prefix + "y", source);
        var z = Column(block, prefix + "z", source);
        int n = x.Count;
        var type = OptionalColumn(block, "_atom_site_type_symbol", n, source);
        var label = OptionalColumn(block, "_atom_site_label", n, source);
        var occupancy = OptionalColumn(block, "_atom_site_occupancy", n, source);
        var calcFlag = OptionalColumn(block, "_atom_site_calc_flag", n, source);
        if (y.Count != n || z.Count != n)
            throw new CifException(source, x[0].Line, $"expected '{prefix}x', '{prefix}y' and '{prefix}z' in the same loop");
        var toFractional = cartesian ? CartesianToFractional(block, source, lattice, id, notes) : null;
        var sites = new List<Site>(n);
        var dummies = new List<string>();
        for (int i = 0; i < n; i++)
        {
            string name = label is not null && !label[i].IsMissing ? label[i].Text : $"row {i + 1}";
            bool hasType = type is not null && !type[i].IsMissing;
            if ((calcFlag is not null && !calcFlag[i].IsMissing && calcFlag[i].Text.Equals("dum", StringComparison.OrdinalIgnoreCase))
                || (hasType ? IsDummy(type![i].Text) : label is not null && !label[i].IsMissing && IsDummy(label[i].Text)))
            {
                dummies.Add(name);
                continue;
            }
            double fx = Coordinate(x[i], "x", name, source, cartesian), fy = Coordinate(y[i], "y", name, source, cartesian), fz = Coordinate(z[i], "z", name, source, cartesian);
            if (toFractional is not null) (fx, fy, fz) = toFractional(fx, fy, fz);
            int element = 0;
            bool known = (hasType && Elements.TryParseLabel(type![i].Text, out element))
                         || (label is not null && !label[i].IsMissing && Elements.TryParseLabel(label[i].Text, out element));
            if (!known)
                throw new CifException(source, x[i].Line, $"site '{name}': expected an element symbol in '_atom_site_type_symbol' or '_atom_site_label', found type '{type?[i].ToString() ?? "(none)"}' and label '{label?[i].ToString() ?? "(none)"}'");
            double occ = 1;
            if (occupancy is not null && !occupancy[i].IsMissing)
            {
                if (!occupancy[i].TryGetNumber(out occ)) throw new CifException(source, occupancy[i].Line, $"site '{name}': expected a number for '_atom_site_occupancy', found '{occupancy[i].Text}'");
                if (!(occ > 0 && occ <= 1 + 1e-6)) throw new CifException(source, occupancy[i].Line, $"site '{name}': occupancy {occupancy[i].Text} is not in (0, 1]");
                occ = Math.Min(occ, 1);
            }
            sites.Add(new Site(element, fx, fy, fz, occ, label is not null && !label[i].IsMissing ? label[i].Text : ""));
        }
        if (dummies.Count > 0)
        {
            if (sites.Count == 0) throw new CifException(source, x[0].Line, $"block 'data_{block.Name}': every site is a dummy atom or density peak ({string.Join(", ", dummies.Take(5))}{(dummies.Count > 5 ? ", ..." : "")}); no atoms left");
            notes.Add($"skipped {dummies.Count} dummy site{(dummies.Count == 1 ? "" : "s")} (dummy atoms or density peaks, not atoms): {string.Join(", ", dummies.Take(5))}{(dummies.Count > 5 ? ", ..." : "")}");
        }
        return sites;
    }

    private static readonly string[] TransformTags =
    [
        "_atom_sites_Cartn_tran_matrix_11", "_atom_sites_Cartn_tran_matrix_12", "_atom_sites_Cartn_tran_matrix_13",
        "_atom_sites_Cartn_tran_matrix_21", "_atom_sites_Cartn_tran_matrix_22", "_atom_sites_Cartn_tran_matrix_23",
        "_atom_sites_Cartn_tran_matrix_31", "_atom_sites_Cartn_tran_matrix_32", "_atom_sites_Cartn_tran_matrix_33",
    ];

    /// <summary>
    /// Cartesian (Å) to fractional: with the file's <c>_atom_sites_Cartn_tran_matrix_ij</c> (Cartesian = M · fractional)
    /// when it gives one, else in the cell's standard orientation (a along x, b in the xy plane), which the note states.
    /// </summary>
    private static Func<double, double, double, (double, double, double)> CartesianToFractional(CifBlock block, string source, Lattice lattice, string id, List<string> notes)
    {
        var m = new double[9];
        int given = 0;
        for (int i = 0; i < 9; i++)
        {
            if (!block.TryGetValue(TransformTags[i], out var v) || v.IsMissing) continue;
            if (!v.TryGetNumber(out m[i])) throw new CifException(source, v.Line, $"expected a number for '{TransformTags[i]}', found '{v.Text}'");
            given++;
        }
        if (given == 0)
        {
            notes.Add($"atom sites given as Cartesian coordinates (_atom_site_Cartn_*), read in the cell's standard orientation: a along x, b in the xy plane");
            return (cx, cy, cz) => lattice.ToFractional(cx, cy, cz);
        }
        if (given != 9) throw new CifException(source, block.Line, $"block 'data_{block.Name}': expected all nine '_atom_sites_Cartn_tran_matrix_ij' or none, found {given}");
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if (!(Math.Abs(det) > 1e-9)) throw new CifException(source, block.Line, $"block 'data_{block.Name}': '_atom_sites_Cartn_tran_matrix' is singular");
        var inv = new[]
        {
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
        };
        notes.Add($"atom sites given as Cartesian coordinates (_atom_site_Cartn_*), converted with the file's _atom_sites_Cartn_tran_matrix");
        return (cx, cy, cz) => (inv[0] * cx + inv[1] * cy + inv[2] * cz, inv[3] * cx + inv[4] * cy + inv[5] * cz, inv[6] * cx + inv[7] * cy + inv[8] * cz);
    }

    private static double Coordinate(CifValue v, string axis, string site, string source, bool cartesian)
    {
        string kind = cartesian ? "Cartesian" : "fractional";
        if (v.IsMissing) throw new CifException(source, v.Line, $"site '{site}': {kind} {axis} is '{v}', expected a number");
        if (!v.TryGetNumber(out double value) && (cartesian || !TryGetFraction(v.Text, out value))) throw new CifException(source, v.Line, $"site '{site}': expected a number for {kind} {axis}, found '{v.Text}'");
        return value;
    }

    /// <summary>A coordinate written as a simple fraction ("1/4", "-3/4"), as some files do.</summary>
    private static bool TryGetFraction(string text, out double value)
    {
        value = 0;
        int slash = text.IndexOf('/');
        if (slash <= 0) return false;
        if (!int.TryParse(text.AsSpan(0, slash), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int p)
            || !int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int q) || q == 0) return false;
        value = (double)p / q;
        return true;
    }

    private static IReadOnlyList<CifValue> Column(CifBlock block, string tag, string source)
    {
        if (!block.TryGetColumn(tag, out var values, out _) || values.Count == 0)
            throw new CifException(source, block.Line, $"block 'data_{block.Name}': expected '{tag}' with the other atom-site coordinates");
        return values;
    }

    private static IReadOnlyList<CifValue>? OptionalColumn(CifBlock block, string tag, int rows, string source)
    {
        if (!block.TryGetColumn(tag, out var values, out _)) return null;
        if (values.Count != rows) throw new CifException(source, values.Count > 0 ? values[0].Line : block.Line, $"expected '{tag}' in the loop of '_atom_site_fract_x' ({rows} rows), found {values.Count} values");
        return values;
    }

    private static CrystalSymmetry ReadSymmetry(CifBlock block, string source)
    {
        foreach (string tag in OperationTags)
        {
            if (!block.TryGetColumn(tag, out var values, out _)) continue;
            var operations = new List<SymmetryOperation>(values.Count);
            foreach (var v in values)
            {
                if (v.IsMissing) continue;
                if (!XyzOperationParser.TryParse(v.Text, out var op, out string? error))
                    throw new CifException(source, v.Line, $"cannot read symmetry operation '{v.Text}' of '{tag}': {error}");
                operations.Add(op!);
            }
            if (operations.Count == 0) continue;
            try
            {
                return CrystalSymmetry.FromOperations(operations);
            }
            catch (InvalidStructureException e)
            {
                throw new CifException(source, values[0].Line, $"'{tag}': {e.Message}", e);
            }
        }

        var unrecognised = new List<(string Tag, CifValue Value)>();
        foreach (string tag in HallTags)
            if (TryGetText(block, tag, out var v))
            {
                if (SpaceGroups.TryFindHall(v.Text, out var setting)) return CrystalSymmetry.FromSetting(setting);
                unrecognised.Add((tag, v));
            }
        string code = "";
        foreach (string tag in CoordinateSystemTags)
            if (TryGetText(block, tag, out var v)) { code = v.Text.Trim(); break; }
        foreach (string tag in HermannMauguinTags)
            if (TryGetText(block, tag, out var v))
            {
                if (code.Length > 0 && v.Text.IndexOf(':') < 0 && SpaceGroups.TryFind(v.Text.Trim() + ":" + code, out var withCode)) return CrystalSymmetry.FromSetting(withCode);
                if (SpaceGroups.TryFind(v.Text, out var setting) || SpaceGroups.TryFind(ScrewAxesWithUnderscore(v.Text), out setting))
                    return CrystalSymmetry.FromSetting(setting);
                unrecognised.Add((tag, v));
            }
        foreach (string tag in NumberTags)
            if (TryGetText(block, tag, out var v))
            {
                if (int.TryParse(v.Text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number >= 1 && number <= 230) return CrystalSymmetry.FromSetting(SpaceGroups.Standard(number));
                unrecognised.Add((tag, v));
            }
        if (unrecognised.Count > 0)
        {
            var (tag, value) = unrecognised[0];
            throw new CifException(source, value.Line, $"unrecognised space group '{value.Text}' in '{tag}': expected a symbol or IT number of the catalogue, or symmetry operations in '{OperationTags[0]}'");
        }
        return CrystalSymmetry.P1;
    }

    /// <summary>"P2(1)/c" → "P2_1/c": screw axes written with parentheses.</summary>
    private static string ScrewAxesWithUnderscore(string symbol)
    {
        var sb = new StringBuilder(symbol.Length);
        for (int i = 0; i < symbol.Length; i++)
        {
            if (symbol[i] == '(' && i + 2 < symbol.Length && char.IsAsciiDigit(symbol[i + 1]) && symbol[i + 2] == ')')
            {
                sb.Append('_').Append(symbol[i + 1]);
                i += 2;
            }
            else sb.Append(symbol[i]);
        }
        return sb.ToString();
    }

    private static bool TryGetText(CifBlock block, string tag, out CifValue value) =>
        block.TryGetValue(tag, out value) && !value.IsMissing && value.Text.Trim().Length > 0;
}
