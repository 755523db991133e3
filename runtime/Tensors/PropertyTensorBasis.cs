using System;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Crystals;
using CftRuntime.Tables;

namespace CftRuntime.Tensors;

/// <summary>The kinds of property tensor whose symmetry-allowed form <see cref="PropertyTensorBasis"/> builds.</summary>
public enum TensorKind
{
    /// <summary>Symmetric rank 2 (dielectric permittivity): 3×3 matrix ε_ij.</summary>
    Dielectric,
    /// <summary>Rank 4 with the elastic symmetries (ij), (kl), (ij)↔(kl): 6×6 Voigt matrix C_IJ = C_ijkl.</summary>
    Elastic,
    /// <summary>Rank 3 symmetric in its last two indices (piezoelectric stress constants): 3×6 matrix e_iJ = e_ijk, no factors of 2.</summary>
    Piezoelectric,
}

/// <summary>
/// Neumann's principle from a setting's own operations: an orthonormal basis of the Cartesian property tensors of one
/// <see cref="TensorKind"/> that are invariant under the point group. The rotations A of the setting (fractional,
/// x → A x + t) become Cartesian R = L A L⁻¹ with L the lattice matrix (columns a, b, c); the invariant subspace is
/// the range of the Reynolds projector (1/|P|) Σ_R R^{⊗r} combined with the kind's index symmetrisation, and the
/// basis comes from Gram–Schmidt over the projected unit tensors in Voigt order (so it is deterministic and reads
/// like the textbook forms: a cubic dielectric basis is I/√3). Orthonormal in the Frobenius inner product of the
/// full Cartesian tensor (rotation-invariant, unlike the Voigt matrix's).
/// </summary>
public sealed class PropertyTensorBasis
{
    private static readonly (int I, int J)[] VoigtPairs = [(0, 0), (1, 1), (2, 2), (1, 2), (0, 2), (0, 1)];

    private readonly double[][] _full; // per basis tensor, the full Cartesian tensor (3^rank, row-major indices)

    /// <summary>The setting whose point group the basis is invariant under.</summary>
    public SpaceGroupSetting Setting { get; }

    /// <summary>The tensor kind.</summary>
    public TensorKind Kind { get; }

    /// <summary>The cell whose Cartesian frame the tensors are in (a along x, b in the xy plane for <see cref="Lattice.FromParameters"/> cells).</summary>
    public Lattice Lattice { get; }

    /// <summary>Number of independent components allowed by the point group.</summary>
    public int Dimension => _full.Length;

    /// <summary>Rows and columns of the matrix form: 3×3, 6×6 (Voigt) or 3×6.</summary>
    public (int Rows, int Columns) Shape => ShapeOf(Kind);

    private PropertyTensorBasis(SpaceGroupSetting setting, TensorKind kind, Lattice lattice, double[][] full)
    {
        Setting = setting;
        Kind = kind;
        Lattice = lattice;
        _full = full;
    }

