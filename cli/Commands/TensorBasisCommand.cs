using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using CftRuntime.Crystals;
using CftRuntime.Tables;
using CftRuntime.Tensors;

namespace CftRuntime.Cli.Commands;

/// <summary>
/// <c>cft tensor-basis --group G --kind dielectric|elastic|piezoelectric [--cell a,b,c,α,β,γ] [--json]</c>: the
/// symmetry-allowed form of a property tensor (Neumann's principle) from the setting's own rotations.
/// </summary>
public static class TensorBasisCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var group = new Option<string>("--group", "-g") { Description = "Space group: IT number, NUMBER:SETTING, H-M or Hall symbol, or 'all' (every setting, one JSON object per line)", Required = true };
        var kind = new Option<string>("--kind") { Description = "dielectric (3×3), elastic (6×6 Voigt) or piezoelectric (3×6, e_iJ)", Required = true };
        var cell = new Option<string?>("--cell") { Description = "Cell a,b,c (Å),α,β,γ (degrees) in that setting, built with a along x and b in the xy plane (default: a cell with the group's metric)" };
        var json = new Option<bool>("--json") { Description = "Print {\"group\", \"number\", \"kind\", \"dimension\", \"basis\"} as one JSON line" };
        var command = new Command("tensor-basis", "Orthonormal basis of the property tensors a space group's point group allows (Cartesian frame of the cell)") { group, kind, cell, json };
        command.SetAction(r => Run(r.GetValue(group)!, r.GetValue(kind)!, r.GetValue(cell), r.GetValue(json), Console.Out));
        return command;
    }

    /// <summary>Writes the basis; usage errors (unknown group or kind, a cell without the group's metric) throw <see cref="CliUsageException"/>.</summary>
    public static int Run(string group, string kindText, string? cellText, bool json, TextWriter output)
    {
        if (!PropertyTensorBasis.TryParseKind(kindText, out var kind))
            throw new CliUsageException($"--kind '{kindText}': expected dielectric, elastic or piezoelectric");
        Lattice? lattice = cellText is null ? null : ParseCell(cellText);
        if (group.Trim().Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (lattice is not null) throw new CliUsageException("--cell cannot be combined with --group all (one cell does not fit every setting)");
            foreach (var s in SpaceGroups.All) output.WriteLine(Json(PropertyTensorBasis.Build(s, kind)));
            return 0;
        }
        if (!SpaceGroups.TryFind(group, out var setting)) throw new CliUsageException($"unknown space group '{group}' (try 'cft groups')");
        PropertyTensorBasis basis;
        try { basis = PropertyTensorBasis.Build(setting, kind, lattice); }
        catch (Errors.CftException e) { throw new CliUsageException("--cell: " + e.Message); }
        if (json)
        {
            output.WriteLine(Json(basis));
            return 0;
        }
        var (rows, columns) = basis.Shape;
        output.WriteLine($"{setting} {kind.ToString().ToLowerInvariant()} tensor ({rows}×{columns}{(kind == TensorKind.Dielectric ? "" : kind == TensorKind.Elastic ? " Voigt, 11 22 33 23 13 12" : ", e_iJ, J = 11 22 33 23 13 12")}): " +
            $"{basis.Dimension} independent component{(basis.Dimension == 1 ? "" : "s")}");
        output.WriteLine($"Cartesian frame of the cell {basis.Lattice} (a along x, b in the xy plane); basis orthonormal in the full tensor's Frobenius norm");
        for (int m = 0; m < basis.Dimension; m++)
        {
            output.WriteLine($"basis {m + 1}:");
            var t = basis.Matrix(m);
            for (int r = 0; r < rows; r++)
                output.WriteLine("  " + string.Join(" ", Enumerable.Range(0, columns).Select(c => Format(t[r, c]).PadLeft(10))));
        }
        return 0;
    }

    private static string Format(double v) => Math.Abs(v) < 1e-12 ? "0" : v.ToString("0.######", CultureInfo.InvariantCulture);

    private static Lattice ParseCell(string text)
    {
        var parts = text.Split(',');
        var values = new double[6];
        if (parts.Length != 6 || parts.Select((p, i) => double.TryParse(p.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out values[i])).Any(ok => !ok))
            throw new CliUsageException($"--cell '{text}': expected six numbers a,b,c,α,β,γ (Å and degrees)");
        try { return Lattice.FromParameters(values[0], values[1], values[2], values[3], values[4], values[5]); }
        catch (Errors.CftException e) { throw new CliUsageException($"--cell '{text}': {e.Message}"); }
    }

    /// <summary>One JSON line: group, number, setting, kind, dimension, cell, basis (nested arrays in the matrix form).</summary>
    public static string Json(PropertyTensorBasis basis) => JsonLine.Object(w =>
    {
        var s = basis.Setting;
        w.WriteString("group", s.HermannMauguin);
        w.WriteNumber("number", s.Number);
        w.WriteString("setting", s.Setting);
        w.WriteString("kind", basis.Kind.ToString().ToLowerInvariant());
        w.WriteNumber("dimension", basis.Dimension);
        w.WriteStartArray("cell");
        foreach (double v in new[] { basis.Lattice.A, basis.Lattice.B, basis.Lattice.C, basis.Lattice.Alpha, basis.Lattice.Beta, basis.Lattice.Gamma }) w.WriteNumberValue(v);
        w.WriteEndArray();
        w.WriteStartArray("basis");
        var (rows, columns) = basis.Shape;
        for (int m = 0; m < basis.Dimension; m++)
        {
            var t = basis.Matrix(m);
            w.WriteStartArray();
            for (int r = 0; r < rows; r++)
            {
                w.WriteStartArray();
                for (int c = 0; c < columns; c++) w.WriteNumberValue(t[r, c]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    });
}
