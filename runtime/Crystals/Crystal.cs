using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.Linq;

namespace CftRuntime.Crystals;

/// <summary>An atomic site: element, fractional position, occupancy, label and (for unique sites) Wyckoff multiplicity.</summary>
/// <param name="AtomicNumber">Z, 1..118.</param>
/// <param name="X">Fractional x.</param>
/// <param name="Y">Fractional y.</param>
/// <param name="Z">Fractional z.</param>
/// <param name="Occupancy">Site occupancy in (0, 1].</param>
/// <param name="Label">The file's site label (may be empty).</param>
/// <param name="Multiplicity">Number of positions of this site's orbit in the conventional cell (1 in a full-cell listing).</param>
public sealed record Site(int AtomicNumber, double X, double Y, double Z, double Occupancy = 1.0, string Label = "", int Multiplicity = 1)
{
    /// <summary>Element symbol.</summary>
    public string Element => Elements.Symbol(AtomicNumber);
}

/// <summary>
/// A crystal structure: lattice, the symmetry it is described in, and its unique sites (the asymmetric
/// unit, each with its Wyckoff multiplicity). Immutable.
/// </summary>
public sealed class Crystal
{
    /// <summary>Default tolerance (Å) for merging positions that coincide modulo the lattice.</summary>
    public const double DefaultToleranceAngstrom = 0.01;

    /// <summary>
    /// The most atoms a cell may hold (Σ multiplicity of the sites): beyond it a structure is refused with
    /// <see cref="InvalidStructureException"/> rather than left to run for minutes (the reduction to unique sites grows with
    /// the square of the atoms; symmetry analysis has its own, lower limit, <see cref="CftRuntime.Symmetry.SymmetryFinder.MaxAtomsForSymmetry"/>).
    /// </summary>
    public const int MaxAtomsPerCell = 10_000;

    private static InvalidStructureException TooManyAtoms(long atoms, int? sites) => new(FormattableString.Invariant(
        $"{(sites is { } n ? $"more than {MaxAtomsPerCell:N0} atoms in the cell ({atoms:N0} from the first {n:N0} sites)" : $"{atoms:N0} atoms in the cell")}; the limit is {MaxAtomsPerCell:N0} atoms per cell (Crystal.MaxAtomsPerCell)"));

    /// <summary>
    /// Creates a crystal from unique sites; multiplicities are computed from the symmetry (the sites'
    /// own <see cref="Site.Multiplicity"/> is replaced).
    /// </summary>
    public Crystal(string id, Lattice lattice, CrystalSymmetry symmetry, IEnumerable<Site> uniqueSites, double toleranceAngstrom = DefaultToleranceAngstrom)
    {
        Id = id;
        Lattice = lattice ?? throw new ArgumentNullException(nameof(lattice));
        Symmetry = symmetry ?? throw new ArgumentNullException(nameof(symmetry));
        var sites = new List<Site>();
        long atoms = 0;
        foreach (var s in uniqueSites)
        {
            if (s.AtomicNumber < 1 || s.AtomicNumber > Elements.MaxAtomicNumber) throw new InvalidStructureException($"site '{s.Label}': atomic number {s.AtomicNumber} is not in 1..118");
            if (!double.IsFinite(s.X) || !double.IsFinite(s.Y) || !double.IsFinite(s.Z)) throw new InvalidStructureException($"site '{s.Label}': coordinates must be finite");
            if (!(s.Occupancy > 0 && s.Occupancy <= 1 + 1e-6)) throw new InvalidStructureException($"site '{s.Label}': occupancy {s.Occupancy} is not in (0, 1]");
            var (x, y, z) = (Wrap(s.X), Wrap(s.Y), Wrap(s.Z));
            sites.Add(s with { X = x, Y = y, Z = z, Multiplicity = Orbit(x, y, z, toleranceAngstrom).Count });
            atoms += sites[^1].Multiplicity;
            if (atoms > MaxAtomsPerCell) throw TooManyAtoms(atoms, sites.Count);
        }
        Sites = sites;
    }

    private Crystal(string id, Crystal source)
    {
        Id = id;
        Lattice = source.Lattice;
        Symmetry = source.Symmetry;
        Sites = source.Sites;
        Notes = source.Notes;
    }

    /// <summary>What reading the structure left out or assumed that its user should know (e.g. skipped dummy atoms).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The same structure under another id (sites and multiplicities are not recomputed).</summary>
    public Crystal WithId(string id) => id == Id ? this : new Crystal(id, this);

    /// <summary>Identifier (file name, data block or dataset id).</summary>
    public string Id { get; }

    /// <summary>The lattice.</summary>
    public Lattice Lattice { get; }

    /// <summary>The symmetry the sites are expressed in.</summary>
    public CrystalSymmetry Symmetry { get; }

    /// <summary>Unique sites with their Wyckoff multiplicities.</summary>
    public IReadOnlyList<Site> Sites { get; }