    /// <summary>The rank of the full Cartesian tensor of a kind (2, 4, 3).</summary>
    public static int RankOf(TensorKind kind) => kind switch
    {
        TensorKind.Dielectric => 2,
        TensorKind.Elastic => 4,
        TensorKind.Piezoelectric => 3,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Matrix form of a kind: (3, 3), (6, 6) or (3, 6).</summary>
    public static (int Rows, int Columns) ShapeOf(TensorKind kind) => kind switch
    {
        TensorKind.Dielectric => (3, 3),
        TensorKind.Elastic => (6, 6),
        TensorKind.Piezoelectric => (3, 6),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Independent components of the kind before symmetry: 6 (symmetric 3×3), 21 (symmetric 6×6), 18 (3×6).</summary>
    public static int FreeComponents(TensorKind kind) => kind switch
    {
        TensorKind.Dielectric => 6,
        TensorKind.Elastic => 21,
        TensorKind.Piezoelectric => 18,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Setting, TensorKind Kind), PropertyTensorBasis> ModelFrameCache = new();

    /// <summary>
    /// The basis in the model frame of a structure in <paramref name="setting"/> (its cell with a along x and b in the
    /// xy plane). For a catalogue setting that frame's point group does not depend on the cell's lengths and angles (they
    /// only obey the setting's metric conditions), so the basis is built once per setting, on
    /// <see cref="RepresentativeLattice"/>, and cached.
    /// </summary>
    public static PropertyTensorBasis ForModelFrame(SpaceGroupSetting setting, TensorKind kind) =>
        ModelFrameCache.GetOrAdd((setting.Index, kind), _ => Build(setting, kind));

    /// <summary>Parses <c>dielectric</c>, <c>elastic</c> or <c>piezoelectric</c> (case-insensitive).</summary>
    public static bool TryParseKind(string? text, out TensorKind kind)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "dielectric": kind = TensorKind.Dielectric; return true;
            case "elastic": kind = TensorKind.Elastic; return true;
            case "piezoelectric": kind = TensorKind.Piezoelectric; return true;
            default: kind = default; return false;
        }
    }

    /// <summary>
    /// The basis for <paramref name="setting"/> in the Cartesian frame of <paramref name="lattice"/>, or of
    /// <see cref="RepresentativeLattice"/> when none is given.
    /// </summary>
    /// <exception cref="ArgumentException">The lattice's metric is not invariant under the setting's rotations (to 1e-6 relative),
    /// so the rotations are not rotations in its frame: give the cell in that setting (e.g. spglib's standardised cell).</exception>
    public static PropertyTensorBasis Build(SpaceGroupSetting setting, TensorKind kind, Lattice? lattice = null)
    {
        lattice ??= RepresentativeLattice(setting);
        var rotations = CartesianRotations(setting, lattice);
        int rank = RankOf(kind), size = Pow3(rank);

        // Reynolds projector on the full tensor space: Q = Sym · (1/|P|) Σ_R R^{⊗rank}.
        var projector = new double[size * size];
        var index = new int[rank];
        var image = new int[rank];
        foreach (var r in rotations)
        {
            for (int row = 0; row < size; row++)
            {
                Digits(row, index);
                for (int col = 0; col < size; col++)
                {
                    Digits(col, image);
                    double v = 1;
                    for (int n = 0; n < rank && v != 0; n++) v *= r[3 * index[n] + image[n]];
                    projector[row * size + col] += v / rotations.Count;
                }
            }
        }
        projector = Multiply(Symmetriser(kind), projector, size);

        // Gram–Schmidt over the projected unit tensors, in the order of the matrix form's entries.
        var basis = new List<double[]>();
        foreach (int representative in RepresentativeIndices(kind))
        {
            var v = new double[size];
            for (int i = 0; i < size; i++) v[i] = projector[i * size + representative];
            double before = Norm(v);
            if (before < 1e-10) continue;
            for (int pass = 0; pass < 2; pass++)
                foreach (var b in basis)
                {
                    double d = Dot(b, v);
                    for (int i = 0; i < size; i++) v[i] -= d * b[i];
                }
            double after = Norm(v);
            if (after < 1e-8 * before) continue;
            for (int i = 0; i < size; i++)
            {
                v[i] /= after;
                if (Math.Abs(v[i]) < 1e-14) v[i] = 0;
            }
            SnapEqualMagnitudes(v);
            basis.Add(v);
        }
        return new PropertyTensorBasis(setting, kind, lattice, basis.ToArray());
    }

    /// <summary>
    /// Entries whose magnitudes agree to 1e-12 get exactly one magnitude (their mean), so that components the group makes
    /// equal (ε_xx = ε_yy = ε_zz of a cubic crystal, C11 = C22 of a tetragonal one) come out bit-for-bit equal: the
    /// Reynolds average sums the same terms in different orders and leaves them a few ulps apart.
    /// </summary>
    private static void SnapEqualMagnitudes(double[] v) => SnapMagnitudes(v, 1e-12);

