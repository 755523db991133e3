using System;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Errors;

namespace CftRuntime.Crystals;

/// <summary>
/// The Niggli-reduced primitive cell of a crystal, found from one of its cells alone (no space-group search):
/// the lattice translations that map the cell's atoms onto themselves give the primitive lattice, which the
/// Křivý–Gruber algorithm (with Grosse-Kunstleve, Sauter and Adams' tolerances, Acta Cryst. A60, 1–6, 2004) reduces
/// to the unique Niggli cell. Every cell of a crystal (any supercell, basis or origin) gives the same a ≤ b ≤ c and
/// angles, so a model that reads only these and the atoms' relative positions needs no symmetry analysis.
/// </summary>
public static class NiggliCell
{
    /// <summary>
    /// The translations t (fractional, in [0, 1), the zero vector first) that map every atom of a full-cell listing onto
    /// an atom of the same element and occupancy within <paramref name="toleranceAngstrom"/>: the lattice points of the cell.
    /// </summary>
    public static List<(double X, double Y, double Z)> LatticeTranslations(Lattice lattice, IReadOnlyList<Site> cell, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(cell);
        var result = new List<(double, double, double)> { (0, 0, 0) };
        if (cell.Count == 0) return result;
        static bool Same(Site a, Site b) => a.AtomicNumber == b.AtomicNumber && Math.Abs(a.Occupancy - b.Occupancy) < 1e-6;
        // Candidates: from one atom of the rarest kind to every other atom of its kind.
        var anchor = cell.GroupBy(a => (a.AtomicNumber, Math.Round(a.Occupancy, 6))).OrderBy(g => g.Count()).First().First();
        foreach (var target in cell)
        {
            if (ReferenceEquals(target, anchor) || !Same(anchor, target)) continue;
            double tx = Wrap(target.X - anchor.X), ty = Wrap(target.Y - anchor.Y), tz = Wrap(target.Z - anchor.Z);
            if (lattice.WithinDistance(tx, ty, tz, toleranceAngstrom)) continue; // the anchor itself, listed twice
            bool maps = true;
            foreach (var a in cell)
            {
                bool found = false;
                foreach (var b in cell)
                    if (Same(a, b) && lattice.WithinDistance(b.X - a.X - tx, b.Y - a.Y - ty, b.Z - a.Z - tz, toleranceAngstrom)) { found = true; break; }
                if (!found) { maps = false; break; }
            }
            if (maps) result.Add((tx, ty, tz));
        }
        return result;
    }

    /// <summary>
    /// The Niggli-reduced primitive cell of a full-cell listing (sites with multiplicity 1, as
    /// <see cref="Crystal.ExpandToCell"/> gives): its lattice (rows a, b, c in the input's Cartesian frame, right-handed)
    /// and one atom per lattice-translation class, in fractional coordinates of that lattice, wrapped into [0, 1).
    /// </summary>
    /// <remarks>
    /// Translations found at the tolerance need not close into a group when the atoms are only nearly repeated (t
    /// maps within the tolerance, 2t does not): then the search is repeated at 0.95 times the tolerance, as spglib does
    /// for its primitive cell, until they do; at worst no translation is left and the cell itself is primitive.
    /// </remarks>
    /// <exception cref="InvalidStructureException">Two atoms of one kind lie within the tolerance of each other.</exception>
    public static (Lattice Lattice, Site[] Sites) Of(Lattice lattice, IReadOnlyList<Site> cell, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        ArgumentNullException.ThrowIfNull(cell);
        double tolerance = toleranceAngstrom;
        for (int attempt = 0; ; attempt++, tolerance *= 0.95)
        {
            var translations = attempt < MaxAttempts ? LatticeTranslations(lattice, cell, tolerance) : [(0, 0, 0)];
            if (TryPrimitive(lattice, cell, translations, tolerance) is { } primitive) return primitive;
            if (translations.Count == 1)
                throw new InvalidStructureException(FormattableString.Invariant(
                    $"two atoms of one kind lie within {tolerance:G3} Å of each other: the cell's {cell.Count} atoms do not reduce to a primitive cell"));
        }
    }

    /// <summary>How often <see cref="Of"/> shrinks the tolerance before it takes the cell itself as primitive.</summary>
    private const int MaxAttempts = 40;

    /// <summary>The number of lattice points of the cell: the translations <see cref="Of"/> settles on (1 for a primitive cell).</summary>
    public static int LatticePointCount(Lattice lattice, IReadOnlyList<Site> cell, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom) =>
        cell.Count == 0 ? 1 : cell.Count / Of(lattice, cell, toleranceAngstrom).Sites.Length;

