using System;
using System.Collections.Generic;
using System.Globalization;
using CftRuntime.Basis;
using CftRuntime.Generator.Model;

namespace CftRuntime.Generator.Parsing;

/// <summary>
/// Parser stage: spacegroups.json text → <see cref="CatalogSpec"/>. Every problem becomes a
/// <see cref="DiagnosticInfo"/> with file, line and column; nothing throws.
/// </summary>
internal static class SpaceGroupJsonParser
{
    /// <summary>Phases are stored as bytes below the extinct marker 127.</summary>
    public const int MaxPhaseDenominator = 126;

    public static CatalogSpec Parse(string text, string path)
    {
        var diagnostics = new List<DiagnosticInfo>();
        var settings = new List<SettingSpec>();
        JsonValue root;
        try
        {
            root = JsonReader.Parse(text);
        }
        catch (JsonSyntaxException e)
        {
            diagnostics.Add(new DiagnosticInfo(DiagnosticIds.JsonSyntax, e.Message, path, e.Position, 1, e.Line, e.Column));
            return new CatalogSpec(path, EquatableArray<SettingSpec>.Empty, diagnostics.ToEquatableArray());
        }

        var context = new Context(path, diagnostics);
        var list = root.Kind == JsonKind.Object ? root.Get("settings") : null;
        if (list is null || list.Kind != JsonKind.Array)
        {
            context.Report(DiagnosticIds.Field, root, "expected a top-level object with a \"settings\" array");
            return new CatalogSpec(path, EquatableArray<SettingSpec>.Empty, diagnostics.ToEquatableArray());
        }

        var byHall = new Dictionary<int, int>();
        var bySetting = new Dictionary<string, int>();
        var standardOf = new Dictionary<int, JsonValue>();
        foreach (var item in list.Items)
        {
            var spec = ReadSetting(item, settings.Count, context);
            if (spec is null) continue;
            if (byHall.TryGetValue(spec.HallNumber, out int other))
            {
                context.Report(DiagnosticIds.Duplicate, item, $"duplicate entry: hall_number {spec.HallNumber} is already used by entry {other + 1}");
                continue;
            }
            string settingKey = spec.Number + ":" + spec.Setting;
            if (bySetting.TryGetValue(settingKey, out other))
            {
                context.Report(DiagnosticIds.Duplicate, item, $"duplicate entry: space group {spec.Number} setting \"{spec.Setting}\" is already defined by entry {other + 1}");
                continue;
            }
            if (spec.IsStandard && standardOf.ContainsKey(spec.Number))
            {
                context.Report(DiagnosticIds.Catalog, item, $"space group {spec.Number} has more than one entry marked \"standard\": true");
                continue;
            }
            if (spec.IsStandard) standardOf[spec.Number] = item;
            byHall[spec.HallNumber] = settings.Count;
            bySetting[settingKey] = settings.Count;
            settings.Add(spec);
        }
        if (diagnostics.Count == 0)
        {
            foreach (var spec in settings)
                if (!standardOf.ContainsKey(spec.Number))
                {
                    context.Report(DiagnosticIds.Catalog, list, $"space group {spec.Number} has no entry marked \"standard\": true");
                    standardOf[spec.Number] = list;
                }
        }
        return new CatalogSpec(path, settings.ToEquatableArray(), diagnostics.ToEquatableArray());
    }

    private sealed class Context
    {
        public Context(string path, List<DiagnosticInfo> diagnostics) { Path = path; Diagnostics = diagnostics; }

        public string Path { get; }
        public List<DiagnosticInfo> Diagnostics { get; }

        public void Report(string id, JsonValue at, string message) =>
            Diagnostics.Add(new DiagnosticInfo(id, message, Path, at.Position, Math.Min(at.Length, 80), at.Line, at.Column));
    }

    private static SettingSpec? ReadSetting(JsonValue item, int index, Context context)
    {
        int before = context.Diagnostics.Count;
        if (item.Kind != JsonKind.Object)
        {
            context.Report(DiagnosticIds.Field, item, "expected an object describing one space-group setting");
            return null;
        }
        int hallNumber = ReadInt(item, "hall_number", 1, int.MaxValue, context);
        int number = ReadInt(item, "number", 1, 230, context);
        string hm = ReadString(item, "hm", context);
        string hmSetting = ReadString(item, "hm_setting", context);
        string hall = ReadString(item, "hall", context);
        string setting = ReadString(item, "setting", context);
        bool standard = ReadBool(item, "standard", context);
        string system = ReadString(item, "crystal_system", context);
        string centring = ReadString(item, "centring", context);
        var aliases = new List<string>();
        var aliasNode = Require(item, "aliases", JsonKind.Array, "an array of symbol strings", context);
        if (aliasNode is not null)
            foreach (var a in aliasNode.Items)
            {
                if (a.Kind == JsonKind.String) aliases.Add(a.Text);
                else context.Report(DiagnosticIds.Field, a, "\"aliases\" must hold strings");
            }
        var opsNode = Require(item, "operations", JsonKind.Array, "an array of operations", context);
        var flat = new List<int>();
        var operations = new List<SymmetryOperation>();
        if (opsNode is not null)
            foreach (var opNode in opsNode.Items)
            {
                var op = ReadOperation(opNode, context);
                if (op is null) continue;
                operations.Add(op);
                flat.AddRange(op.Rotation);
                for (int i = 0; i < 3; i++) flat.Add(op.T(i));
                flat.Add(op.Denominator);
            }
        if (context.Diagnostics.Count != before) return null;
        int common = 1;
        foreach (var op in operations) common = common / (int)Gcd(common, op.Denominator) * op.Denominator;
        if (common > MaxPhaseDenominator)
        {
            context.Report(DiagnosticIds.Fraction, opsNode!, $"the translations of space group {number} (hall_number {hallNumber}) have common denominator {common}; at most {MaxPhaseDenominator} is supported (crystallographic settings need 12)");
            return null;
        }
        string? problem = SymmetryOperation.ValidateGroup(operations);
        if (problem is not null)
        {
            context.Report(DiagnosticIds.NotAGroup, opsNode!, $"the operations of space group {number} (hall_number {hallNumber}) are not a group: {problem}");
            return null;
        }
        return new SettingSpec(index, hallNumber, number, hm, hmSetting, hall, setting, standard, system, centring,
            aliases.ToEquatableArray(), flat.ToEquatableArray());
    }

