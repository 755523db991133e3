using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft basis</c>: print a setting's symmetry-adapted basis; <c>cft basis eval</c>: values of S_h(x).</summary>
public static class BasisCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var group = new Option<string>("--group", "-g") { Description = "Space group: IT number, NUMBER:SETTING, H-M or Hall symbol, or 'all'", Required = true };
        var cutoff = new Option<int?>("--cutoff", "-k") { Description = $"Cutoff K (default {SpaceGroups.Cutoff}, the compiled tables; another K is built at run time)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var basis = new Command("basis", "Print the orbits, phases and extinct frequencies of a space group's basis") { group, cutoff, json };
        basis.SetAction(r => Run(r.GetValue(group)!, r.GetValue(cutoff), r.GetValue(json), Console.Out));

        var evalGroup = new Option<string>("--group", "-g") { Description = "Space group", Required = true };
        var hkl = new Option<string[]>("--hkl") { Description = "Frequency h,k,l (repeatable)", Required = true, AllowMultipleArgumentsPerToken = false };
        var x = new Option<string[]>("--x") { Description = "Fractional point x,y,z (repeatable)", Required = true };
        var eval = new Command("eval", "Print S_h(x) for every (h, x): 'h k l x y z Re Im'") { evalGroup, hkl, x };
        eval.SetAction(r => Evaluate(r.GetValue(evalGroup)!, r.GetValue(hkl)!, r.GetValue(x)!, Console.Out));
        basis.Subcommands.Add(eval);
        basis.Subcommands.Add(BasisPlotCommand.Create());
        return basis;
    }

    /// <summary>Writes the basis of one setting (or of all, for "all").</summary>
    public static int Run(string group, int? cutoff, bool json, TextWriter output)
    {
        int k = cutoff ?? SpaceGroups.Cutoff;
        if (k < 0 || k > 12) throw new CliUsageException($"--cutoff must be an integer in 0..12, got {k}");
        var settings = new List<SpaceGroupSetting>();
        if (string.Equals(group.Trim(), "all", StringComparison.OrdinalIgnoreCase)) settings.AddRange(SpaceGroups.All);
        else settings.Add(Resolve(group));
        bool many = settings.Count > 1 || string.Equals(group.Trim(), "all", StringComparison.OrdinalIgnoreCase);

        if (!json)
        {
            foreach (var s in settings) WriteText(s, Describe(s, k), output);
            return 0;
        }
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            if (many) writer.WriteStartArray();
            foreach (var s in settings) WriteJson(writer, s, Describe(s, k));
            if (many) writer.WriteEndArray();
        }
        output.WriteLine(Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length));
        return 0;
    }

    /// <summary>Writes 'h k l x y z Re Im' lines with 17 significant digits.</summary>
    public static int Evaluate(string group, string[] hkls, string[] points, TextWriter output)
    {
        var setting = Resolve(group);
        var fs = new List<int[]>();
        foreach (var t in hkls) fs.Add(ParseTriple(t, "--hkl", s => int.Parse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));
        var xs = new List<double[]>();
        foreach (var t in points) xs.Add(ParseTriple(t, "--x", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)));
        foreach (var p in xs)
            if (!double.IsFinite(p[0]) || !double.IsFinite(p[1]) || !double.IsFinite(p[2])) throw new CliUsageException("--x values must be finite numbers");
        foreach (var h in fs)
            foreach (var p in xs)
            {
                var v = SymmetrisedPlaneWave.Evaluate(setting, h[0], h[1], h[2], p[0], p[1], p[2]);
                output.WriteLine(string.Join(" ",
                    h[0].ToString(CultureInfo.InvariantCulture), h[1].ToString(CultureInfo.InvariantCulture), h[2].ToString(CultureInfo.InvariantCulture),
                    R(p[0]), R(p[1]), R(p[2]), R(v.Real), R(v.Imaginary)));
            }
        return 0;
    }

    private static string R(double v) => v.ToString("G17", CultureInfo.InvariantCulture);

    internal static SpaceGroupSetting Resolve(string group)
    {
        if (SpaceGroups.TryFind(group, out var s)) return s;
        throw new CliUsageException($"unknown space group '{group}': expected an IT number 1..230, NUMBER:SETTING (227:1, 166:R), a Hermann–Mauguin symbol (P2_1/c, Fd-3m:1, R-3m:H) or a Hall symbol (-P 2ybc); 'cft basis --group all' lists every setting");
    }

    internal static T[] ParseTriple<T>(string text, string option, Func<string, T> parse)
    {
        var parts = text.Split(',');
        if (parts.Length != 3) throw new CliUsageException($"{option} expects three comma-separated numbers such as 1,0,-2; got '{text}'");
        var result = new T[3];
        for (int i = 0; i < 3; i++)
        {
            try { result[i] = parse(parts[i].Trim()); }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw new CliUsageException($"{option}: '{parts[i].Trim()}' in '{text}' is not a valid {(typeof(T) == typeof(int) ? "integer" : "number")}");
            }
        }
        return result;
    }

    private static BasisDescription Describe(SpaceGroupSetting s, int k) =>
        k == SpaceGroups.Cutoff ? BasisDescription.FromTable(s.Basis) : BasisDescription.FromBasis(OrbitBasisBuilder.Build(s.Operations(), k));

    private static void WriteJson(Utf8JsonWriter w, SpaceGroupSetting s, BasisDescription d)
    {
        w.WriteStartObject();
        w.WriteNumber("number", s.Number);
        w.WriteString("hm", s.HermannMauguin);
        w.WriteString("hm_setting", s.HermannMauguinSetting);
        w.WriteString("hall", s.Hall);
        w.WriteString("setting", s.Setting);
        w.WriteBoolean("standard", s.IsStandard);
        w.WriteNumber("order", s.Order);
        w.WriteStartArray("operations");
        foreach (var op in s.Operations()) w.WriteStringValue(op.ToXyz());
        w.WriteEndArray();
        w.WriteNumber("cutoff", d.Cutoff);
        w.WriteNumber("closure_size", d.ClosureSize);
        w.WriteStartArray("orbits");
        foreach (var o in d.Orbits)
        {
            w.WriteStartObject();
            w.WriteStartArray("members");
            foreach (var m in o.Members) Triple(w, m.H, m.K, m.L);
            w.WriteEndArray();
            w.WriteStartArray("phases");
            foreach (var p in o.Phases)
            {
                w.WriteStartArray();
                w.WriteNumberValue(p.P);
                w.WriteNumberValue(p.N);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("extinct");
        foreach (var e in d.Extinct) Triple(w, e.H, e.K, e.L);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Triple(Utf8JsonWriter w, int h, int k, int l)
    {
        w.WriteStartArray();
        w.WriteNumberValue(h);
        w.WriteNumberValue(k);
        w.WriteNumberValue(l);
        w.WriteEndArray();
    }

    private static void WriteText(SpaceGroupSetting s, BasisDescription d, TextWriter o)
    {
        o.WriteLine($"{s.HermannMauguin}  No. {s.Number}  setting '{s.Setting}'{(s.IsStandard ? " (ITA standard)" : "")}  Hall '{s.Hall}'  |G| = {s.Order}");
        o.WriteLine($"cutoff {d.Cutoff}: closure {d.ClosureSize} frequencies, {d.Orbits.Count} orbits, {d.Extinct.Count} extinct frequencies");
        foreach (var orbit in d.Orbits)
        {
            var sb = new StringBuilder("  ");
            for (int i = 0; i < orbit.Members.Count; i++)
            {
                var (h, k, l) = orbit.Members[i];
                var (p, n) = orbit.Phases[i];
                if (i > 0) sb.Append("  ");
                sb.Append('(').Append(h).Append(' ').Append(k).Append(' ').Append(l).Append(')');
                if (p != 0) sb.Append("·e(").Append(p).Append('/').Append(n).Append(')');
            }
            o.WriteLine(sb.ToString());
        }
    }
}
