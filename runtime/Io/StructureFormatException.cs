using System;
using CftRuntime.Errors;

namespace CftRuntime.Io;

/// <summary>
/// A structure file (CIF, POSCAR) could not be read. The message starts with <c>file:line:</c> and says
/// what was expected, e.g. <c>x.cif:12: expected a value after '_cell_length_a'</c>.
/// </summary>
public class StructureFormatException : CftException
{
    /// <summary>Creates the exception; <paramref name="line"/> is 1-based, 0 when unknown.</summary>
    public StructureFormatException(string filePath, int line, string problem, Exception? inner = null)
        : base(CftStatus.Argument, Format(filePath, line, problem), inner)
    {
        FilePath = filePath;
        Line = line;
        Problem = problem;
    }

    /// <summary>The file (or source name) that was being read.</summary>
    public string FilePath { get; }

    /// <summary>1-based line of the problem, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>The message without the <c>file:line:</c> prefix.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int line, string problem) =>
        line > 0 ? $"{filePath}:{line}: {problem}" : $"{filePath}: {problem}";
}
