using System;
using System.Collections.Generic;
using System.Text;

namespace CftRuntime.Basis;

/// <summary>
/// A space-group operation x → A x + t on fractional column vectors: an integer 3×3 rotation
/// (row-major) and a translation held exactly as integer numerators over a common denominator,
/// reduced to [0, 1).
/// </summary>
/// <remarks>Shared source: compiled into the generator (netstandard2.0) and the runtime.</remarks>
public sealed class SymmetryOperation : IEquatable<SymmetryOperation>
{
    private readonly int[] _rotation;
    private readonly int[] _translation;

    /// <summary>Creates an operation; the translation is t_i = translationNumerators[i] / denominator, taken mod 1.</summary>
    public SymmetryOperation(int[] rotation, int[] translationNumerators, int denominator)
    {
        if (rotation is null || rotation.Length != 9) throw new ArgumentException("rotation must have 9 entries (row-major 3×3)", nameof(rotation));
        if (translationNumerators is null || translationNumerators.Length != 3) throw new ArgumentException("translation must have 3 entries", nameof(translationNumerators));
        if (denominator <= 0) throw new ArgumentException("denominator must be positive", nameof(denominator));
        _rotation = (int[])rotation.Clone();
        int g = denominator;
        var t = new int[3];
        for (int i = 0; i < 3; i++)
        {
            t[i] = Mod(translationNumerators[i], denominator);
            g = Gcd(g, t[i]);
        }
        for (int i = 0; i < 3; i++) t[i] /= g;
        _translation = t;
        Denominator = denominator / g;
    }

    /// <summary>The identity operation.</summary>
    public static SymmetryOperation Identity { get; } = new(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new[] { 0, 0, 0 }, 1);

    /// <summary>Rotation entry A[row, column].</summary>
    public int R(int row, int column) => _rotation[3 * row + column];

    /// <summary>Translation numerator t_i · <see cref="Denominator"/>, in [0, Denominator).</summary>
    public int T(int i) => _translation[i];

    /// <summary>Smallest common denominator of the translation (1 for a pure rotation).</summary>
    public int Denominator { get; }

    /// <summary>A copy of the rotation, row-major.</summary>
    public int[] Rotation => (int[])_rotation.Clone();

    /// <summary>Translation component i as a double.</summary>
    public double TranslationValue(int i) => (double)_translation[i] / Denominator;

    /// <summary>Determinant of the rotation.</summary>
    public int Determinant =>
        R(0, 0) * (R(1, 1) * R(2, 2) - R(1, 2) * R(2, 1))
        - R(0, 1) * (R(1, 0) * R(2, 2) - R(1, 2) * R(2, 0))
        + R(0, 2) * (R(1, 0) * R(2, 1) - R(1, 1) * R(2, 0));