    /// <summary>
    /// Entries below <paramref name="tolerance"/> in magnitude become exactly 0 and entries whose magnitudes agree to
    /// within it get one magnitude (their mean), keeping their signs: what rounding took from zeros and equalities.
    /// </summary>
    internal static void SnapMagnitudes(Span<double> v, double tolerance)
    {
        var order = new List<int>();
        for (int i = 0; i < v.Length; i++)
        {
            if (Math.Abs(v[i]) < tolerance) v[i] = 0;
            if (v[i] != 0) order.Add(i);
        }
        var values = v.ToArray();
        order.Sort((a, b) => Math.Abs(values[a]).CompareTo(Math.Abs(values[b])));
        for (int start = 0; start < order.Count;)
        {
            int end = start + 1;
            while (end < order.Count && Math.Abs(values[order[end]]) - Math.Abs(values[order[start]]) < tolerance) end++;
            double mean = 0;
            for (int k = start; k < end; k++) mean += Math.Abs(values[order[k]]);
            mean /= end - start;
            for (int k = start; k < end; k++) v[order[k]] = Math.CopySign(mean, values[order[k]]);
            start = end;
        }
    }

    /// <summary>Basis tensor <paramref name="m"/> in matrix form (see <see cref="Shape"/>).</summary>
    public double[,] Matrix(int m) => ToMatrix(Kind, _full[m]);

    /// <summary>Every basis tensor in matrix form.</summary>
    public IReadOnlyList<double[,]> Matrices() => Enumerable.Range(0, Dimension).Select(Matrix).ToList();

    /// <summary>The tensor Σ_m coefficients[m] · basis[m] in matrix form: exactly in the invariant subspace.</summary>
    public double[,] Combine(ReadOnlySpan<double> coefficients)
    {
        if (coefficients.Length != Dimension) throw new ArgumentException($"{Dimension} coefficients needed, got {coefficients.Length}", nameof(coefficients));
        var full = new double[_full.Length == 0 ? Pow3(RankOf(Kind)) : _full[0].Length];
        for (int m = 0; m < Dimension; m++)
            for (int i = 0; i < full.Length; i++) full[i] += coefficients[m] * _full[m][i];
        return ToMatrix(Kind, full);
    }

    /// <summary>Coefficients of the orthogonal projection of a tensor (matrix form) onto the basis.</summary>
    public double[] Coefficients(double[,] tensor)
    {
        var full = ToFull(Kind, tensor);
        return _full.Select(b => Dot(b, full)).ToArray();
    }

    /// <summary>
    /// How far a tensor is from the invariant subspace: ‖T − P T‖ / ‖T‖ in the full tensor's Frobenius norm (0 for an
    /// allowed tensor, 0 for the zero tensor). A tensor given in another frame than the lattice's typically shows tens of percent.
    /// </summary>
    public double SymmetryDeviation(double[,] tensor)
    {
        var full = ToFull(Kind, tensor);
        double norm = Norm(full);
        if (norm == 0) return 0;
        var rest = (double[])full.Clone();
        foreach (var b in _full)
        {
            double d = Dot(b, full);
            for (int i = 0; i < rest.Length; i++) rest[i] -= d * b[i];
        }
        return Norm(rest) / norm;
    }