    /// <summary>Number of atoms in the conventional cell (Σ multiplicity × occupancy).</summary>
    public double AtomCount => Sites.Sum(s => s.Multiplicity * s.Occupancy);

    /// <summary>Whether any site is partially occupied.</summary>
    public bool HasPartialOccupancy => Sites.Any(s => s.Occupancy < 1 - 1e-6);

    /// <summary>All positions of the conventional cell: every unique site's orbit, wrapped into [0, 1).</summary>
    public IReadOnlyList<Site> ExpandToCell(double toleranceAngstrom = DefaultToleranceAngstrom)
    {
        var result = new List<Site>();
        foreach (var s in Sites)
            foreach (var (x, y, z) in Orbit(s.X, s.Y, s.Z, toleranceAngstrom))
                result.Add(s with { X = x, Y = y, Z = z, Multiplicity = 1 });
        return result;
    }

    /// <summary>The note <see cref="ToRightHanded"/> adds.</summary>
    public const string LeftHandedNote = "the lattice vectors a, b, c were left-handed: used −a, −b, −c (the same atoms, in P1)";

    /// <summary>
    /// This crystal on a right-handed basis: itself when a·(b×c) &gt; 0; otherwise its full cell in P1 on −a, −b, −c with
    /// every fractional coordinate negated, which leaves each atom's Cartesian position (and so the frame) where it was,
    /// with <see cref="LeftHandedNote"/> added. Every rotation between frames is then proper (POSCARs and ASE cells may be left-handed).
    /// </summary>
    public Crystal ToRightHanded(double toleranceAngstrom = DefaultToleranceAngstrom)
    {
        if (Lattice.IsRightHanded) return this;
        var cell = ExpandToCell(toleranceAngstrom).Select(s => s with { X = -s.X, Y = -s.Y, Z = -s.Z });
        return new Crystal(Id, Lattice.ToRightHanded(), CrystalSymmetry.P1, cell, toleranceAngstrom) { Notes = [.. Notes, LeftHandedNote] };
    }

    /// <summary>
    /// Reduces a full-cell listing to unique sites under <paramref name="symmetry"/>: positions of the same
    /// element and occupancy that are images of each other (within the tolerance, in Å, modulo the
    /// lattice) collapse into one site. Throws when a site's images are missing from the listing.
    /// </summary>
    public static Crystal FromFullCell(string id, Lattice lattice, CrystalSymmetry symmetry, IReadOnlyList<Site> cell, double toleranceAngstrom = DefaultToleranceAngstrom)
    {
        if (cell.Count > MaxAtomsPerCell) throw TooManyAtoms(cell.Count, null);
        var used = new bool[cell.Count];
        var unique = new List<Site>();
        var probe = new Crystal(id, lattice, symmetry, Array.Empty<Site>(), toleranceAngstrom);
        for (int i = 0; i < cell.Count; i++)
        {
            if (used[i]) continue;
            var s = cell[i];
            unique.Add(s);
            foreach (var (x, y, z) in probe.Orbit(Wrap(s.X), Wrap(s.Y), Wrap(s.Z), toleranceAngstrom))
            {
                int match = -1;
                for (int j = 0; j < cell.Count && match < 0; j++)
                    if (!used[j] && cell[j].AtomicNumber == s.AtomicNumber && Math.Abs(cell[j].Occupancy - s.Occupancy) < 1e-6
                        && lattice.WithinDistance(cell[j].X - x, cell[j].Y - y, cell[j].Z - z, toleranceAngstrom))
                        match = j;
                if (match < 0)
                    throw new InvalidStructureException($"site '{s.Label}' ({s.Element} at {s.X:F4} {s.Y:F4} {s.Z:F4}) has an image at ({x:F4} {y:F4} {z:F4}) that is not in the cell listing: the structure does not have symmetry {symmetry}");
                used[match] = true;
            }
        }
        return new Crystal(id, lattice, symmetry, unique, toleranceAngstrom);
    }

    /// <summary>The distinct images of a fractional point under the symmetry, wrapped into [0, 1), merged within the tolerance (Å).</summary>
    public List<(double X, double Y, double Z)> Orbit(double x, double y, double z, double toleranceAngstrom = DefaultToleranceAngstrom)
    {
        var images = new List<(double, double, double)>();
        foreach (var g in Symmetry.Operations)
        {
            g.Apply(x, y, z, out double gx, out double gy, out double gz);
            (gx, gy, gz) = (Wrap(gx), Wrap(gy), Wrap(gz));
            bool seen = false;
            foreach (var (ix, iy, iz) in images)
                if (Lattice.WithinDistance(gx - ix, gy - iy, gz - iz, toleranceAngstrom)) { seen = true; break; }
            if (!seen) images.Add((gx, gy, gz));
        }
        return images;
    }

    private static double Wrap(double v)
    {
        double w = v - Math.Floor(v);
        return w >= 1 ? 0 : w;
    }
}