    /// <summary>this ∘ other: x → A (A' x + t') + t, translation reduced mod 1.</summary>
    public SymmetryOperation Compose(SymmetryOperation other)
    {
        var r = new int[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                r[3 * i + j] = R(i, 0) * other.R(0, j) + R(i, 1) * other.R(1, j) + R(i, 2) * other.R(2, j);
        int d = Lcm(Denominator, other.Denominator);
        var t = new int[3];
        for (int i = 0; i < 3; i++)
        {
            long sum = (long)T(i) * (d / Denominator);
            for (int k = 0; k < 3; k++) sum += (long)R(i, k) * other.T(k) * (d / other.Denominator);
            t[i] = (int)(((sum % d) + d) % d);
        }
        return new SymmetryOperation(r, t, d);
    }

    /// <summary>Applies the operation to a fractional point (not reduced mod 1).</summary>
    public void Apply(double x, double y, double z, out double ox, out double oy, out double oz)
    {
        ox = R(0, 0) * x + R(0, 1) * y + R(0, 2) * z + TranslationValue(0);
        oy = R(1, 0) * x + R(1, 1) * y + R(1, 2) * z + TranslationValue(1);
        oz = R(2, 0) * x + R(2, 1) * y + R(2, 2) * z + TranslationValue(2);
    }

    /// <summary>The crystallographic xyz triplet, e.g. <c>-x+1/2,y,-z</c>.</summary>
    public string ToXyz()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 3; i++)
        {
            if (i > 0) sb.Append(',');
            int start = sb.Length;
            for (int j = 0; j < 3; j++)
            {
                int c = R(i, j);
                if (c == 0) continue;
                if (c < 0) sb.Append('-');
                else if (sb.Length > start) sb.Append('+');
                if (Math.Abs(c) != 1) sb.Append(Math.Abs(c));
                sb.Append((char)('x' + j));
            }
            if (T(i) != 0)
            {
                int g = Gcd(T(i), Denominator);
                if (sb.Length > start) sb.Append('+');
                sb.Append(T(i) / g).Append('/').Append(Denominator / g);
            }
            if (sb.Length == start) sb.Append('0');
        }
        return sb.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(SymmetryOperation? other)
    {
        if (other is null) return false;
        if (Denominator != other.Denominator) return false;
        for (int i = 0; i < 9; i++) if (_rotation[i] != other._rotation[i]) return false;
        for (int i = 0; i < 3; i++) if (_translation[i] != other._translation[i]) return false;
        return true;
    }

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as SymmetryOperation);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        int h = Denominator;
        foreach (int v in _rotation) h = h * 31 + v;
        foreach (int v in _translation) h = h * 31 + v;
        return h;
    }

    /// <inheritdoc/>
    public override string ToString() => ToXyz();

    /// <summary>
    /// Checks that the operations form a group modulo lattice translations: identity present, no
    /// duplicates, unimodular rotations, closed under composition. Returns null when they do, else
    /// a message saying what is wrong.
    /// </summary>
    public static string? ValidateGroup(IReadOnlyList<SymmetryOperation> operations)
    {
        if (operations.Count == 0) return "the operation list is empty";
        int n = operations.Count;
        int d = 1;
        var keys = new Dictionary<long, int>(n);
        for (int i = 0; i < n; i++)
        {
            var op = operations[i];
            int det = op.Determinant;
            if (det != 1 && det != -1) return $"operation {i + 1} ({op.ToXyz()}) has a rotation with determinant {det}, expected ±1";
            foreach (int v in op._rotation)
                if (v < -7 || v > 7) return $"operation {i + 1} ({op.ToXyz()}) has a rotation entry {v}; crystallographic rotations have entries in -7..7 in any reasonable setting";
            d = Lcm(d, op.Denominator);
            if (d > 255) return $"translation denominators are too large (common denominator {d}; crystallographic settings need at most 12, 255 is supported)";
        }
        // Each operation as one 64-bit key: 9 rotation entries (4 bits each) and 3 translation
        // numerators over the common denominator d (8 bits each): composition without allocation.
        var rot = new int[9 * n];
        var tr = new int[3 * n];
        for (int i = 0; i < n; i++)
        {
            var op = operations[i];
            Array.Copy(op._rotation, 0, rot, 9 * i, 9);
            for (int c = 0; c < 3; c++) tr[3 * i + c] = op._translation[c] * (d / op.Denominator);
            long key = Key(rot, 9 * i, tr[3 * i], tr[3 * i + 1], tr[3 * i + 2]);
            if (keys.ContainsKey(key)) return $"operation {i + 1} ({op.ToXyz()}) is listed twice";
            keys[key] = i;
        }
        if (!keys.ContainsKey(Key(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, 0, 0, 0, 0))) return "the identity operation x,y,z is missing";
        var product = new int[9];
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
            {
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        product[3 * i + j] = rot[9 * a + 3 * i] * rot[9 * b + j] + rot[9 * a + 3 * i + 1] * rot[9 * b + 3 + j] + rot[9 * a + 3 * i + 2] * rot[9 * b + 6 + j];
                bool small = true;
                foreach (int v in product) small &= v >= -7 && v <= 7;
                long t0 = tr[3 * a], t1 = tr[3 * a + 1], t2 = tr[3 * a + 2];
                for (int k = 0; k < 3; k++)
                {
                    t0 += (long)rot[9 * a + k] * tr[3 * b + k];
                    t1 += (long)rot[9 * a + 3 + k] * tr[3 * b + k];
                    t2 += (long)rot[9 * a + 6 + k] * tr[3 * b + k];
                }
                if (!small || !keys.ContainsKey(Key(product, 0, (int)(((t0 % d) + d) % d), (int)(((t1 % d) + d) % d), (int)(((t2 % d) + d) % d))))
                {
                    var p = operations[a].Compose(operations[b]);
                    return $"not closed under composition: ({operations[a].ToXyz()}) ∘ ({operations[b].ToXyz()}) = {p.ToXyz()} is not in the list";
                }
            }
        return null;
    }

    private static long Key(int[] r, int offset, int t0, int t1, int t2)
    {
        long key = 0;
        for (int i = 0; i < 9; i++) key = (key << 4) | (long)(r[offset + i] + 8);
        return (((key << 8 | (long)t0) << 8 | (long)t1) << 8) | (long)t2;
    }

    internal static int Mod(int a, int n) => ((a % n) + n) % n;

    internal static int Gcd(int a, int b)
    {
        a = Math.Abs(a); b = Math.Abs(b);
        while (b != 0) { int t = a % b; a = b; b = t; }
        return a;
    }

    internal static int Lcm(int a, int b) => a / Gcd(a, b) * b;
}
