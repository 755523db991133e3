using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Numerics;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft basis plot</c>: a PNG heat map of one symmetrised plane wave S_h over a plane of the cell.</summary>
public static class BasisPlotCommand
{
    /// <summary>Which real number of S_h(x) is drawn.</summary>
    public enum Part
    {
        /// <summary>Re S_h.</summary>
        Re,
        /// <summary>Im S_h.</summary>
        Im,
        /// <summary>|S_h|.</summary>
        Abs,
    }

    /// <summary>Builds the subcommand.</summary>
    public static Command Create()
    {
        var group = new Option<string>("--group", "-g") { Description = "Space group: IT number, NUMBER:SETTING, H-M or Hall symbol", Required = true };
        var hkl = new Option<string>("--hkl") { Description = "Frequency h,k,l (any integers; e.g. 1,1,1)", Required = true };
        var plane = new Option<string>("--plane") { Description = "The plane: one fixed fractional coordinate, e.g. z=0, x=0.25, y=1/2", DefaultValueFactory = _ => "z=0" };
        var output = new Option<FileInfo>("--out", "-o") { Description = "PNG file to write", Required = true };
        var part = new Option<Part>("--part") { Description = "What to draw: re, im or abs", DefaultValueFactory = _ => Part.Re };
        var resolution = new Option<int>("--resolution") { Description = "Grid points per axis (2..2000)", DefaultValueFactory = _ => 201 };
        var cells = new Option<double>("--cells") { Description = "Cells shown along each axis", DefaultValueFactory = _ => 1.0 };
        var size = new Option<string>("--size") { Description = "Image size WIDTHxHEIGHT in pixels", DefaultValueFactory = _ => "720x600" };
        var command = new Command("plot", "Draw S_h over a plane of the cell as a PNG heat map (fractional axes)")
        {
            group, hkl, plane, output, part, resolution, cells, size,
        };
        command.SetAction(r => Run(r.GetValue(group)!, r.GetValue(hkl)!, r.GetValue(plane)!, r.GetValue(output)!.FullName,
            r.GetValue(part), r.GetValue(resolution), r.GetValue(cells), r.GetValue(size)!, Console.Out));
        return command;
    }

    /// <summary>Computes the slice and writes the PNG (whole or not at all); prints one summary line.</summary>
    public static int Run(string group, string hkl, string planeText, string outputPath, Part part, int resolution, double cells, string size, TextWriter log)
    {
        var setting = BasisCommand.Resolve(group);
        var h = BasisCommand.ParseTriple(hkl, "--hkl", s => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        CellPlane plane;
        try { plane = CellPlane.Parse(planeText); }
        catch (FormatException e) { throw new CliUsageException("--plane: " + e.Message); }
        if (resolution < 2 || resolution > 2000) throw new CliUsageException($"--resolution must be an integer in 2..2000, got {resolution}");
        if (!(cells > 0 && cells <= 10)) throw new CliUsageException($"--cells must be a number in (0, 10], got {cells.ToString(CultureInfo.InvariantCulture)}");
        if (Array.Exists(h, v => Math.Abs((long)v) > PlaneWaveExpansion.MaxComponent)) throw new CliUsageException($"--hkl: each component must be at most {PlaneWaveExpansion.MaxComponent} in magnitude, got '{hkl}'");
        var (width, height) = ParseSize(size);
        string? directory = Path.GetDirectoryName(outputPath);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory)) throw new CliUsageException($"--out: the directory '{directory}' does not exist");

        var wave = PlaneWaveExpansion.Create(setting, h[0], h[1], h[2]);
        if (wave.IsExtinct)
            throw new CliUsageException($"({h[0]} {h[1]} {h[2]}) is a systematic absence of {setting.HermannMauguin} (No. {setting.Number}): S_h is identically zero, nothing to draw");
        var slice = BasisSlice.Compute(wave, plane, resolution, cells);
        byte[] png = Render(slice, setting, part, width, height, out double min, out double max);

        // Written beside the target and renamed, so a failure never leaves a half-written PNG.
        string temporary = outputPath + $".{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllBytes(temporary, png);
            File.Move(temporary, outputPath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new CliUsageException($"--out: cannot write '{outputPath}': {e.Message}");
        }
        log.WriteLine(FormattableString.Invariant(
            $"{outputPath}: {Label(part, h[0], h[1], h[2])} on {plane} in {setting.HermannMauguin} (No. {setting.Number}), {wave.TermCount} plane waves, {resolution}x{resolution} points, range [{min:F4}, {max:F4}]"));
        return 0;
    }

    /// <summary>The PNG bytes of a slice; <paramref name="min"/> and <paramref name="max"/> are the drawn value's range.</summary>
    public static byte[] Render(BasisSlice slice, SpaceGroupSetting setting, Part part, int width, int height, out double min, out double max)
    {
        int n = slice.Resolution;
        // ScottPlot draws row 0 at the top: row r holds the vertical index n-1-r so that v grows upwards.
        var data = new double[n, n];
        min = double.PositiveInfinity; max = double.NegativeInfinity;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
            {
                double value = Value(slice[i, j], part);
                data[n - 1 - j, i] = value;
                min = Math.Min(min, value); max = Math.Max(max, value);
            }

        var plot = new ScottPlot.Plot();
        var heatmap = plot.Add.Heatmap(data);
        heatmap.Extent = new ScottPlot.CoordinateRect(0, slice.Cells, 0, slice.Cells);
        if (part == Part.Abs)
        {
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            heatmap.ManualRange = new ScottPlot.Range(0, Math.Max(max, 1e-12));
        }
        else
        {
            // A diverging map centred on zero, so that sign changes (nodes of S_h) read as white.
            double m = Math.Max(Math.Max(Math.Abs(min), Math.Abs(max)), 1e-12);
            heatmap.Colormap = new ScottPlot.Colormaps.Balance();
            heatmap.ManualRange = new ScottPlot.Range(-m, m);
        }
        plot.Add.ColorBar(heatmap);
        var wave = slice.Wave;
        plot.Title(FormattableString.Invariant(
            $"{Label(part, wave.H, wave.K, wave.L)} on {slice.Plane}\n{setting.HermannMauguin} (No. {setting.Number}), {wave.TermCount} plane waves"));
        plot.XLabel(CellPlane.AxisName(slice.Plane.HorizontalAxis) + " (fractional)");
        plot.YLabel(CellPlane.AxisName(slice.Plane.VerticalAxis) + " (fractional)");
        plot.Axes.SetLimits(0, slice.Cells, 0, slice.Cells);
        return plot.GetImageBytes(width, height, ScottPlot.ImageFormat.Png);
    }

    private static double Value(Complex c, Part part) => part switch
    {
        Part.Re => c.Real,
        Part.Im => c.Imaginary,
        _ => c.Magnitude,
    };

    private static string Label(Part part, int h, int k, int l) => part switch
    {
        Part.Re => $"Re S({h} {k} {l})",
        Part.Im => $"Im S({h} {k} {l})",
        _ => $"|S({h} {k} {l})|",
    };

    private static (int Width, int Height) ParseSize(string text)
    {
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h)
            && w is >= 100 and <= 8000 && h is >= 100 and <= 8000)
            return (w, h);
        throw new CliUsageException($"--size expects WIDTHxHEIGHT in pixels, each 100..8000, such as 720x600; got '{text}'");
    }
}
