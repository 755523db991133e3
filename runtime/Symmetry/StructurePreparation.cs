using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using CftRuntime.Crystals;
using CftRuntime.Errors;

namespace CftRuntime.Symmetry;

/// <summary>One structure after <see cref="StructurePreparation.PrepareAll"/>: prepared, or the typed reason it is not.</summary>
/// <param name="Prepared">The structure the features and models see (null on failure).</param>
/// <param name="Error">Why it could not be prepared (null on success); its <see cref="CftException.Status"/> is the code every entry point reports.</param>
public readonly record struct PreparationOutcome(PreparedStructure? Prepared, CftException? Error);

/// <summary>
/// The prepare stage of every entry point (<c>cft predict</c>, <c>cft featurize</c>, <c>cft symmetry</c>,
/// <see cref="Inference.CftPredictor"/>, the C ABI): each structure standardised by <see cref="SymmetryFinder.Prepare"/>,
/// or, where its caller states the group, <see cref="SymmetryFinder.Trusted"/>; concurrently (spglib, the costliest
/// stage, runs on every thread); a failure of one structure is its outcome, typed, and never stops the others.
/// Only <see cref="CftException"/>s are outcomes: anything else is a bug and propagates.
/// </summary>
public static class StructurePreparation
{
    /// <summary>Prepares one structure (see the class summary); with <paramref name="reducedCell"/> its Niggli-reduced
    /// primitive cell in P1 (<see cref="SymmetryFinder.ReducedCell"/>: no symmetry analysis).</summary>
    public static PreparationOutcome Prepare(Crystal input, double toleranceAngstrom, bool standardize = true, bool statedGroup = false, bool reducedCell = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            return new(statedGroup ? SymmetryFinder.Trusted(input, toleranceAngstrom)
                : reducedCell ? SymmetryFinder.ReducedCell(input, toleranceAngstrom)
                : SymmetryFinder.Prepare(input, toleranceAngstrom, standardize), null);
        }
        catch (CftException e)
        {
            return new(null, e);
        }
    }

    /// <summary>
    /// Prepares every structure on up to <paramref name="maxDegreeOfParallelism"/> threads; outcome i belongs to input i.
    /// Where <paramref name="statedGroup"/>[i] is true the input's group is the caller's (trusted, never re-detected).
    /// The others with at most <paramref name="reducedCellUpTo"/> positions in their cell get their Niggli-reduced primitive
    /// cell in P1, without symmetry analysis (<see cref="SymmetryFinder.ReducedCell"/>: for models that need none); 0 (the default) = never.
    /// </summary>
    public static PreparationOutcome[] PrepareAll(IReadOnlyList<Crystal> inputs, double toleranceAngstrom, bool standardize = true,
        int maxDegreeOfParallelism = 1, IReadOnlyList<bool>? statedGroup = null, int reducedCellUpTo = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!(toleranceAngstrom > 0) || !double.IsFinite(toleranceAngstrom))
            throw new ArgumentOutOfRangeException(nameof(toleranceAngstrom), toleranceAngstrom, "the tolerance must be a positive number of Å");
        if (statedGroup is not null && statedGroup.Count != inputs.Count)
            throw new ArgumentException($"statedGroup has {statedGroup.Count} entries for {inputs.Count} structures", nameof(statedGroup));
        var outcomes = new PreparationOutcome[inputs.Count];
        Parallel.For(0, inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) },
            i =>
            {
                bool stated = statedGroup is not null && statedGroup[i];
                outcomes[i] = Prepare(inputs[i], toleranceAngstrom, standardize, stated, !stated && reducedCellUpTo > 0 && inputs[i].Sites.Sum(s => s.Multiplicity) <= reducedCellUpTo);
            });
        return outcomes;
    }
}
