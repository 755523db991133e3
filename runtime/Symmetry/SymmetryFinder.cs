using System;
using CftRuntime.Errors;
using System.Linq;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using CftRuntime.Crystals;
using CftRuntime.Tables;

namespace CftRuntime.Symmetry;

/// <summary>The space group of a structure and the structure standardised to the group's ITA standard setting.</summary>
/// <param name="Number">International Tables number, 1..230.</param>
/// <param name="HermannMauguin">Short Hermann–Mauguin symbol as spglib reports it (e.g. <c>Fd-3m</c>).</param>
/// <param name="Setting">The catalogue setting of the standardised crystal: always <c>SpaceGroups.Standard(Number)</c>.</param>
/// <param name="Crystal">
/// The standardised conventional cell (spglib's idealised <c>std_lattice</c>, rows a, b, c in Å, and
/// symmetrised positions) reduced to unique sites with Wyckoff multiplicities in <paramref name="Setting"/>. Among
/// the images of spglib's standard cell under the group's proper Euclidean normalizer (other origins with the
/// same site symmetry, metric-preserving axis changes, shifts along polar axes) one is chosen by a fixed
/// rule, so the same structure given with another origin, basis or setting gives the same cell and features.
/// </param>
/// <param name="Frame">The rotation from the input's Cartesian frame to the model frame: <paramref name="Crystal"/>'s cell with
/// a along x and b in the xy plane (spglib's rotation to its idealised cell, then the normalizer image's, then the
/// re-orientation). Tensor properties are predicted in the model frame and turned back with it.</param>
/// <param name="StandardFrame">The rotation from the input's Cartesian frame to spglib's standard orientation of the
/// conventional cell (a along x, b in the xy plane) before the normalizer image is chosen: the frame Materials Project
/// gives its tensors in. Differs from <paramref name="Frame"/> by the normalizer image's rotation.</param>
public sealed record SymmetryResult(int Number, string HermannMauguin, SpaceGroupSetting Setting, Crystal Crystal, FrameRotation Frame, FrameRotation StandardFrame);

/// <summary>The structure a command featurizes or predicts from, after <see cref="SymmetryFinder.Prepare"/>.</summary>
/// <param name="Crystal">The standardised structure (or the input, where the policy keeps it).</param>
/// <param name="HermannMauguin">Short Hermann–Mauguin symbol of its space group.</param>
/// <param name="Note">What the user should know about how it was obtained (null when nothing): a subgroup or
/// non-standard setting that was standardised, or a fallback to the file's own setting.</param>
/// <param name="Frame">The rotation from the input's Cartesian frame to the model frame (<see cref="SymmetryResult.Frame"/>).</param>
/// <param name="StandardFrame">The rotation from the input's Cartesian frame to the standard orientation of its conventional
/// cell before the normalizer image (<see cref="SymmetryResult.StandardFrame"/>).</param>
/// <param name="IsReducedCell">True when <paramref name="Crystal"/> is the Niggli-reduced primitive cell in P1 (<see cref="SymmetryFinder.ReducedCell"/>).</param>
public sealed record PreparedStructure(Crystal Crystal, string HermannMauguin, string? Note, FrameRotation Frame, FrameRotation StandardFrame, bool IsReducedCell = false);

/// <summary>spglib's C library (libsymspg) could not be loaded.</summary>
public sealed class SymmetryFinderUnavailableException(string message) : CftException(CftStatus.Symmetry, message);

/// <summary>spglib found no space group (or could not standardise) for a structure at the given tolerance.</summary>
public class SymmetryNotFoundException(string message, Exception? inner = null) : CftException(CftStatus.Symmetry, message, inner);

/// <summary>Two whole atoms (occupancy 1) closer than the tolerance: the description is wrong, not disordered.</summary>
public sealed class OverlappingAtomsException(string message, Exception? inner = null) : SymmetryNotFoundException(message, inner);

