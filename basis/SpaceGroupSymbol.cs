using System.Text;

namespace CftRuntime.Basis;

/// <summary>
/// Normalises space-group symbols the way users type them, so that "P 1 21/c 1", "P2_1/c" and
/// "p21/c" compare equal. The generator builds its look-up keys with the same function.
/// </summary>
/// <remarks>Shared source: compiled into the generator (netstandard2.0) and the runtime.</remarks>
public static class SpaceGroupSymbol
{
    /// <summary>Hermann–Mauguin key: no whitespace, underscores or quotes, ASCII minus, lower case.</summary>
    public static string NormalizeHermannMauguin(string symbol)
    {
        var sb = new StringBuilder(symbol.Length);
        foreach (char c in symbol)
        {
            if (char.IsWhiteSpace(c) || c == '_' || c == '\'' || c == '"') continue;
            sb.Append(c == '\u2212' || c == '\u2013' ? '-' : char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>Hall key: single spaces, no surrounding quotes, ASCII minus, lower case.</summary>
    public static string NormalizeHall(string symbol)
    {
        string s = symbol.Trim();
        if (s.Length >= 2 && (s[0] == '\'' || s[0] == '"') && s[s.Length - 1] == s[0]) s = s.Substring(1, s.Length - 2).Trim();
        var sb = new StringBuilder(s.Length);
        bool space = false;
        foreach (char c in s)
        {
            if (char.IsWhiteSpace(c)) { space = true; continue; }
            if (space && sb.Length > 0) sb.Append(' ');
            space = false;
            sb.Append(c == '\u2212' ? '-' : char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
