using System;

namespace CftRuntime.Crystals;

/// <summary>
/// A rotation between two Cartesian frames of the same structure, v' = R v (row-major 3×3). The prepare stage
/// records the one from the input's frame (a POSCAR's vectors as given; a CIF's cell with a along x and b in the xy
/// plane) to the model frame (the prepared cell's parameters with a along x and b in the xy plane), so that tensor
/// outputs can be turned back into the frame the user gave the structure in.
/// </summary>
public sealed class FrameRotation
{
    private readonly double[] _m;

    private FrameRotation(double[] m) => _m = m;

    /// <summary>The identity.</summary>
    public static FrameRotation Identity { get; } = new([1, 0, 0, 0, 1, 0, 0, 0, 1]);

    /// <summary>Entry (row, column).</summary>
    public double this[int row, int column] => _m[3 * row + column];

    /// <summary>The matrix, row-major (copy).</summary>
    public double[] ToArray() => (double[])_m.Clone();

    /// <summary>A rotation from a row-major matrix; throws when it is not orthogonal with determinant +1 (to 1e-6).</summary>
    public static FrameRotation FromMatrix(double[] rowMajor)
    {
        ArgumentNullException.ThrowIfNull(rowMajor);
        if (rowMajor.Length != 9) throw new ArgumentException("a rotation needs 9 numbers", nameof(rowMajor));
        var r = new FrameRotation((double[])rowMajor.Clone());
        var rrt = r.Multiply(r.Transpose());
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                if (Math.Abs(rrt[i, j] - (i == j ? 1 : 0)) > 1e-6)
                    throw new ArgumentException("the matrix is not orthogonal", nameof(rowMajor));
        if (Det(rowMajor) < 0) throw new ArgumentException("the matrix is a rotation-reflection (determinant −1)", nameof(rowMajor));
        return r;
    }

    /// <summary>
    /// The rotation that takes <paramref name="from"/>'s vectors onto <paramref name="to"/>'s (same cell, other frame):
    /// R = L_to L_from⁻¹ with L the matrices whose columns are a, b, c.
    /// </summary>
    public static FrameRotation Between(Lattice from, Lattice to)
    {
        var fromColumns = Columns(from);
        var toColumns = Columns(to);
        return FromMatrix(Multiply(toColumns, Inverse(fromColumns)));
    }

    /// <summary>The lattice's frame to the frame where a is along x and b in the xy plane (its <see cref="Lattice.FromParameters"/> twin).</summary>
    public static FrameRotation ToStandardOrientation(Lattice lattice) =>
        Between(lattice, Lattice.FromParameters(lattice.A, lattice.B, lattice.C, lattice.Alpha, lattice.Beta, lattice.Gamma));

    /// <summary>
    /// The Cartesian rotation L W L⁻¹ of an integer matrix W that maps fractional coordinates x → W x and keeps the
    /// lattice's metric (an isometry of the lattice; not checked beyond orthogonality).
    /// </summary>
    public static FrameRotation OfFractional(Lattice lattice, int[] w)
    {
        var l = Columns(lattice);
        var wd = new double[9];
        for (int i = 0; i < 9; i++) wd[i] = w[i];
        return FromMatrix(Multiply(Multiply(l, wd), Inverse(l)));
    }

    /// <summary>This after <paramref name="first"/>: v → this(first(v)).</summary>
    public FrameRotation After(FrameRotation first) => new(Multiply(_m, first._m));

    /// <summary>The inverse (the transpose).</summary>
    public FrameRotation Transpose()
    {
        var t = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) t[3 * j + i] = _m[3 * i + j];
        return new FrameRotation(t);
    }

    private FrameRotation Multiply(FrameRotation other) => new(Multiply(_m, other._m));

    private static double[] Columns(Lattice lattice)
    {
        var c = new double[9];
        for (int v = 0; v < 3; v++)
            for (int axis = 0; axis < 3; axis++) c[3 * axis + v] = lattice[v, axis];
        return c;
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var c = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
        return c;
    }

    private static double Det(double[] m) =>
        m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);

    private static double[] Inverse(double[] m)
    {
        double d = Det(m);
        return
        [
            (m[4] * m[8] - m[5] * m[7]) / d, (m[2] * m[7] - m[1] * m[8]) / d, (m[1] * m[5] - m[2] * m[4]) / d,
            (m[5] * m[6] - m[3] * m[8]) / d, (m[0] * m[8] - m[2] * m[6]) / d, (m[2] * m[3] - m[0] * m[5]) / d,
            (m[3] * m[7] - m[4] * m[6]) / d, (m[1] * m[6] - m[0] * m[7]) / d, (m[0] * m[4] - m[1] * m[3]) / d,
        ];
    }
}
