using System;

namespace CftRuntime.Io;

/// <summary>A VASP POSCAR/CONTCAR file could not be read.</summary>
public sealed class PoscarException : StructureFormatException
{
    /// <summary>Creates the exception; <paramref name="line"/> is 1-based, 0 when unknown.</summary>
    public PoscarException(string filePath, int line, string problem, Exception? inner = null) : base(filePath, line, problem, inner) { }
}