    /// <summary>
    /// A cell whose metric the setting's rotations keep exactly: the group average (1/|P|) Σ Aᵀ G₀ A of a fixed
    /// triclinic metric G₀ (a = 4.1, b = 5.3, c = 6.7 Å, α = 82°, β = 97°, γ = 104°), built with a along x and b in
    /// the xy plane. Cubic settings get a = b = c and right angles, hexagonal ones a = b and γ = 120°, rhombohedral
    /// axes a = b = c and α = β = γ, and so on, without a table of crystal systems.
    /// </summary>
    public static Lattice RepresentativeLattice(SpaceGroupSetting setting)
    {
        var g0 = Metric(Lattice.FromParameters(4.1, 5.3, 6.7, 82, 97, 104));
        var rotations = DistinctRotations(setting);
        var g = new double[9];
        foreach (var a in rotations)
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double s = 0;
                    for (int k = 0; k < 3; k++)
                        for (int l = 0; l < 3; l++) s += a[3 * k + i] * g0[3 * k + l] * a[3 * l + j];
                    g[3 * i + j] += s / rotations.Count;
                }
        double la = Math.Sqrt(g[0]), lb = Math.Sqrt(g[4]), lc = Math.Sqrt(g[8]);
        static double Degrees(double cos) => Math.Acos(Math.Clamp(cos, -1, 1)) * 180 / Math.PI;
        return Lattice.FromParameters(la, lb, lc, Degrees(g[5] / (lb * lc)), Degrees(g[2] / (la * lc)), Degrees(g[1] / (la * lb)));
    }

    /// <summary>
    /// The distinct rotations of the setting in the Cartesian frame of <paramref name="lattice"/>: R = L A L⁻¹,
    /// row-major 3×3, L with columns a, b, c.
    /// </summary>
    /// <exception cref="ArgumentException">Some R is not orthogonal to 1e-6: the lattice does not have the setting's metric.</exception>
    public static IReadOnlyList<double[]> CartesianRotations(SpaceGroupSetting setting, Lattice lattice)
    {
        var rows = lattice.ToArray();
        var l = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) l[3 * i + j] = rows[3 * j + i];
        var inverse = Invert(l);
        var result = new List<double[]>();
        foreach (var a in DistinctRotations(setting))
        {
            var r = Multiply(Multiply(l, a.Select(v => (double)v).ToArray(), 3), inverse, 3);
            double worst = 0;
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                {
                    double s = 0;
                    for (int k = 0; k < 3; k++) s += r[3 * k + i] * r[3 * k + j];
                    worst = Math.Max(worst, Math.Abs(s - (i == j ? 1 : 0)));
                }
            if (worst > 1e-6)
                throw new Errors.InvalidStructureException($"the cell ({lattice}) does not have the metric of {setting.HermannMauguin} (No. {setting.Number}{(setting.Setting.Length > 0 ? ":" + setting.Setting : "")}): " +
                    $"its rotation {new SymmetryOperation(a, [0, 0, 0], 1).ToXyz()} is not a rotation of this cell (|RᵀR − I| = {worst:G3}); give the cell in that setting, e.g. spglib's standardised cell");
            result.Add(r);
        }
        return result;
    }

    private static List<int[]> DistinctRotations(SpaceGroupSetting setting)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<int[]>();
        foreach (var op in setting.Operations())
        {
            var a = op.Rotation;
            if (seen.Add(string.Join(",", a))) result.Add(a);
        }
        return result;
    }

    private static double[] Metric(Lattice lattice)
    {
        var m = lattice.ToArray();
        var g = new double[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) g[3 * i + j] += m[3 * i + k] * m[3 * j + k];
        return g;
    }

    /// <summary>The index symmetrisation of a kind as a matrix on the full tensor space (an orthogonal projector).</summary>
    private static double[] Symmetriser(TensorKind kind)
    {
        int rank = RankOf(kind), size = Pow3(rank);
        var s = new double[size * size];
        var index = new int[rank];
        foreach (int col in Enumerable.Range(0, size))
        {
            Digits(col, index);
            var images = Permutations(kind, index).ToList();
            foreach (var p in images) s[Number(p) * size + col] += 1.0 / images.Count;
        }
        return s;
    }

    private static IEnumerable<int[]> Permutations(TensorKind kind, int[] x)
    {
        switch (kind)
        {
            case TensorKind.Dielectric:
                yield return [x[0], x[1]];
                yield return [x[1], x[0]];
                break;
            case TensorKind.Piezoelectric:
                yield return [x[0], x[1], x[2]];
                yield return [x[0], x[2], x[1]];
                break;
            default:
                foreach (var (i, j, k, l) in new[] { (x[0], x[1], x[2], x[3]), (x[2], x[3], x[0], x[1]) })
                {
                    yield return [i, j, k, l];
                    yield return [j, i, k, l];
                    yield return [i, j, l, k];
                    yield return [j, i, l, k];
                }
                break;
        }
    }

    private static IEnumerable<int> RepresentativeIndices(TensorKind kind)
    {
        var (rows, columns) = ShapeOf(kind);
        for (int r = 0; r < rows; r++)
            for (int c = kind == TensorKind.Elastic ? r : 0; c < columns; c++)
                yield return Number(FullIndex(kind, r, c));
    }

    private static int[] FullIndex(TensorKind kind, int row, int column) => kind switch
    {
        TensorKind.Dielectric => [row, column],
        TensorKind.Piezoelectric => [row, VoigtPairs[column].I, VoigtPairs[column].J],
        _ => [VoigtPairs[row].I, VoigtPairs[row].J, VoigtPairs[column].I, VoigtPairs[column].J],
    };

    /// <summary>Matrix form (3×3, Voigt 6×6, 3×6) of a full tensor that has the kind's index symmetry.</summary>
    internal static double[,] ToMatrix(TensorKind kind, double[] full)
    {
        var (rows, columns) = ShapeOf(kind);
        var m = new double[rows, columns];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++) m[r, c] = full[Number(FullIndex(kind, r, c))];
        return m;
    }

    /// <summary>The full tensor of a matrix form (every index permutation of the kind filled in).</summary>
    internal static double[] ToFull(TensorKind kind, double[,] matrix)
    {
        var (rows, columns) = ShapeOf(kind);
        if (matrix.GetLength(0) != rows || matrix.GetLength(1) != columns)
            throw new ArgumentException($"a {kind.ToString().ToLowerInvariant()} tensor is {rows}×{columns}, got {matrix.GetLength(0)}×{matrix.GetLength(1)}", nameof(matrix));
        int rank = RankOf(kind);
        var full = new double[Pow3(rank)];
        var sum = new double[full.Length];
        var count = new int[full.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < columns; c++)
                foreach (var p in Permutations(kind, FullIndex(kind, r, c)).Select(Number).Distinct())
                {
                    sum[p] += matrix[r, c];
                    count[p]++;
                }
        // A 6×6 Voigt matrix lists C_IJ and C_JI: an asymmetric input is read as its symmetric part.
        for (int i = 0; i < full.Length; i++) full[i] = count[i] == 0 ? 0 : sum[i] / count[i];
        return full;
    }

    internal static int Pow3(int n) => n switch { 2 => 9, 3 => 27, 4 => 81, _ => throw new ArgumentOutOfRangeException(nameof(n)) };

    /// <summary>The base-3 digits of a full-tensor index, most significant first.</summary>
    internal static void Digits(int number, int[] digits)
    {
        for (int n = digits.Length - 1; n >= 0; n--)
        {
            digits[n] = number % 3;
            number /= 3;
        }
    }

    private static int Number(int[] digits)
    {
        int n = 0;
        foreach (int d in digits) n = 3 * n + d;
        return n;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    private static double[] Multiply(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int k = 0; k < n; k++)
            {
                double v = a[i * n + k];
                if (v == 0) continue;
                for (int j = 0; j < n; j++) c[i * n + j] += v * b[k * n + j];
            }
        return c;
    }

    private static double[] Invert(double[] m)
    {
        double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        return
        [
            (m[4] * m[8] - m[5] * m[7]) / det, (m[2] * m[7] - m[1] * m[8]) / det, (m[1] * m[5] - m[2] * m[4]) / det,
            (m[5] * m[6] - m[3] * m[8]) / det, (m[0] * m[8] - m[2] * m[6]) / det, (m[2] * m[3] - m[0] * m[5]) / det,
            (m[3] * m[7] - m[4] * m[6]) / det, (m[1] * m[6] - m[0] * m[7]) / det, (m[0] * m[4] - m[1] * m[3]) / det,
        ];
    }
}
