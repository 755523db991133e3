using System;

namespace CftRuntime.Io;

/// <summary>A CIF file could not be parsed, or its data do not describe a structure.</summary>
public sealed class CifException : StructureFormatException
{
    /// <summary>Creates the exception; <paramref name="line"/> is 1-based, 0 when unknown.</summary>
    public CifException(string filePath, int line, string problem, Exception? inner = null) : base(filePath, line, problem, inner) { }
}
