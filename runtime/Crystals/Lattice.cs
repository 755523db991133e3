using System;
using System.Linq;
using CftRuntime.Errors;

namespace CftRuntime.Crystals;

/// <summary>
/// A crystal lattice: parameters a, b, c (Å), α, β, γ (degrees) and the matrix whose rows are the
/// Cartesian lattice vectors a, b, c (Å), in the standard orientation (a along x, b in the xy plane)
/// when built from parameters.
/// </summary>
public sealed class Lattice : IEquatable<Lattice>
{
    private readonly double[] _m; // row-major 3×3, rows = a, b, c

    private Lattice(double[] m)
    {
        _m = m;
        A = Norm(0); B = Norm(1); C = Norm(2);
        Alpha = Angle(1, 2); Beta = Angle(0, 2); Gamma = Angle(0, 1);
        double det = Det(m);
        Volume = Math.Abs(det);
        IsRightHanded = det > 0;
        _spacing = new double[3];
        for (int i = 0; i < 3; i++)
        {
            int j = (i + 1) % 3, k = (i + 2) % 3;
            double cx = m[3 * j + 1] * m[3 * k + 2] - m[3 * j + 2] * m[3 * k + 1];
            double cy = m[3 * j + 2] * m[3 * k] - m[3 * j] * m[3 * k + 2];
            double cz = m[3 * j] * m[3 * k + 1] - m[3 * j + 1] * m[3 * k];
            _spacing[i] = Volume / Math.Sqrt(cx * cx + cy * cy + cz * cz);
        }
    }

    private readonly double[] _spacing; // distance between lattice planes (100), (010), (001)

    /// <summary>Length of a (Å).</summary>
    public double A { get; }
    /// <summary>Length of b (Å).</summary>
    public double B { get; }
    /// <summary>Length of c (Å).</summary>
    public double C { get; }
    /// <summary>Angle between b and c (degrees).</summary>
    public double Alpha { get; }
    /// <summary>Angle between a and c (degrees).</summary>
    public double Beta { get; }
    /// <summary>Angle between a and b (degrees).</summary>
    public double Gamma { get; }
    /// <summary>Cell volume (Å³).</summary>
    public double Volume { get; }

    /// <summary>True when a·(b×c) &gt; 0.</summary>
    public bool IsRightHanded { get; }

    /// <summary>This lattice when right-handed, else −a, −b, −c: the same metric and lattice points, right-handed.</summary>
    public Lattice ToRightHanded() => IsRightHanded ? this : new Lattice(_m.Select(x => -x).ToArray());

    /// <summary>Component <paramref name="axis"/> of lattice vector <paramref name="vector"/> (0 = a, 1 = b, 2 = c).</summary>
    public double this[int vector, int axis] => _m[3 * vector + axis];

    /// <summary>The matrix, rows a, b, c (row-major copy).</summary>
    public double[] ToArray() => (double[])_m.Clone();

    /// <summary>Builds a lattice from parameters; throws <see cref="InvalidStructureException"/> for impossible ones.</summary>
    public static Lattice FromParameters(double a, double b, double c, double alpha, double beta, double gamma)
    {
        if (!(a > 0) || !(b > 0) || !(c > 0) || double.IsInfinity(a) || double.IsInfinity(b) || double.IsInfinity(c))
            throw new InvalidStructureException($"cell lengths must be positive and finite, got a={a}, b={b}, c={c}");
        if (!(alpha > 0 && alpha < 180 && beta > 0 && beta < 180 && gamma > 0 && gamma < 180))
            throw new InvalidStructureException($"cell angles must be in (0, 180) degrees, got α={alpha}, β={beta}, γ={gamma}");
        double ca = Cos(alpha), cb = Cos(beta), cg = Cos(gamma), sg = Math.Sin(gamma * Math.PI / 180);
        double cx = c * cb;
        double cy = c * (ca - cb * cg) / sg;
        double cz2 = c * c - cx * cx - cy * cy;
        if (!(cz2 > 1e-12 * c * c)) throw new InvalidStructureException($"cell angles α={alpha}, β={beta}, γ={gamma} do not form a cell with positive volume");
        return new Lattice(new[] { a, 0, 0, b * cg, b * sg, 0, cx, cy, Math.Sqrt(cz2) });
    }

    /// <summary>Builds a lattice from Cartesian vectors (rows a, b, c, row-major, Å); throws for a singular matrix.</summary>
    public static Lattice FromVectors(double[] rows)
    {
        if (rows is null || rows.Length != 9) throw new InvalidStructureException("lattice needs 9 numbers (rows a, b, c)");
        foreach (double v in rows) if (!double.IsFinite(v)) throw new InvalidStructureException("lattice vectors must be finite");
        if (!(Math.Abs(Det(rows)) > 1e-9)) throw new InvalidStructureException("lattice vectors are linearly dependent (zero volume)");
        return new Lattice((double[])rows.Clone());
    }