/// <summary>
/// Finds the space group of a structure with spglib and standardises it to the ITA standard setting of
/// <c>spacegroups.json</c> (origin choice 2, hexagonal axes for R groups, unique axis b). Needs spglib's C
/// library at run time (Debian/Ubuntu: <c>apt-get install libsymspg1</c>; found as libsymspg.so.1, libsymspg.so or
/// symspg, or at the path in the environment variable <c>CFT_SPGLIB</c>). The methods are safe to call from several
/// threads, and spglib runs concurrently on them (only reading the error code of a failure is exclusive).
/// </summary>
public static class SymmetryFinder
{
    // spglib 2.0.2 has one piece of mutable global state on the spg_get_dataset path: the error code, a process-wide
    // variable that every call writes (src/spglib.c: `static SpglibError spglib_error_code`, set by every public
    // function; Debian's source tarball is not served here, so the rest was checked on the binary: libsymspg.so.2.0.2
    // disassembled has no TLS segment and touches no other writable static; OpenMP only in the k-point functions).
    // So datasets are computed concurrently (read lock), and the code of a failure is read by repeating the failed
    // call alone (write lock): no other call can overwrite it.
    private static readonly System.Threading.ReaderWriterLockSlim ErrorCodeGate = new(System.Threading.LockRecursionPolicy.NoRecursion);

    /// <summary>
    /// The most atoms a cell given to spglib may hold: beyond it <see cref="Standardize"/> refuses the structure at once
    /// rather than stall a run. Measured with <c>cft symmetry</c> on random P1 cells (Si/O, 20 Å³ per atom, one core, whole
    /// process): 1,000 atoms 1.7 s, 2,000 atoms 5.7 s, 5,000 atoms 35 s; a 768-atom supercell with pairs of atoms 0.02 Å
    /// apart (just above the tolerance) 0.14 s.
    /// </summary>
    public const int MaxAtomsForSymmetry = 2_000;

    /// <summary>Per IT number: whether spglib's default setting (the smallest Hall number of the type) is the catalogue's standard.</summary>
    private static readonly bool[] SpglibDefaultIsStandard = BuildDefaultIsStandard();

    private static bool[] BuildDefaultIsStandard()
    {
        var smallest = new int[231];
        foreach (var s in SpaceGroups.All)
            if (smallest[s.Number] == 0 || s.HallNumber < smallest[s.Number]) smallest[s.Number] = s.HallNumber;
        var result = new bool[231];
        for (int n = 1; n <= 230; n++) result[n] = SpaceGroups.Standard(n).HallNumber == smallest[n];
        return result;
    }
    /// <summary>
    /// spglib's standard cell in its default setting (origin choice 1 for the 24 groups with two origins) moved to the
    /// catalogue's standard setting (origin choice 2) by the exact origin shift between the two settings: the same cell
    /// a second spglib call with the standard's Hall number gives, without that call (which repeats the whole search).
    /// Null when the default setting is not in the catalogue or no shift in 24ths relates the two (then the call is made).
    /// </summary>
    private static Raw? ToStandardOrigin(Raw detected, SpaceGroupSetting standard)
    {
        if (NormalizerCanonicalizer.OriginShift(detected.HallNumber, standard) is not { } t) return null;
        var shifted = (double[])detected.StdPositions.Clone();
        for (int i = 0; i < shifted.Length; i++)
        {
            double x = shifted[i] + t[i % 3] / 24.0;
            shifted[i] = x - Math.Floor(x);
        }
        return detected with { HallNumber = standard.HallNumber, StdPositions = shifted };
    }

    private static readonly Lazy<string?> LoadError = new(() => SpglibNative.TryLoad(out string? e) ? null : e ?? "unknown error");

    /// <summary>Whether spglib's C library can be loaded.</summary>
    public static bool IsAvailable => LoadError.Value is null;

    /// <summary>
    /// Detects the space group of <paramref name="input"/> (any symmetry: it is expanded to its full cell
    /// first) at <paramref name="toleranceAngstrom"/> (spglib's <c>symprec</c>, Å) and returns it with the
    /// structure standardised to the group's ITA standard setting. Sites with the same element but
    /// different occupancies count as different species.
    /// </summary>
    /// <exception cref="SymmetryFinderUnavailableException">libsymspg cannot be loaded.</exception>
    /// <exception cref="SymmetryNotFoundException">spglib fails on this structure (e.g. atoms too close).</exception>
    /// <exception cref="InvalidStructureException">The cell holds more than <see cref="MaxAtomsForSymmetry"/> atoms.</exception>
    public static SymmetryResult Standardize(Crystal input, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!(toleranceAngstrom > 0) || !double.IsFinite(toleranceAngstrom))
            throw new ArgumentOutOfRangeException(nameof(toleranceAngstrom), toleranceAngstrom, "the tolerance must be a positive number of Å");
        EnsureAvailable();
        input = input.ToRightHanded(toleranceAngstrom);