    private static (Lattice Lattice, Site[] Sites)? TryPrimitive(Lattice lattice, IReadOnlyList<Site> cell, List<(double X, double Y, double Z)> translations, double tolerance)
    {
        var primitive = translations.Count == 1 ? lattice : PrimitiveLattice(lattice, translations);
        if (primitive is null) return null;
        var reduced = Reduce(primitive).ToRightHanded(); // −a, −b, −c keep the metric: still Niggli-reduced
        var sites = new List<Site>();
        foreach (var s in cell)
        {
            var (x, y, z) = lattice.ToCartesian(s.X, s.Y, s.Z);
            var (u, v, w) = reduced.ToFractional(x, y, z);
            var moved = s with { X = Wrap(u), Y = Wrap(v), Z = Wrap(w), Multiplicity = 1 };
            if (!sites.Any(t => t.AtomicNumber == moved.AtomicNumber && Math.Abs(t.Occupancy - moved.Occupancy) < 1e-6
                                && reduced.WithinDistance(t.X - moved.X, t.Y - moved.Y, t.Z - moved.Z, tolerance)))
                sites.Add(moved);
        }
        return sites.Count * translations.Count == cell.Count ? (reduced, sites.ToArray()) : null;
    }

    /// <summary>
    /// A basis of the lattice the cell's lattice vectors and <paramref name="translations"/> generate, or null when the
    /// translations are not a group. The n translations of a group satisfy n·t ∈ ℤ³: the integer lattice spanned by n·e₁,
    /// n·e₂, n·e₃ and every n·t is brought to echelon form (its determinant must be n²), and its basis divided by n.
    /// </summary>
    private static Lattice? PrimitiveLattice(Lattice lattice, List<(double X, double Y, double Z)> translations)
    {
        long n = translations.Count;
        var generators = new List<long[]> { new[] { n, 0, 0 }, new[] { 0, n, 0 }, new[] { 0, 0, n } };
        foreach (var (x, y, z) in translations.Skip(1))
        {
            var scaled = new[] { x * n, y * n, z * n };
            var rounded = scaled.Select(v => (long)Math.Round(v)).ToArray();
            if (scaled.Zip(rounded).Any(p => Math.Abs(p.First - p.Second) > 0.25)) return null;
            generators.Add(rounded);
        }
        var basis = EchelonBasis(generators);
        long det = basis[0][0] * (basis[1][1] * basis[2][2] - basis[1][2] * basis[2][1])
                 - basis[0][1] * (basis[1][0] * basis[2][2] - basis[1][2] * basis[2][0])
                 + basis[0][2] * (basis[1][0] * basis[2][1] - basis[1][1] * basis[2][0]);
        if (Math.Abs(det) != n * n) return null;
        var rows = new double[9];
        for (int r = 0; r < 3; r++)
            for (int axis = 0; axis < 3; axis++)
                for (int k = 0; k < 3; k++) rows[3 * r + axis] += basis[r][k] / (double)n * lattice[k, axis];
        return Lattice.FromVectors(rows);
    }

    /// <summary>Three integer vectors spanning the same lattice as <paramref name="generators"/> (full rank): integer row reduction, column by column.</summary>
    private static long[][] EchelonBasis(List<long[]> generators)
    {
        var rows = generators.Select(g => (long[])g.Clone()).ToList();
        var basis = new long[3][];
        for (int column = 0; column < 3; column++)
        {
            while (true)
            {
                var nonzero = rows.Where(r => r[column] != 0).OrderBy(r => Math.Abs(r[column])).ToList();
                if (nonzero.Count == 0) throw new InvalidOperationException("the generators do not span three dimensions");
                var pivot = nonzero[0];
                bool reduced = false;
                foreach (var r in nonzero.Skip(1))
                {
                    long q = r[column] / pivot[column];
                    for (int c = 0; c < 3; c++) r[c] -= q * pivot[c];
                    reduced = true;
                }
                if (!reduced || rows.Count(r => r[column] != 0) == 1)
                {
                    basis[column] = pivot;
                    rows.Remove(pivot);
                    break;
                }
            }
        }
        return basis;
    }

