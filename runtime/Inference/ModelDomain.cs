using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using CftRuntime.Crystals;

namespace CftRuntime.Inference;

/// <summary>
/// A model's domain of applicability: what its training data span. Read from the model's metadata (<c>cft.elements</c>
/// and the JSON object <c>cft.domain</c> that trainer/cft_train.py writes: <c>atoms_per_primitive_cell</c> [min, max],
/// <c>formula_types</c> (anonymous formulas such as <c>ABC3</c>, or null when too many to list) and
/// <c>novelty_threshold</c>, the validation quantile of the novelty score). <see cref="Check"/> says why a structure
/// is outside it; a prediction for such a structure is marked <see cref="Prediction.InDomain"/> false with that note.
/// </summary>
public sealed class ModelDomain
{
    /// <summary>The metadata key of the domain object.</summary>
    public const string MetadataKey = "cft.domain";

    private readonly HashSet<string>? _formulaTypes;

    private ModelDomain(IReadOnlySet<int> elements, (double Min, double Max)? atoms, HashSet<string>? formulaTypes, double? noveltyThreshold)
    {
        Elements = elements;
        AtomsPerPrimitiveCell = atoms;
        _formulaTypes = formulaTypes;
        NoveltyThreshold = noveltyThreshold;
    }

    /// <summary>Atomic numbers present in the training data.</summary>
    public IReadOnlySet<int> Elements { get; }

    /// <summary>Smallest and largest number of atoms per primitive cell in the training data (null when the model does not say).</summary>
    public (double Min, double Max)? AtomsPerPrimitiveCell { get; }

    /// <summary>The anonymous formulas of the training data (null when the model does not list them).</summary>
    public IReadOnlySet<string>? FormulaTypes => _formulaTypes;

    /// <summary>Novelty score above which a structure counts as unlike the training data (null when the model has no novelty output).</summary>
    public double? NoveltyThreshold { get; }

    /// <summary>Whether the model's metadata describes more than its elements (models of format 1.0 do not).</summary>
    public bool IsDescribed => AtomsPerPrimitiveCell is not null || _formulaTypes is not null || NoveltyThreshold is not null;

