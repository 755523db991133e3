using System;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Crystals;

namespace CftRuntime.Tensors;

/// <summary>
/// A predicted property tensor of one structure: the ensemble's mean and standard deviation, exactly in the
/// symmetry-allowed subspace of the structure's point group (each member's output is projected onto
/// <see cref="PropertyTensorBasis"/> before averaging), in the Cartesian frame of the input structure, with the
/// derived scalars users want.
/// </summary>
/// <param name="Kind">Dielectric (3×3), elastic (6×6 Voigt, C_IJ = C_ijkl) or piezoelectric (3×6, e_iJ = e_ijk).</param>
/// <param name="Value">The tensor in matrix form in the input's frame (a POSCAR's vectors as given; a CIF's cell with a along x, b in xy).</param>
/// <param name="Std">The members' standard deviation per entry, same frame (exactly 0 where symmetry fixes an entry to 0).</param>
/// <param name="ModelFrameValue">The tensor in the model frame (the standardised cell, a along x, b in xy), the frame <c>cft tensor-basis</c> prints.</param>
/// <param name="StandardFrameValue">The tensor in spglib's standard orientation of the conventional cell (a along x, b in xy,
/// before the normalizer image): the frame Materials Project gives tensors in, for comparing with its data.</param>
/// <param name="Dimension">Free components the point group allows (0: the tensor is exactly zero).</param>
/// <param name="Derived">Derived scalars with their member std: dielectric <c>poly</c> (mean eigenvalue) and <c>n</c>
/// (√poly, the refractive index for an electronic tensor); elastic <c>K_VRH</c>, <c>G_VRH</c>, <c>K_Voigt</c>, <c>G_Voigt</c> (GPa);
/// piezoelectric <c>e_longitudinal_max</c> (max over unit n of |e_ijk n_i n_j n_k|, C/m²).</param>
public sealed record TensorPrediction(TensorKind Kind, double[,] Value, double[,] Std, double[,] ModelFrameValue, double[,] StandardFrameValue, int Dimension,
    IReadOnlyDictionary<string, (double Value, double Std)> Derived)
{
    /// <summary>The scalar reported as the prediction's value: <c>poly</c>, <c>K_Voigt</c> (linear in C, defined for every prediction, unlike the Reuss bound) or <c>e_longitudinal_max</c>.</summary>
    public static string PrimaryScalar(TensorKind kind) => kind switch
    {
        TensorKind.Dielectric => "poly",
        TensorKind.Elastic => "K_Voigt",
        _ => "e_longitudinal_max",
    };

    /// <summary>
    /// From the members' unprojected outputs (K × rows × columns, model frame, row-major): each member projected onto
    /// <paramref name="basis"/>, turned into the input frame with <paramref name="toModelFrame"/>ᵀ, then averaged;
    /// <paramref name="toStandardFrame"/> (input → standard orientation; default: the model frame) gives <see cref="StandardFrameValue"/>.
    /// </summary>
    public static TensorPrediction FromMembers(PropertyTensorBasis basis, ReadOnlySpan<float> members, int memberCount, FrameRotation toModelFrame,
        FrameRotation? toStandardFrame = null)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentNullException.ThrowIfNull(toModelFrame);
        var kind = basis.Kind;
        var (rows, columns) = basis.Shape;
        if (members.Length != memberCount * rows * columns) throw new ArgumentException($"{memberCount} members of {rows}×{columns} need {memberCount * rows * columns} values, got {members.Length}", nameof(members));
        var back = toModelFrame.Transpose();
        var model = new double[memberCount][,];
        var input = new double[memberCount][,];
        for (int k = 0; k < memberCount; k++)
        {
            var m = new double[rows, columns];
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < columns; c++) m[r, c] = members[(k * rows + r) * columns + c];
            model[k] = basis.Dimension == 0 ? new double[rows, columns] : basis.Combine(basis.Coefficients(m));
            input[k] = Rotate(kind, model[k], back);
            SnapRounding(input[k], model[k]);
        }
        var derived = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        var perMember = model.Select(m => DerivedScalars(kind, m)).ToArray();
        foreach (var name in perMember[0].Keys)
        {
            var (mean, std) = MeanStd(perMember.Select(d => d[name]).ToArray());
            derived[name] = (mean, std);
        }
        var modelFrameValue = Mean(model);
        var standard = Rotate(kind, modelFrameValue, (toStandardFrame ?? toModelFrame).After(back));
        SnapRounding(standard, modelFrameValue);
        return new TensorPrediction(kind, Mean(input), StdOf(input), modelFrameValue, standard, basis.Dimension, derived);
    }

    /// <summary>
    /// The tensor (matrix form) in the frame v' = R v. For a dielectric tensor the isotropic part is kept as it is and
    /// only the rest is turned, so that an isotropic tensor stays exactly isotropic in every frame.
    /// </summary>
    public static double[,] Rotate(TensorKind kind, double[,] matrix, FrameRotation r)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(r);
        double iso = 0;
        var m = (double[,])matrix.Clone();
        if (kind == TensorKind.Dielectric)
        {
            iso = (m[0, 0] + m[1, 1] + m[2, 2]) / 3;
            bool isotropic = m[0, 0] == m[1, 1] && m[1, 1] == m[2, 2] && m[0, 1] == 0 && m[0, 2] == 0 && m[1, 2] == 0 && m[1, 0] == 0 && m[2, 0] == 0 && m[2, 1] == 0;
            if (isotropic) return m;
            for (int i = 0; i < 3; i++) m[i, i] -= iso;
        }
        int rank = PropertyTensorBasis.RankOf(kind);
        var full = PropertyTensorBasis.ToFull(kind, m);
        int size = full.Length;
        var turned = new double[size];
        var index = new int[rank];
        var source = new int[rank];
        for (int a = 0; a < size; a++)
        {
            PropertyTensorBasis.Digits(a, index);
            double sum = 0;
            for (int b = 0; b < size; b++)
            {
                if (full[b] == 0) continue;
                PropertyTensorBasis.Digits(b, source);
                double f = full[b];
                for (int n = 0; n < rank && f != 0; n++) f *= r[index[n], source[n]];
                sum += f;
            }
            turned[a] = sum;
        }
        var result = PropertyTensorBasis.ToMatrix(kind, turned);
        if (kind == TensorKind.Dielectric)
            for (int i = 0; i < 3; i++) result[i, i] += iso;
        return result;
    }

    /// <summary>
    /// Removes what turning the tensor added below 1e-12 of its largest entry: entries that small become exactly 0 and
    /// entries whose magnitudes agree to that much get one magnitude, so that a frame rotation that is a symmetry of the
    /// tensor's form (the normalizer image's 60° turn of a hexagonal cell, say) leaves zeros exactly zero and equal
    /// components exactly equal. A float32 network resolves 1e-7 of the entries at best: nothing measurable is lost.
    /// </summary>
    private static void SnapRounding(double[,] turned, double[,] original)
    {
        double scale = 0;
        foreach (double v in original) scale = Math.Max(scale, Math.Abs(v));
        if (scale == 0) return;
        var flat = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(ref turned[0, 0], turned.Length);
        PropertyTensorBasis.SnapMagnitudes(flat, 1e-12 * scale);
    }

    /// <summary>The derived scalars of one tensor in matrix form (see <see cref="Derived"/>).</summary>
    public static IReadOnlyDictionary<string, double> DerivedScalars(TensorKind kind, double[,] m)
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        switch (kind)
        {
            case TensorKind.Dielectric:
                double poly = (m[0, 0] + m[1, 1] + m[2, 2]) / 3;
                d["poly"] = poly;
                d["n"] = Math.Sqrt(Math.Max(poly, 0));
                break;
            case TensorKind.Elastic:
                double kv = (m[0, 0] + m[1, 1] + m[2, 2] + 2 * (m[0, 1] + m[0, 2] + m[1, 2])) / 9;
                double gv = (m[0, 0] + m[1, 1] + m[2, 2] - (m[0, 1] + m[0, 2] + m[1, 2]) + 3 * (m[3, 3] + m[4, 4] + m[5, 5])) / 15;
                double kr = kv, gr = gv;
                if (Inverse(m) is { } c)
                {
                    kr = 1 / (c[0, 0] + c[1, 1] + c[2, 2] + 2 * (c[0, 1] + c[0, 2] + c[1, 2]));
                    gr = 15 / (4 * (c[0, 0] + c[1, 1] + c[2, 2]) - 4 * (c[0, 1] + c[0, 2] + c[1, 2]) + 3 * (c[3, 3] + c[4, 4] + c[5, 5]));
                }
                d["K_VRH"] = (kv + kr) / 2;
                d["G_VRH"] = (gv + gr) / 2;
                d["K_Voigt"] = kv;
                d["G_Voigt"] = gv;
                break;
            default:
                var full = PropertyTensorBasis.ToFull(kind, m);
                double Longitudinal(double x, double y, double z)
                {
                    double norm = Math.Sqrt(x * x + y * y + z * z);
                    double[] n = [x / norm, y / norm, z / norm];
                    double v = 0;
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 3; j++)
                            for (int k = 0; k < 3; k++) v += full[9 * i + 3 * j + k] * n[i] * n[j] * n[k];
                    return Math.Abs(v);
                }
                var best = Sphere.Value.Select(p => (Point: p, Value: Longitudinal(p.Item1, p.Item2, p.Item3))).MaxBy(p => p.Value);
                // Refined from the best grid direction by a pattern search on the sphere (the grid alone is within ~0.1 %).
                var (bx, by, bz) = best.Point;
                double bestValue = best.Value;
                for (double step = 0.05; step > 1e-7; step /= 2)
                    for (bool moved = true; moved;)
                    {
                        moved = false;
                        foreach (var (dx, dy, dz) in new[] { (step, 0.0, 0.0), (-step, 0.0, 0.0), (0.0, step, 0.0), (0.0, -step, 0.0), (0.0, 0.0, step), (0.0, 0.0, -step) })
                        {
                            double v = Longitudinal(bx + dx, by + dy, bz + dz);
                            if (v > bestValue + 1e-15)
                            {
                                double norm = Math.Sqrt((bx + dx) * (bx + dx) + (by + dy) * (by + dy) + (bz + dz) * (bz + dz));
                                (bx, by, bz, bestValue, moved) = ((bx + dx) / norm, (by + dy) / norm, (bz + dz) / norm, v, true);
                            }
                        }
                    }
                d["e_longitudinal_max"] = bestValue;
                break;
        }
        return d;
    }

    // 2,000 Fibonacci directions (the trainer's grid, trainer/cft_tensor_train.py), the start of the refinement.
    private static readonly Lazy<(double, double, double)[]> Sphere = new(() => Enumerable.Range(0, 2000).Select(i =>
    {
        double u = i + 0.5, phi = Math.Acos(1 - 2 * u / 2000), theta = Math.PI * (1 + Math.Sqrt(5)) * u;
        return (Math.Cos(theta) * Math.Sin(phi), Math.Sin(theta) * Math.Sin(phi), Math.Cos(phi));
    }).ToArray());

    /// <summary>Gauss–Jordan inverse with partial pivoting; null for a singular matrix.</summary>
    private static double[,]? Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var m = new double[n, 2 * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++) m[i, j] = a[i, j];
            m[i, n + i] = 1;
        }
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++) if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col])) pivot = r;
            if (!(Math.Abs(m[pivot, col]) > 1e-12)) return null;
            for (int j = 0; j < 2 * n; j++) (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j]);
            double p = m[col, col];
            for (int j = 0; j < 2 * n; j++) m[col, j] /= p;
            for (int r = 0; r < n; r++)
            {
                if (r == col || m[r, col] == 0) continue;
                double f = m[r, col];
                for (int j = 0; j < 2 * n; j++) m[r, j] -= f * m[col, j];
            }
        }
        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) inv[i, j] = m[i, n + j];
        return inv;
    }


    private static (double Mean, double Std) MeanStd(double[] v)
    {
        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return (mean, std);
    }

    private static double[,] Mean(double[][,] ms)
    {
        var r = new double[ms[0].GetLength(0), ms[0].GetLength(1)];
        for (int i = 0; i < r.GetLength(0); i++)
            for (int j = 0; j < r.GetLength(1); j++)
            {
                // Equal members give exactly that value (no rounding from the sum).
                double first = ms[0][i, j];
                r[i, j] = ms.All(m => m[i, j] == first) ? first : ms.Average(m => m[i, j]);
            }
        return r;
    }

    private static double[,] StdOf(double[][,] ms)
    {
        var r = new double[ms[0].GetLength(0), ms[0].GetLength(1)];
        for (int i = 0; i < r.GetLength(0); i++)
            for (int j = 0; j < r.GetLength(1); j++) r[i, j] = MeanStd(ms.Select(m => m[i, j]).ToArray()).Std;
        return r;
    }
}
