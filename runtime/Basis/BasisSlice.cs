using System;
using System.Globalization;
using System.Numerics;

namespace CftRuntime.Basis;

/// <summary>
/// A plane of the cell with one fractional coordinate fixed, e.g. z = 0: the other two run along the slice's
/// horizontal (u) and vertical (v) axes in cyclic order (z fixed: u = x, v = y; x fixed: u = y, v = z;
/// y fixed: u = z, v = x).
/// </summary>
/// <param name="FixedAxis">0, 1 or 2 for x, y or z.</param>
/// <param name="Value">The fixed fractional coordinate.</param>
public readonly record struct CellPlane(int FixedAxis, double Value)
{
    private static readonly string[] Names = ["x", "y", "z"];

    /// <summary>The axis along the slice's horizontal direction.</summary>
    public int HorizontalAxis => (FixedAxis + 1) % 3;

    /// <summary>The axis along the slice's vertical direction.</summary>
    public int VerticalAxis => (FixedAxis + 2) % 3;

    /// <summary>Name of an axis: x, y or z.</summary>
    public static string AxisName(int axis) => Names[axis];

    /// <summary>Parses "z=0", "x = 0.25", "y=1/2".</summary>
    /// <exception cref="FormatException">The text is not AXIS=VALUE with AXIS one of x, y, z and a finite value.</exception>
    public static CellPlane Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=');
        string axis = eq < 0 ? "" : text[..eq].Trim().ToLowerInvariant();
        int a = Array.IndexOf(Names, axis);
        if (eq < 0 || a < 0) throw new FormatException($"expected a plane such as z=0, x=0.25 or y=1/2, got '{text}'");
        string value = text[(eq + 1)..].Trim();
        double v;
        int slash = value.IndexOf('/');
        bool ok = slash < 0
            ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out v)
            : TryFraction(value, slash, out v);
        if (!ok || !double.IsFinite(v)) throw new FormatException($"the plane's value '{value}' in '{text}' is not a finite number (0.25 and 1/4 are both accepted)");
        return new CellPlane(a, v);
    }

    private static bool TryFraction(string value, int slash, out double v)
    {
        v = 0;
        if (!double.TryParse(value[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out double n)) return false;
        if (!double.TryParse(value[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) || d == 0) return false;
        v = n / d;
        return true;
    }

    /// <summary>The fractional point at (u, v) on this plane.</summary>
    public (double X, double Y, double Z) Point(double u, double v)
    {
        Span<double> p = stackalloc double[3];
        p[FixedAxis] = Value;
        p[HorizontalAxis] = u;
        p[VerticalAxis] = v;
        return (p[0], p[1], p[2]);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Names[FixedAxis]}={Value.ToString("G", CultureInfo.InvariantCulture)}";
}

/// <summary>Values of one symmetrised plane wave S_h sampled on a square grid over a plane of the cell.</summary>
public sealed class BasisSlice
{
    private readonly Complex[] _values;

    private BasisSlice(PlaneWaveExpansion wave, CellPlane plane, int resolution, double cells, Complex[] values)
    {
        Wave = wave; Plane = plane; Resolution = resolution; Cells = cells; _values = values;
    }

    /// <summary>The expanded S_h.</summary>
    public PlaneWaveExpansion Wave { get; }

    /// <summary>The plane sampled.</summary>
    public CellPlane Plane { get; }

    /// <summary>Grid points per axis.</summary>
    public int Resolution { get; }

    /// <summary>Fractional extent of each axis (1 = one cell), sampled from 0 to <see cref="Cells"/> inclusive.</summary>
    public double Cells { get; }

    /// <summary>Fractional coordinate of grid index <paramref name="i"/> along either in-plane axis.</summary>
    public double Coordinate(int i) => Cells * i / (Resolution - 1);

    /// <summary>S_h at horizontal index <paramref name="i"/> and vertical index <paramref name="j"/>.</summary>
    public Complex this[int i, int j] => _values[j * Resolution + i];

    /// <summary>Samples S_h on a <paramref name="resolution"/>² grid covering <paramref name="cells"/> cells along each in-plane axis.</summary>
    public static BasisSlice Compute(PlaneWaveExpansion wave, CellPlane plane, int resolution, double cells = 1)
    {
        ArgumentNullException.ThrowIfNull(wave);
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "at least 2 grid points per axis");
        if (!(cells > 0) || !double.IsFinite(cells)) throw new ArgumentOutOfRangeException(nameof(cells), cells, "a positive number of cells");
        var values = new Complex[resolution * resolution];
        var slice = new BasisSlice(wave, plane, resolution, cells, values);
        for (int j = 0; j < resolution; j++)
            for (int i = 0; i < resolution; i++)
            {
                var (x, y, z) = plane.Point(slice.Coordinate(i), slice.Coordinate(j));
                values[j * resolution + i] = wave.Evaluate(x, y, z);
            }
        return slice;
    }
}
