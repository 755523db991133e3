using System;
using System.CommandLine;
using System.IO;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft groups [FILTER]</c>: the settings of spacegroups.json, optionally filtered.</summary>
public static class GroupsCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var filter = new Argument<string?>("filter")
        {
            Description = "An IT number (all its settings), a crystal system (e.g. cubic), or part of a symbol (e.g. Fd-3m, P21)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("groups", "List the space-group settings compiled into the tables") { filter };
        command.SetAction(r => Run(r.GetValue(filter), Console.Out));
        return command;
    }

    /// <summary>Writes one line per matching setting; exit code 2 when nothing matches.</summary>
    public static int Run(string? filter, TextWriter output)
    {
        var all = SpaceGroups.All;
        if (!string.IsNullOrWhiteSpace(filter))
        {
            string f = filter.Trim();
            string key = SpaceGroupSymbol.NormalizeHermannMauguin(f);
            all = int.TryParse(f, out int number)
                ? all.Where(s => s.Number == number)
                : all.Where(s => s.CrystalSystem.Equals(f, StringComparison.OrdinalIgnoreCase)
                              || SpaceGroupSymbol.NormalizeHermannMauguin(s.HermannMauguin).Contains(key, StringComparison.Ordinal)
                              || SpaceGroupSymbol.NormalizeHermannMauguin(s.HermannMauguinSetting).Contains(key, StringComparison.Ordinal));
        }
        var rows = all.ToList();
        if (rows.Count == 0) throw new CliUsageException($"no setting matches '{filter}'");
        output.WriteLine($"{"No.",4}  {"symbol",-10} {"setting",-8} {"full symbol",-22} {"Hall",-18} {"|G|",4}  system");
        foreach (var s in rows)
            output.WriteLine($"{s.Number,4}  {s.HermannMauguin,-10} {(s.Setting.Length == 0 ? "-" : s.Setting),-8} {s.HermannMauguinSetting,-22} {s.Hall,-18} {s.Order,4}  {s.CrystalSystem}{(s.IsStandard ? " (ITA standard)" : "")}");
        output.WriteLine($"{rows.Count} settings; use 'NUMBER:SETTING' (e.g. {rows[^1].Number}:{(rows[^1].Setting.Length == 0 ? "…" : rows[^1].Setting)}) or the full symbol to select one");
        return 0;
    }
}