    private static SymmetryOperation? ReadOperation(JsonValue node, Context context)
    {
        if (node.Kind != JsonKind.Object)
        {
            context.Report(DiagnosticIds.Field, node, "expected an operation object {\"r\": [[...],[...],[...]], \"t\": [\"p/q\", ...]}");
            return null;
        }
        int before = context.Diagnostics.Count;
        var r = Require(node, "r", JsonKind.Array, "a 3×3 integer rotation (three rows of three integers)", context);
        var t = Require(node, "t", JsonKind.Array, "three translation fractions such as \"1/2\"", context);
        if (r is null || t is null) return null;
        var rotation = new int[9];
        if (r.Items.Count != 3) context.Report(DiagnosticIds.Field, r, $"rotation must have 3 rows, found {r.Items.Count}");
        else
            for (int i = 0; i < 3; i++)
            {
                var row = r.Items[i];
                if (row.Kind != JsonKind.Array || row.Items.Count != 3) { context.Report(DiagnosticIds.Field, row, "each rotation row must be an array of 3 integers"); continue; }
                for (int j = 0; j < 3; j++)
                {
                    var v = row.Items[j];
                    if (v.Kind != JsonKind.Number || !int.TryParse(v.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out rotation[3 * i + j]))
                        context.Report(DiagnosticIds.Field, v, "rotation entries must be integers");
                }
            }
        var num = new long[3];
        var den = new long[3];
        if (t.Items.Count != 3) context.Report(DiagnosticIds.Field, t, $"translation must have 3 components, found {t.Items.Count}");
        else
            for (int i = 0; i < 3; i++) ReadFraction(t.Items[i], out num[i], out den[i], context);
        if (context.Diagnostics.Count != before) return null;
        long d = 1;
        for (int i = 0; i < 3; i++) d = d / Gcd(d, den[i]) * den[i];
        if (d > 1_000_000)
        {
            context.Report(DiagnosticIds.Fraction, t, "translation denominators are too large (common denominator over 1000000)");
            return null;
        }
        var numerators = new int[3];
        for (int i = 0; i < 3; i++) numerators[i] = (int)(num[i] * (d / den[i]));
        return new SymmetryOperation(rotation, numerators, (int)d);
    }

    private static void ReadFraction(JsonValue v, out long num, out long den, Context context)
    {
        num = 0; den = 1;
        if (v.Kind != JsonKind.String)
        {
            context.Report(DiagnosticIds.Fraction, v, "translation components must be strings holding exact fractions such as \"0\", \"1/2\" or \"3/4\"");
            return;
        }
        string s = v.Text.Trim();
        int slash = s.IndexOf('/');
        string ns = slash < 0 ? s : s.Substring(0, slash);
        string ds = slash < 0 ? "1" : s.Substring(slash + 1);
        if (!long.TryParse(ns, NumberStyles.None, CultureInfo.InvariantCulture, out num) || !long.TryParse(ds, NumberStyles.None, CultureInfo.InvariantCulture, out den))
        {
            context.Report(DiagnosticIds.Fraction, v, $"\"{v.Text}\" is not an exact fraction p/q of non-negative integers");
            return;
        }
        if (den == 0)
        {
            context.Report(DiagnosticIds.Fraction, v, $"\"{v.Text}\" has a zero denominator");
            den = 1;
            return;
        }
        if (num >= den)
            context.Report(DiagnosticIds.Fraction, v, $"\"{v.Text}\" is not in [0, 1): translations are stored reduced modulo lattice vectors");
    }

    private static JsonValue? Require(JsonValue obj, string name, JsonKind kind, string expected, Context context)
    {
        var v = obj.Get(name);
        if (v is null) { context.Report(DiagnosticIds.Field, obj, $"missing field \"{name}\": expected {expected}"); return null; }
        if (v.Kind != kind) { context.Report(DiagnosticIds.Field, v, $"field \"{name}\" has the wrong type: expected {expected}"); return null; }
        return v;
    }

    private static string ReadString(JsonValue obj, string name, Context context) =>
        Require(obj, name, JsonKind.String, "a string", context)?.Text ?? "";

    private static bool ReadBool(JsonValue obj, string name, Context context)
    {
        var v = obj.Get(name);
        if (v is null) { context.Report(DiagnosticIds.Field, obj, $"missing field \"{name}\": expected true or false"); return false; }
        if (v.Kind == JsonKind.True) return true;
        if (v.Kind == JsonKind.False) return false;
        context.Report(DiagnosticIds.Field, v, $"field \"{name}\" must be true or false");
        return false;
    }

    private static int ReadInt(JsonValue obj, string name, int min, int max, Context context)
    {
        var v = Require(obj, name, JsonKind.Number, "an integer", context);
        if (v is null) return 0;
        if (!int.TryParse(v.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            context.Report(DiagnosticIds.Field, v, $"field \"{name}\" must be an integer in {min}..{max}, found {v.Text}");
            return 0;
        }
        return value;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0) { long t = a % b; a = b; b = t; }
        return a;
    }
}
