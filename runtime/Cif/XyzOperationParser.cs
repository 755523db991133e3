using System;
using CftRuntime.Basis;

namespace CftRuntime.Io;

/// <summary>
/// Reads symmetry operations written as xyz triplets, as CIF's <c>_space_group_symop_operation_xyz</c>
/// and <c>_symmetry_equiv_pos_as_xyz</c> give them: "-x+1/2, y, -z+1/2", "x-y,x,z+1/6", "1/2+x", "+x",
/// "X,Y,Z". Decimal translations ("0.5", "0.3333") become the nearest fraction with denominator ≤ 12
/// when within 1e-3. Translation denominators above 12 are rejected (no crystallographic setting needs
/// them, and it keeps group completion free of overflow).
/// </summary>
public static class XyzOperationParser
{
    private const int MaxDecimalDenominator = 12;
    private const int MaxTranslationDenominator = 12;
    private const double DecimalTolerance = 1e-3;

    /// <summary>Parses one operation; on failure <paramref name="error"/> says what was expected.</summary>
    public static bool TryParse(string text, out SymmetryOperation? operation, out string? error)
    {
        operation = null;
        var rotation = new int[9];
        var numerators = new long[3];
        var denominators = new long[] { 1, 1, 1 };
        string[] parts = (text ?? "").Split(',');
        if (parts.Length != 3)
        {
            error = $"expected three comma-separated components, found {parts.Length}";
            return false;
        }
        for (int row = 0; row < 3; row++)
            if (!TryParseComponent(parts[row], row, rotation, ref numerators[row], ref denominators[row], out error)) return false;

        int det = rotation[0] * (rotation[4] * rotation[8] - rotation[5] * rotation[7])
                - rotation[1] * (rotation[3] * rotation[8] - rotation[5] * rotation[6])
                + rotation[2] * (rotation[3] * rotation[7] - rotation[4] * rotation[6]);
        if (det != 1 && det != -1)
        {
            error = $"the rotation part has determinant {det}, expected 1 or -1";
            return false;
        }
        long common = Lcm(Lcm(denominators[0], denominators[1]), denominators[2]);
        var t = new int[3];
        for (int i = 0; i < 3; i++) t[i] = (int)(numerators[i] % denominators[i] * (common / denominators[i]) % common);
        operation = new SymmetryOperation(rotation, t, (int)common);
        error = null;
        return true;
    }

    /// <summary>Parses one operation or throws <see cref="FormatException"/> saying what was expected.</summary>
    public static SymmetryOperation Parse(string text) =>
        TryParse(text, out var op, out string? error) ? op! : throw new FormatException($"cannot read symmetry operation '{text}': {error}");

    private static bool TryParseComponent(string s, int row, int[] rotation, ref long tNum, ref long tDen, out string? error)
    {
        int i = 0, terms = 0;
        error = null;
        while (true)
        {
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            if (i >= s.Length) break;
            int sign = 1;
            if (s[i] == '+' || s[i] == '-')
            {
                sign = s[i] == '-' ? -1 : 1;
                i++;
                while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            }
            else if (terms > 0)
            {
                error = $"expected '+' or '-' between terms in '{s.Trim()}'";
                return false;
            }
            bool hasNumber = TryReadNumber(s, ref i, out long p, out long q, out error);
            if (error is not null) return false;
            while (i < s.Length && (char.IsWhiteSpace(s[i]) || s[i] == '*')) i++;
            int axis = i < s.Length ? char.ToLowerInvariant(s[i]) - 'x' : -1;
            if (axis >= 0 && axis <= 2)
            {
                i++;
                if (hasNumber && q != 1)
                {
                    error = $"expected an integer coefficient of {s[i - 1]} in '{s.Trim()}'";
                    return false;
                }
                long coefficient = sign * (hasNumber ? p : 1);
                long entry = rotation[3 * row + axis] + coefficient;
                if (Math.Abs(entry) > 2)
                {
                    error = $"coefficient {entry} of {s[i - 1]} in '{s.Trim()}' is not that of a crystallographic operation";
                    return false;
                }
                rotation[3 * row + axis] = (int)entry;
            }
            else if (hasNumber)
            {
                tNum = tNum * q + sign * p * tDen;
                tDen *= q;
                long g = Gcd(Math.Abs(tNum), tDen);
                if (g > 1) { tNum /= g; tDen /= g; }
                if (Math.Abs(tNum) > 1_000_000)
                {
                    error = $"translation in '{s.Trim()}' is too large";
                    return false;
                }
            }
            else
            {
                error = i < s.Length ? $"unexpected '{s[i]}' in '{s.Trim()}': expected x, y, z or a number" : $"expected x, y, z or a number at the end of '{s.Trim()}'";
                return false;
            }
            terms++;
        }
        if (terms == 0)
        {
            error = "empty component: expected x, y, z or a number";
            return false;
        }
        if (tDen > MaxTranslationDenominator)
        {
            error = $"translation {tNum}/{tDen} in '{s.Trim()}' has denominator {tDen}; crystallographic translations need at most {MaxTranslationDenominator}";
            return false;
        }
        return true;
    }

    /// <summary>Reads "3", "1/2", "0.5", ".25" as p/q; false (with no error) when no number starts here.</summary>
    private static bool TryReadNumber(string s, ref int i, out long p, out long q, out string? error)
    {
        p = 0;
        q = 1;
        error = null;
        int start = i;
        long whole = 0, fraction = 0, scale = 1;
        int digits = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            if (++digits > 9) { error = $"number too long in '{s.Trim()}'"; return false; }
            whole = whole * 10 + (s[i++] - '0');
        }
        if (i < s.Length && s[i] == '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (++digits > 12) { error = $"number too long in '{s.Trim()}'"; return false; }
                fraction = fraction * 10 + (s[i++] - '0');
                scale *= 10;
            }
            if (digits == 0) { error = $"expected digits around '.' in '{s.Trim()}'"; return false; }
            double value = whole + (double)fraction / scale;
            for (q = 1; q <= MaxDecimalDenominator; q++)
            {
                p = (long)Math.Round(value * q);
                if (Math.Abs(value - (double)p / q) <= DecimalTolerance) return true;
            }
            error = $"decimal translation {s.Substring(start, i - start)} is not within {DecimalTolerance} of a fraction with denominator ≤ {MaxDecimalDenominator}";
            return false;
        }
        if (digits == 0) return false;
        p = whole;
        int save = i;
        while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
        if (i < s.Length && s[i] == '/')
        {
            i++;
            while (i < s.Length && char.IsWhiteSpace(s[i])) i++;
            long den = 0;
            int denDigits = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                if (++denDigits > 6) { error = $"denominator too long in '{s.Trim()}'"; return false; }
                den = den * 10 + (s[i++] - '0');
            }
            if (den == 0) { error = $"expected a positive denominator after '/' in '{s.Trim()}'"; return false; }
            q = den;
        }
        else i = save;
        return true;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) (a, b) = (b, a % b);
        return a == 0 ? 1 : a;
    }

    private static long Lcm(long a, long b) => a / Gcd(a, b) * b;
}
