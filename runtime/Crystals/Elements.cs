using System;
using System.Collections.Generic;

namespace CftRuntime.Crystals;

/// <summary>Chemical elements by symbol and atomic number (Z = 1..118).</summary>
public static class Elements
{
    private static readonly string[] Symbols =
    {
        "", "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
        "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
        "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
        "Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm",
        "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
    };

    private static readonly Dictionary<string, int> ByUpper = Build();

    private static Dictionary<string, int> Build()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int z = 1; z < Symbols.Length; z++) d[Symbols[z].ToUpperInvariant()] = z;
        d["D"] = 1; // deuterium
        d["T"] = 1; // tritium
        return d;
    }

    /// <summary>Largest atomic number known.</summary>
    public const int MaxAtomicNumber = 118;

    /// <summary>The symbol of element <paramref name="z"/> (e.g. 26 → "Fe").</summary>
    public static string Symbol(int z) =>
        z >= 1 && z <= MaxAtomicNumber ? Symbols[z] : throw new ArgumentOutOfRangeException(nameof(z), z, "atomic number must be in 1..118");

    /// <summary>Atomic number of an exact symbol, case-insensitive ("Fe", "FE", "fe"); D and T count as H.</summary>
    public static bool TryGetAtomicNumber(string symbol, out int z) => ByUpper.TryGetValue(symbol.Trim().ToUpperInvariant(), out z);

    /// <summary>
    /// Element of a CIF type symbol or site label: the leading letters that form a known symbol,
    /// two letters before one ("Fe1" → Fe, "O2-" → O, "Fe3+" → Fe, "Ca" → Ca, "C12" → C, "OW" → O).
    /// </summary>
    public static bool TryParseLabel(string label, out int z)
    {
        z = 0;
        string s = label.Trim();
        int n = 0;
        while (n < s.Length && n < 2 && char.IsLetter(s[n])) n++;
        if (n == 0) return false;
        if (n == 2 && ByUpper.TryGetValue(s.Substring(0, 2).ToUpperInvariant(), out z) && (char.IsLower(s[1]) || s.Length == 2 || !char.IsLetter(s.Length > 2 ? s[2] : ' ')))
            return true;
        return ByUpper.TryGetValue(s.Substring(0, 1).ToUpperInvariant(), out z);
    }
}
