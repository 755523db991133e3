using System;
using System.Collections.Generic;
using System.Globalization;
using CftRuntime.Basis;

namespace CftRuntime.Tables;

/// <summary>
/// The catalogue of space-group settings compiled from spacegroups.json, with look-up by IT number,
/// Hermann–Mauguin symbol (any common spelling), Hall symbol and setting.
/// </summary>
public static class SpaceGroups
{
    /// <summary>Number of settings in the catalogue.</summary>
    public static int Count => SpaceGroupData.SettingCount;

    /// <summary>Cutoff K of the compile-time tables.</summary>
    public static int Cutoff => SpaceGroupData.Cutoff;

    /// <summary>Setting number <paramref name="index"/> (0-based, file order).</summary>
    public static SpaceGroupSetting Get(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"setting index must be in 0..{Count - 1}");
        return new SpaceGroupSetting(index);
    }

    /// <summary>Every setting, in file order.</summary>
    public static IEnumerable<SpaceGroupSetting> All
    {
        get
        {
            for (int i = 0; i < Count; i++) yield return new SpaceGroupSetting(i);
        }
    }

    /// <summary>The ITA standard setting of IT number <paramref name="number"/> (1..230).</summary>
    public static SpaceGroupSetting Standard(int number)
    {
        if (number < 1 || number > 230) throw new ArgumentOutOfRangeException(nameof(number), number, "IT number must be in 1..230");
        return new SpaceGroupSetting(SpaceGroupData.StandardSetting[number]);
    }

    /// <summary>
    /// Finds a setting from what a user or a CIF gives: an IT number ("14"), NUMBER:SETTING ("227:1",
    /// "166:R", "14:c1"), a Hermann–Mauguin symbol in any common spelling ("P2_1/c", "P21/c",
    /// "P 1 21/c 1", "Cmca" or "Cmce") optionally with ":1", ":2", ":H", ":R", or a Hall symbol.
    /// </summary>
    public static bool TryFind(string? text, out SpaceGroupSetting setting)
    {
        setting = default;
        if (text is null) return false;
        string s = text.Trim();
        if (s.Length >= 2 && (s[0] == '\'' || s[0] == '"') && s[s.Length - 1] == s[0]) s = s.Substring(1, s.Length - 2).Trim();
        if (s.Length == 0) return false;

        string main = s, suffix = "";
        int colon = s.LastIndexOf(':');
        if (colon >= 0) { main = s.Substring(0, colon).Trim(); suffix = s.Substring(colon + 1).Trim(); }

        int index;
        if (int.TryParse(main, NumberStyles.None, CultureInfo.InvariantCulture, out int number))
        {
            if (number < 1 || number > 230) return false;
            index = SpaceGroupData.StandardSetting[number];
        }
        else
        {
            // Hermann–Mauguin first: "P 2" is the symbol P2 (unique axis b), not the Hall symbol of P 1 1 2.
            index = SpaceGroupData.FindHermannMauguin(SpaceGroupSymbol.NormalizeHermannMauguin(main));
            if (index < 0 && colon < 0) index = SpaceGroupData.FindHall(SpaceGroupSymbol.NormalizeHall(s));
        }
        if (index < 0) return false;
        if (suffix.Length > 0)
        {
            index = FindSetting(SpaceGroupData.Number[index], suffix);
            if (index < 0) return false;
        }
        setting = new SpaceGroupSetting(index);
        return true;
    }

    /// <summary>Like <see cref="TryFind"/>, but throws with a message that says what was expected.</summary>
    /// <exception cref="ArgumentException">Nothing in the catalogue matches.</exception>
    public static SpaceGroupSetting Find(string text)
    {
        if (TryFind(text, out var s)) return s;
        throw new ArgumentException($"unknown space group '{text}': expected an IT number 1..230, NUMBER:SETTING (e.g. 227:1, 166:R), a Hermann–Mauguin symbol (e.g. P2_1/c, Fd-3m:1, R-3m:H) or a Hall symbol (e.g. -P 2ybc)", nameof(text));
    }

    /// <summary>Finds a setting by its Hall symbol only (as CIF's _space_group_name_Hall gives it).</summary>
    public static bool TryFindHall(string? hall, out SpaceGroupSetting setting)
    {
        setting = default;
        if (hall is null) return false;
        int index = SpaceGroupData.FindHall(SpaceGroupSymbol.NormalizeHall(hall));
        if (index < 0) return false;
        setting = new SpaceGroupSetting(index);
        return true;
    }

    private static int FindSetting(int number, string suffix)
    {
        // Settings of one IT number are contiguous in the catalogue; scan around the standard one.
        int lo = SpaceGroupData.StandardSetting[number], hi = lo;
        while (lo > 0 && SpaceGroupData.Number[lo - 1] == number) lo--;
        while (hi + 1 < Count && SpaceGroupData.Number[hi + 1] == number) hi++;
        for (int i = lo; i <= hi; i++)
            if (string.Equals(SpaceGroupData.Setting[i], suffix, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }
}