    /// <summary>
    /// The Niggli-reduced basis of <paramref name="lattice"/> (Křivý and Gruber, Acta Cryst. A32, 297–298, 1976), with
    /// the tolerance ε = 10⁻⁵·V^(2/3) on the metric (Å²) as Grosse-Kunstleve et al. recommend: a ≤ b ≤ c, angles all
    /// acute or all non-acute, the same vectors in the same Cartesian frame. Handedness is kept.
    /// </summary>
    public static Lattice Reduce(Lattice lattice)
    {
        ArgumentNullException.ThrowIfNull(lattice);
        var v = lattice.ToArray();
        double eps = 1e-5 * Math.Pow(lattice.Volume, 2.0 / 3.0);
        for (int iteration = 0; iteration < 1000; iteration++)
        {
            var (A, B, C, xi, eta, zeta) = Metric(v);
            // Step 1: A ≤ B (and |ξ| ≤ |η| when A = B): swap a and b (c reversed, to keep the handedness).
            if (A > B + eps || (Math.Abs(A - B) <= eps && Math.Abs(xi) > Math.Abs(eta) + eps))
            {
                Transform(v, [0, -1, 0, -1, 0, 0, 0, 0, -1]);
                continue;
            }
            // Step 2: B ≤ C (and |η| ≤ |ζ| when B = C): swap b and c, then back to step 1.
            if (B > C + eps || (Math.Abs(B - C) <= eps && Math.Abs(eta) > Math.Abs(zeta) + eps))
            {
                Transform(v, [-1, 0, 0, 0, 0, -1, 0, -1, 0]);
                continue;
            }
            int l = Sign(xi, eps), m = Sign(eta, eps), n = Sign(zeta, eps);
            if (l * m * n == 1)
            {
                // Step 3: all three products positive (type I).
                Transform(v, [l == -1 ? -1 : 1, 0, 0, 0, m == -1 ? -1 : 1, 0, 0, 0, n == -1 ? -1 : 1]);
            }
            else
            {
                // Step 4: none positive (type II); a zero absorbs the sign that keeps the handedness.
                int i = l == 1 ? -1 : 1, j = m == 1 ? -1 : 1, k = n == 1 ? -1 : 1;
                if (i * j * k == -1)
                {
                    if (l == 0) i = -i;
                    else if (m == 0) j = -j;
                    else if (n == 0) k = -k;
                }
                if (i * j * k == 1) Transform(v, [i, 0, 0, 0, j, 0, 0, 0, k]);
            }
            (A, B, C, xi, eta, zeta) = Metric(v);
            // Steps 5–8: shorten by adding one vector to another; each goes back to step 1.
            if (Math.Abs(xi) > B + eps || (Math.Abs(xi - B) <= eps && 2 * eta < zeta - eps) || (Math.Abs(xi + B) <= eps && zeta < -eps))
            {
                Transform(v, [1, 0, 0, 0, 1, 0, 0, -Math.Sign(xi), 1]);
                continue;
            }
            if (Math.Abs(eta) > A + eps || (Math.Abs(eta - A) <= eps && 2 * xi < zeta - eps) || (Math.Abs(eta + A) <= eps && zeta < -eps))
            {
                Transform(v, [1, 0, 0, 0, 1, 0, -Math.Sign(eta), 0, 1]);
                continue;
            }
            if (Math.Abs(zeta) > A + eps || (Math.Abs(zeta - A) <= eps && 2 * xi < eta - eps) || (Math.Abs(zeta + A) <= eps && eta < -eps))
            {
                Transform(v, [1, 0, 0, -Math.Sign(zeta), 1, 0, 0, 0, 1]);
                continue;
            }
            if (xi + eta + zeta + A + B < -eps || (Math.Abs(xi + eta + zeta + A + B) <= eps && 2 * (A + eta) + zeta > eps))
            {
                Transform(v, [1, 0, 0, 0, 1, 0, 1, 1, 1]);
                continue;
            }
            return Lattice.FromVectors(v);
        }
        throw new InvalidStructureException($"Niggli reduction of the cell {lattice} did not converge (a degenerate or extremely oblique cell)");
    }

    private static (double A, double B, double C, double Xi, double Eta, double Zeta) Metric(double[] v)
    {
        double Dot(int r, int s) => v[3 * r] * v[3 * s] + v[3 * r + 1] * v[3 * s + 1] + v[3 * r + 2] * v[3 * s + 2];
        return (Dot(0, 0), Dot(1, 1), Dot(2, 2), 2 * Dot(1, 2), 2 * Dot(0, 2), 2 * Dot(0, 1));
    }

    /// <summary>New rows a', b', c' = M · (a, b, c): row r of <paramref name="m"/> holds the coefficients of new vector r.</summary>
    private static void Transform(double[] v, int[] m)
    {
        var old = (double[])v.Clone();
        for (int r = 0; r < 3; r++)
            for (int axis = 0; axis < 3; axis++)
                v[3 * r + axis] = m[3 * r] * old[axis] + m[3 * r + 1] * old[3 + axis] + m[3 * r + 2] * old[6 + axis];
    }

    private static int Sign(double x, double eps) => x > eps ? 1 : x < -eps ? -1 : 0;

    private static double Wrap(double x)
    {
        double w = x - Math.Floor(x);
        return w >= 1 ? 0 : w;
    }
}