    /// <summary>Reads the domain from a model's metadata.</summary>
    /// <exception cref="CftModelException"><c>cft.domain</c> is present but not the documented JSON object.</exception>
    public static ModelDomain FromMetadata(string path, IReadOnlyDictionary<string, string> metadata, IReadOnlySet<int> elements)
    {
        if (!metadata.TryGetValue(MetadataKey, out var json) || json.Length == 0) return new ModelDomain(elements, null, null, null);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            (double, double)? atoms = null;
            if (root.TryGetProperty("atoms_per_primitive_cell", out var a) && a.ValueKind == JsonValueKind.Array)
            {
                if (a.GetArrayLength() != 2) throw new CftModelException($"{path}: metadata '{MetadataKey}': atoms_per_primitive_cell must be [min, max]");
                atoms = (a[0].GetDouble(), a[1].GetDouble());
            }
            HashSet<string>? types = null;
            if (root.TryGetProperty("formula_types", out var t) && t.ValueKind == JsonValueKind.Array)
                types = t.EnumerateArray().Select(e => e.GetString() ?? "").ToHashSet(StringComparer.Ordinal);
            double? threshold = root.TryGetProperty("novelty_threshold", out var n) && n.ValueKind == JsonValueKind.Number ? n.GetDouble() : null;
            return new ModelDomain(elements, atoms, types, threshold);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new CftModelException($"{path}: metadata '{MetadataKey}' is not the JSON object trainer/cft_train.py writes: {e.Message}", e);
        }
    }

    /// <summary>
    /// Why <paramref name="structure"/> (as the model sees it: standardised) is outside the domain, or null when it is
    /// inside. <paramref name="novelty"/> is the model's novelty output for it (null when the model has none).
    /// </summary>
    public string? Check(Crystal structure, double? novelty)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var notes = new List<string>();
        var unseen = structure.Sites.Select(s => s.AtomicNumber).Distinct().Where(z => !Elements.Contains(z)).OrderBy(z => z).ToArray();
        if (unseen.Length > 0) notes.Add($"element{(unseen.Length > 1 ? "s" : "")} {string.Join(", ", unseen.Select(Crystals.Elements.Symbol))} not in the training data");
        if (AtomsPerPrimitiveCell is { } range)
        {
            double atoms = AtomsPerPrimitive(structure);
            if (atoms < range.Min - 1e-6 || atoms > range.Max + 1e-6)
                notes.Add($"{Format(atoms)} atoms per primitive cell; trained on {(range.Min == range.Max ? Format(range.Min) : Format(range.Min) + "–" + Format(range.Max))}");
        }
        if (_formulaTypes is not null)
        {
            string type = FormulaType(structure);
            if (!_formulaTypes.Contains(type))
                notes.Add($"formula type {type}; trained on {string.Join(", ", OrderedFormulaTypes().Take(6))}{(_formulaTypes.Count > 6 ? ", …" : "")}");
        }
        if (NoveltyThreshold is { } limit && novelty is { } score && !(score <= limit))
            notes.Add($"embedding distance {Format(score)} > {Format(limit)} (nearest training structure)");
        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    /// <summary>
    /// One line for people: "5 atoms per primitive cell; formula types A2B3 ABC3 …; embedding distance ≤ 2.47"
    /// (empty for a model that describes only its elements).
    /// </summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (AtomsPerPrimitiveCell is { } atoms)
            parts.Add(atoms.Min == atoms.Max ? $"{Format(atoms.Min)} atoms per primitive cell" : $"{Format(atoms.Min)}–{Format(atoms.Max)} atoms per primitive cell");
        if (_formulaTypes is not null) parts.Add("formula types " + string.Join(" ", OrderedFormulaTypes()));
        if (NoveltyThreshold is double threshold) parts.Add($"embedding distance ≤ {threshold.ToString("G4", CultureInfo.InvariantCulture)}");
        return string.Join("; ", parts);
    }

    private IEnumerable<string> OrderedFormulaTypes() => _formulaTypes!.OrderBy(x => x.Length).ThenBy(x => x, StringComparer.Ordinal);

    /// <summary>
    /// Atoms per primitive cell: the cell's atoms divided by its lattice points, the pure translations among its
    /// operations; for a P1 cell (e.g. <see cref="Symmetry.SymmetryFinder.ReducedCell"/>, or a cell used as given) the
    /// translations that map its atoms onto atoms of the same element and occupancy within
    /// <paramref name="toleranceAngstrom"/> (a supercell counts as its primitive cell, as it would after standardisation).
    /// </summary>
    public static double AtomsPerPrimitive(Crystal structure, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom)
    {
        ArgumentNullException.ThrowIfNull(structure);
        int points = structure.Symmetry.Operations.Count(op => op.R(0, 0) == 1 && op.R(1, 1) == 1 && op.R(2, 2) == 1 && op.R(0, 1) == 0 && op.R(0, 2) == 0 && op.R(1, 0) == 0 && op.R(1, 2) == 0 && op.R(2, 0) == 0 && op.R(2, 1) == 0);
        if (structure.Symmetry.Operations.Count == 1) points = NiggliCell.LatticePointCount(structure.Lattice, structure.Sites, toleranceAngstrom);
        return structure.AtomCount / Math.Max(1, points);
    }

    /// <summary>
    /// The anonymous formula of the composition: amounts sorted ascending, reduced by their greatest common divisor,
    /// written with letters A, B, C, … (<c>ABC3</c> for SrTiO3, <c>AB2</c> for Li2O); <c>partial</c> when an amount is
    /// not whole (partial occupancy). trainer/cft_train.py's <c>formula_type</c> computes the same.
    /// </summary>
    public static string FormulaType(Crystal structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var amounts = structure.Sites.GroupBy(s => s.AtomicNumber).Select(g => g.Sum(s => s.Multiplicity * s.Occupancy)).OrderBy(x => x).ToArray();
        if (amounts.Any(c => Math.Abs(c - Math.Round(c)) > 1e-6)) return "partial";
        var counts = amounts.Select(c => (long)Math.Round(c)).ToArray();
        long divisor = counts.Aggregate(0L, Gcd);
        if (divisor == 0) return "";
        var text = new System.Text.StringBuilder();
        for (int k = 0; k < counts.Length; k++)
        {
            text.Append(k < 26 ? (char)('A' + k) : '?');
            if (counts[k] / divisor > 1) text.Append((counts[k] / divisor).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);

    private static string Format(double x) => Math.Abs(x - Math.Round(x)) < 1e-9 ? ((long)Math.Round(x)).ToString(CultureInfo.InvariantCulture) : x.ToString("0.###", CultureInfo.InvariantCulture);
}