        var cell = input.ExpandToCell(toleranceAngstrom);
        if (cell.Count == 0) throw new SymmetryNotFoundException("the structure has no sites");
        if (cell.Count > MaxAtomsForSymmetry)
            throw new InvalidStructureException(FormattableString.Invariant(
                $"{cell.Count:N0} atoms in the cell; symmetry analysis takes at most {MaxAtomsForSymmetry:N0} (SymmetryFinder.MaxAtomsForSymmetry: spglib's time grows faster than the square of the atoms, 35 s at 5,000)"));
        // Species = distinct (element, occupancy) pairs.
        var species = new List<(int Z, double Occupancy)>();
        var types = new int[cell.Count];
        var positions = new double[3 * cell.Count];
        for (int i = 0; i < cell.Count; i++)
        {
            var s = cell[i];
            int t = species.FindIndex(p => p.Z == s.AtomicNumber && Math.Abs(p.Occupancy - s.Occupancy) < 1e-6);
            if (t < 0) { t = species.Count; species.Add((s.AtomicNumber, s.Occupancy)); }
            types[i] = t;
            (positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]) = (s.X, s.Y, s.Z);
        }
        var lattice = new double[9];
        for (int v = 0; v < 3; v++)
            for (int axis = 0; axis < 3; axis++)
                lattice[3 * axis + v] = input.Lattice[v, axis]; // spglib: basis vectors are columns

        Raw detected, standard;
        try
        {
            detected = Call(lattice, positions, types, 0, toleranceAngstrom);
            // spglib's own standard cell is in its default setting (the smallest Hall number of the type); a second
            // call is needed only where the catalogue's standard differs (origin choice 2).
            var setting = SpaceGroups.Standard(detected.Number);
            standard = SpglibDefaultIsStandard[detected.Number] ? detected : ToStandardOrigin(detected, setting)
                ?? Call(lattice, positions, types, setting.HallNumber, toleranceAngstrom);
        }
        catch (SymmetryNotFoundException e) when (ClosestPair(input.Lattice, cell, toleranceAngstrom) is { } pair
                                                  && cell[pair.I].Occupancy >= 1 - 1e-6 && cell[pair.J].Occupancy >= 1 - 1e-6)
        {
            var (i, j, d) = pair;
            throw new OverlappingAtomsException(FormattableString.Invariant(
                $"atoms overlap in the cell: {Describe(cell[i])} and {Describe(cell[j])} are {d:G3} Å apart (tolerance {toleranceAngstrom} Å) after the symmetry operations are applied; a site listed twice, disordered alternatives without their occupancies, or symmetry operations that do not belong to this cell? ({e.Message})"), e);
        }
        var target = SpaceGroups.Standard(detected.Number);
        if (standard != detected && (standard.Number != detected.Number || standard.HallNumber != target.HallNumber))
            throw new SymmetryNotFoundException($"spglib standardised to Hall number {standard.HallNumber} (No. {standard.Number}), expected {target.HallNumber} (No. {detected.Number})");

        var rows = new double[9];
        for (int v = 0; v < 3; v++)
            for (int axis = 0; axis < 3; axis++)
                rows[3 * v + axis] = standard.StdLattice[3 * axis + v];
        var stdLattice = Lattice.FromVectors(rows);
        var stdCell = new Site[standard.StdTypes.Length];
        for (int i = 0; i < stdCell.Length; i++)
        {
            var (z, occupancy) = species[standard.StdTypes[i]];
            stdCell[i] = new Site(z, standard.StdPositions[3 * i], standard.StdPositions[3 * i + 1], standard.StdPositions[3 * i + 2], occupancy, Elements.Symbol(z));
        }
        stdCell = NormalizerCanonicalizer.Canonicalize(stdLattice, target, stdCell, out int[] normalizerW);
        // Input frame → spglib's idealised frame → the normalizer image (W turns the structure within that frame) → a along x.
        var spglibFrame = FrameRotation.FromMatrix(standard.StdRotation);
        var frame = FrameRotation.ToStandardOrientation(stdLattice).After(FrameRotation.OfFractional(stdLattice, normalizerW)).After(spglibFrame);
        var standardFrame = FrameRotation.ToStandardOrientation(stdLattice).After(spglibFrame);
        Crystal crystal;
        try
        {
            crystal = Crystal.FromFullCell(input.Id, stdLattice, CrystalSymmetry.FromSetting(target), stdCell, toleranceAngstrom);
        }
        catch (InvalidStructureException e)
        {
            throw new SymmetryNotFoundException($"spglib's standardised cell does not reduce in {target}: {e.Message}");
        }
        return new SymmetryResult(detected.Number, detected.Symbol, target, crystal, frame, standardFrame);
    }

    /// <summary>
    /// The structure the features and models must see: <paramref name="input"/> standardised to the ITA standard
    /// setting of its true space group (<see cref="Standardize"/>). The one policy of every command:
    /// <list type="bullet">
    /// <item>without spglib, an input already in a catalogue standard setting other than P1 is kept as it is
    /// (<see cref="PreparedStructure.Note"/> says so); any other input throws <see cref="SymmetryFinderUnavailableException"/>;</item>
    /// <item>when spglib refuses a structure that states a standard non-P1 setting (typically disorder: alternative
    /// sites closer than the tolerance) that setting is kept, with a note;</item>
    /// <item>when a file's own non-P1 symmetry was a subgroup or a non-standard setting, the note says what it became.</item>
    /// </list>
    /// With <paramref name="standardize"/> false the input is returned unchanged.
    /// </summary>
    /// <exception cref="SymmetryFinderUnavailableException">libsymspg cannot be loaded and the input needs it.</exception>
    /// <exception cref="SymmetryNotFoundException">spglib fails and the input has no standard setting to fall back on.</exception>
    public static PreparedStructure Prepare(Crystal input, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom, bool standardize = true)
    {
        ArgumentNullException.ThrowIfNull(input);
        input = input.ToRightHanded(toleranceAngstrom);
        var prepared = PrepareCore(input, toleranceAngstrom, standardize);
        // What reading left out or assumed (dummy atoms, Cartesian coordinates) comes first.
        return ReadNotes(input) is { } read ? prepared with { Note = prepared.Note is null ? read : read + "; " + prepared.Note } : prepared;
    }

    /// <summary>
    /// A structure whose caller states its group: <paramref name="input"/> must be in a catalogue standard setting
    /// (unique sites); it is trusted, never re-detected, and only brought to the canonical image among the
    /// descriptions its setting's normalizer relates (the one <see cref="Standardize"/> would also give), so that
    /// equivalent descriptions get the same features. No spglib call.
    /// </summary>
    /// <exception cref="InvalidStructureException">The input is not in a catalogue standard setting.</exception>
    public static PreparedStructure Trusted(Crystal input, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!input.Lattice.IsRightHanded)
            throw new InvalidStructureException("a stated group needs a right-handed basis a, b, c (a·(b×c) > 0): these lattice vectors are left-handed");
        if (input.Symmetry.Setting is not { IsStandard: true } setting)
            throw new InvalidStructureException($"a stated group needs the structure in the ITA standard setting of that group, got {input.Symmetry}");
        var cell = NormalizerCanonicalizer.Canonicalize(input.Lattice, setting, input.ExpandToCell(toleranceAngstrom).ToArray(), out int[] w);
        var crystal = Crystal.FromFullCell(input.Id, input.Lattice, input.Symmetry, cell, toleranceAngstrom);
        var standardFrame = FrameRotation.ToStandardOrientation(input.Lattice);
        var frame = standardFrame.After(FrameRotation.OfFractional(input.Lattice, w));
        return new PreparedStructure(crystal, setting.HermannMauguin, ReadNotes(input), frame, standardFrame);
    }

    /// <summary>The note of a structure prepared without symmetry analysis (<see cref="ReducedCell"/>).</summary>
    public const string ReducedCellNote = "its Niggli-reduced primitive cell, in P1: the models need no symmetry analysis";

    /// <summary>
    /// <paramref name="input"/>'s Niggli-reduced primitive cell in P1 (every atom its own site; <see cref="NiggliCell.Of"/>),
    /// found without symmetry analysis: for models whose output depends only on the crystal, not on the cell it is given
    /// in (<see cref="Inference.CftModel.NeedsSymmetry"/> false). Any cell of a crystal (a supercell, another basis or
    /// origin) gives the same reduced cell. No spglib call; fully occupied atoms closer than the tolerance fail as they
    /// would in <see cref="Standardize"/>.
    /// </summary>
    /// <exception cref="OverlappingAtomsException">Two fully occupied atoms of the cell are closer than the tolerance.</exception>
    /// <exception cref="InvalidStructureException">The cell's translations do not form a lattice at this tolerance.</exception>
    public static PreparedStructure ReducedCell(Crystal input, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom)
    {
        ArgumentNullException.ThrowIfNull(input);
        input = input.ToRightHanded(toleranceAngstrom);
        var cell = input.ExpandToCell(toleranceAngstrom);
        if (ClosestPair(input.Lattice, cell, toleranceAngstrom) is { } close && cell[close.I].Occupancy >= 1 - 1e-6 && cell[close.J].Occupancy >= 1 - 1e-6)
            throw new OverlappingAtomsException(FormattableString.Invariant(
                $"atoms overlap in the cell: {Describe(cell[close.I])} and {Describe(cell[close.J])} are {close.Distance:G3} Å apart (tolerance {toleranceAngstrom} Å); a site listed twice, or symmetry operations that do not belong to this cell?"));
        var (lattice, sites) = NiggliCell.Of(input.Lattice, cell, toleranceAngstrom);
        var crystal = new Crystal(input.Id, lattice, CrystalSymmetry.P1, sites, toleranceAngstrom);
        var frame = FrameRotation.ToStandardOrientation(lattice);
        string? read = ReadNotes(input);
        return new PreparedStructure(crystal, "P1", read is null ? ReducedCellNote : read + "; " + ReducedCellNote, frame, frame, IsReducedCell: true);
    }

    private static string? ReadNotes(Crystal input) => input.Notes.Count > 0 ? string.Join("; ", input.Notes) : null;

    private static PreparedStructure PrepareCore(Crystal input, double toleranceAngstrom, bool standardize)
    {
        var ownFrame = FrameRotation.ToStandardOrientation(input.Lattice);
        if (!standardize) return new PreparedStructure(input, input.Symmetry.Setting?.HermannMauguin ?? input.Symmetry.ToString(), null, ownFrame, ownFrame);
        bool ownStandard = input.Symmetry.Setting is { IsStandard: true, Number: > 1 };
        if (!IsAvailable && ownStandard)
            return new PreparedStructure(input, input.Symmetry.Setting!.Value.HermannMauguin,
                $"spglib is not installed; used the file's own setting {input.Symmetry.Setting} without checking for higher symmetry", ownFrame, ownFrame);
        SymmetryResult result;
        try
        {
            result = Standardize(input, toleranceAngstrom); // keeps the input's id
        }
        catch (SymmetryNotFoundException e) when (ownStandard && e is not OverlappingAtomsException)
        {
            return new PreparedStructure(input, input.Symmetry.Setting!.Value.HermannMauguin, $"{e.Message}; used the file's own standard setting {input.Symmetry.Setting}", ownFrame, ownFrame);
        }
        string? note = input.Symmetry.Number > 1 && !Equals(input.Symmetry.Setting, result.Crystal.Symmetry.Setting)
            ? $"described in {input.Symmetry}; used its standardised cell in {result.Setting}"
            : null;
        return new PreparedStructure(result.Crystal, result.HermannMauguin, note, result.Frame, result.StandardFrame);
    }

    /// <summary>The closest two atoms of the cell when they are closer than the tolerance (a periodic distance, Å), else null.</summary>
    private static (int I, int J, double Distance)? ClosestPair(Lattice lattice, IReadOnlyList<Site> cell, double toleranceAngstrom)
    {
        (int, int, double)? best = null;
        for (int i = 0; i < cell.Count; i++)
            for (int j = i + 1; j < cell.Count; j++)
            {
                double d = lattice.PeriodicDistance(cell[j].X - cell[i].X, cell[j].Y - cell[i].Y, cell[j].Z - cell[i].Z);
                if (d < toleranceAngstrom && (best is null || d < best.Value.Item3)) best = (i, j, d);
            }
        return best;
    }

    private static string Describe(Site s) => FormattableString.Invariant(
        $"{s.Element}{(s.Label.Length > 0 && s.Label != s.Element ? $" (site {s.Label})" : "")} at ({s.X:0.####}, {s.Y:0.####}, {s.Z:0.####})");

    /// <summary>Throws <see cref="SymmetryFinderUnavailableException"/> when libsymspg cannot be loaded.</summary>
    public static void EnsureAvailable()
    {
        if (LoadError.Value is { } error)
            throw new SymmetryFinderUnavailableException(
                $"spglib's C library (libsymspg) could not be loaded ({error}); install it, e.g. 'apt-get install libsymspg1' on Debian/Ubuntu, or put libsymspg.so on the library path or its path in CFT_SPGLIB");
    }

    private static unsafe SpglibDataset* Dataset(double* lattice, double* positions, int* types, int count, int hallNumber, double symprec) =>
        hallNumber == 0
            ? SpglibNative.spg_get_dataset(lattice, positions, types, count, symprec)
            : SpglibNative.spg_get_dataset_with_hall_number(lattice, positions, types, count, hallNumber, symprec);

    private sealed record Raw(int Number, int HallNumber, string Symbol, double[] StdLattice, int[] StdTypes, double[] StdPositions, double[] StdRotation);

    private static unsafe Raw Call(double[] lattice, double[] positions, int[] types, int hallNumber, double symprec)
    {
        fixed (double* l = lattice)
        fixed (double* p = positions)
        fixed (int* t = types)
        {
            SpglibDataset* d = null;
            try
            {
                ErrorCodeGate.EnterReadLock();
                try { d = Dataset(l, p, t, types.Length, hallNumber, symprec); }
                finally { ErrorCodeGate.ExitReadLock(); }
                if (d == null || d->SpacegroupNumber < 1 || d->SpacegroupNumber > 230)
                {
                    int code;
                    ErrorCodeGate.EnterWriteLock();
                    try
                    {
                        if (d != null) { SpglibNative.spg_free_dataset(d); d = null; }
                        d = Dataset(l, p, t, types.Length, hallNumber, symprec);
                        code = SpglibNative.spg_get_error_code();
                    }
                    finally { ErrorCodeGate.ExitWriteLock(); }
                    string message = Marshal.PtrToStringUTF8((IntPtr)SpglibNative.spg_get_error_message(code)) ?? $"error {code}";
                    throw new SymmetryNotFoundException($"spglib found no space group at tolerance {symprec} Å: {message}");
                }
                int n = d->NStdAtoms;
                var stdTypes = new int[n];
                var stdPositions = new double[3 * n];
                new ReadOnlySpan<int>(d->StdTypes, n).CopyTo(stdTypes);
                new ReadOnlySpan<double>(d->StdPositions, 3 * n).CopyTo(stdPositions);
                var stdLattice = new double[9];
                var stdRotation = new double[9];
                for (int i = 0; i < 9; i++) (stdLattice[i], stdRotation[i]) = (d->StdLattice[i], d->StdRotationMatrix[i]);
                string symbol = Marshal.PtrToStringUTF8((IntPtr)d->InternationalSymbol)?.Trim() ?? "";
                return new Raw(d->SpacegroupNumber, d->HallNumber, symbol, stdLattice, stdTypes, stdPositions, stdRotation);
            }
            finally
            {
                if (d != null) SpglibNative.spg_free_dataset(d);
            }
        }
    }
}