    /// <summary>Cartesian coordinates (Å) of a fractional point.</summary>
    public (double X, double Y, double Z) ToCartesian(double u, double v, double w) =>
        (u * _m[0] + v * _m[3] + w * _m[6], u * _m[1] + v * _m[4] + w * _m[7], u * _m[2] + v * _m[5] + w * _m[8]);

    /// <summary>Fractional coordinates of a Cartesian point (Å).</summary>
    public (double U, double V, double W) ToFractional(double x, double y, double z)
    {
        double d = Det(_m);
        // Solve [u v w] · M = [x y z] by Cramer's rule on Mᵀ.
        double u = (x * (_m[4] * _m[8] - _m[5] * _m[7]) - y * (_m[3] * _m[8] - _m[5] * _m[6]) + z * (_m[3] * _m[7] - _m[4] * _m[6])) / d;
        double v = -(x * (_m[1] * _m[8] - _m[2] * _m[7]) - y * (_m[0] * _m[8] - _m[2] * _m[6]) + z * (_m[0] * _m[7] - _m[1] * _m[6])) / d;
        double w = (x * (_m[1] * _m[5] - _m[2] * _m[4]) - y * (_m[0] * _m[5] - _m[2] * _m[3]) + z * (_m[0] * _m[4] - _m[1] * _m[3])) / d;
        return (u, v, w);
    }

    /// <summary>
    /// Length (Å) of the shortest lattice translate of the fractional difference (du, dv, dw): the
    /// distance between two points modulo the lattice (searches the 27 neighbouring images).
    /// </summary>
    public double PeriodicDistance(double du, double dv, double dw)
    {
        du -= Math.Round(du); dv -= Math.Round(dv); dw -= Math.Round(dw);
        double best = double.MaxValue;
        for (int i = -1; i <= 1; i++)
            for (int j = -1; j <= 1; j++)
                for (int k = -1; k <= 1; k++)
                {
                    var (x, y, z) = ToCartesian(du + i, dv + j, dw + k);
                    double d2 = x * x + y * y + z * z;
                    if (d2 < best) best = d2;
                }
        return Math.Sqrt(best);
    }

    /// <summary>
    /// Whether two points with fractional difference (du, dv, dw) are within <paramref name="tolerance"/> Å
    /// of each other modulo the lattice. Exact (same answer as <see cref="PeriodicDistance"/>), but decides
    /// most pairs from a lower bound (plane spacings) without searching images.
    /// </summary>
    public bool WithinDistance(double du, double dv, double dw, double tolerance)
    {
        du -= Math.Round(du); dv -= Math.Round(dv); dw -= Math.Round(dw);
        double lower = Math.Max(Math.Abs(du) * _spacing[0], Math.Max(Math.Abs(dv) * _spacing[1], Math.Abs(dw) * _spacing[2]));
        if (lower > tolerance) return false;
        var (x, y, z) = ToCartesian(du, dv, dw);
        if (x * x + y * y + z * z <= tolerance * tolerance) return true;
        return PeriodicDistance(du, dv, dw) <= tolerance;
    }

    /// <inheritdoc/>
    public bool Equals(Lattice? other) => other is not null && ((ReadOnlySpan<double>)_m).SequenceEqual(other._m);
    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Lattice);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(A, B, C, Alpha, Beta, Gamma);
    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"a={A:F4} b={B:F4} c={C:F4} α={Alpha:F3} β={Beta:F3} γ={Gamma:F3}");

    private double Norm(int r) => Math.Sqrt(_m[3 * r] * _m[3 * r] + _m[3 * r + 1] * _m[3 * r + 1] + _m[3 * r + 2] * _m[3 * r + 2]);

    private double Angle(int r, int s)
    {
        double dot = _m[3 * r] * _m[3 * s] + _m[3 * r + 1] * _m[3 * s + 1] + _m[3 * r + 2] * _m[3 * s + 2];
        return Math.Acos(Math.Clamp(dot / (Norm(r) * Norm(s)), -1, 1)) * 180 / Math.PI;
    }

    private static double Cos(double degrees)
    {
        // Exact zeros for right angles keep orthogonal cells exactly orthogonal.
        if (degrees == 90) return 0;
        return Math.Cos(degrees * Math.PI / 180);
    }

    private static double Det(double[] m) =>
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
}
