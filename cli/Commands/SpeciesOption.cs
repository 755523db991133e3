using System;
using System.CommandLine;
using CftRuntime.Crystals;

namespace CftRuntime.Cli.Commands;

/// <summary>The shared <c>--species</c> option: element names for VASP 4 POSCARs that have no species line.</summary>
public static class SpeciesOption
{
    /// <summary>Creates the option.</summary>
    public static Option<string?> Create() => new("--species")
    {
        Description = "Element symbols for VASP 4 POSCAR files without a species line, in the order of their counts line, e.g. Li,La,Ta,O",
    };

    /// <summary>Parses "Li,La,Ta,O"; null when absent; a usage error for an unknown symbol.</summary>
    public static string[]? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var symbols = text.Split(',', StringSplitOptions.TrimEntries);
        foreach (string s in symbols)
            if (!Elements.TryGetAtomicNumber(s, out _)) throw new CliUsageException($"--species: '{s}' is not an element symbol (expected e.g. Li,La,Ta,O)");
        return symbols;
    }
}
