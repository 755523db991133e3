using System;

namespace CftRuntime.Errors;

/// <summary>
/// The base of every exception CftRuntime throws for bad input, a missing dependency or a model that cannot be used:
/// it carries the <see cref="CftStatus"/> that the C ABI returns and the CLI turns into its exit code. Argument
/// exceptions (<see cref="ArgumentException"/> and its kind) are thrown only for programming errors (a null, a count
/// that does not match, an option out of range) and are never caught as a failure of one structure.
/// </summary>
public abstract class CftException : Exception
{
    /// <summary>Creates the exception with its status code.</summary>
    protected CftException(CftStatus status, string message, Exception? inner = null) : base(message, inner) => Status = status;

    /// <summary>The status code (never <see cref="CftStatus.Ok"/>).</summary>
    public CftStatus Status { get; }
}

/// <summary>
/// A structure whose data cannot describe a crystal: a cell with zero volume or non-finite numbers, an atomic number
/// out of range, an occupancy outside (0, 1], symmetry operations that do not form a space group, more atoms than
/// <see cref="Crystals.Crystal.MaxAtomsPerCell"/>. Status <see cref="CftStatus.Argument"/>.
/// </summary>
public sealed class InvalidStructureException(string message, Exception? inner = null) : CftException(CftStatus.Argument, message, inner);
