using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Errors;

namespace CftRuntime.Io;

/// <summary>One input structure, or the reason it could not be read.</summary>
/// <param name="Id">Identifier: file name (and data block), CSV material_id or row number, or the id of id_prop.csv.</param>
/// <param name="Source">Where it came from (path, or path:row for a CSV).</param>
/// <param name="Crystal">The structure, or null when reading failed.</param>
/// <param name="Failure">Why reading failed, typed (a <see cref="StructureFormatException"/> whose message names file,
/// line and what was expected), or null.</param>
/// <param name="Targets">Property values given with the input (CSV columns or id_prop.csv), by name.</param>
public sealed record StructureRecord(string Id, string Source, Crystal? Crystal, CftException? Failure, IReadOnlyDictionary<string, double> Targets)
{
    /// <summary>The message of <see cref="Failure"/>, or null.</summary>
    public string? Error => Failure?.Message;

    /// <summary>The status of <see cref="Failure"/> (<see cref="CftStatus.Ok"/> when the structure was read).</summary>
    public CftStatus Status => Failure?.Status ?? CftStatus.Ok;
}

/// <summary>
/// Streams structures from what users point at: CIF files (every data block), POSCAR/CONTCAR files,
/// directories (recursively, CIF and POSCAR files; a folder with id_prop.csv is read in the CGCNN layout `&lt;id&gt;.cif`),
/// and CSV files with a `cif` column (id = `material_id` when present, else the 1-based row number;
/// other numeric columns become targets). Lazy: one structure in memory at a time.
/// </summary>
public static class StructureSource
{
    private static readonly Dictionary<string, double> NoTargets = new();

    /// <summary>
    /// Enumerates every structure under the given paths, in order. <paramref name="poscarSpecies"/> names the
    /// elements of VASP 4 POSCARs that have no species line, in the order of their counts line.
    /// </summary>
    public static IEnumerable<StructureRecord> Enumerate(IEnumerable<string> paths, IReadOnlyList<string>? poscarSpecies = null)
    {
        foreach (string path in paths)
            foreach (var record in EnumeratePath(path, poscarSpecies))
                yield return record;
    }

    private static IEnumerable<StructureRecord> EnumeratePath(string path, IReadOnlyList<string>? poscarSpecies)
    {
        if (Directory.Exists(path))
        {
            string idProp = Path.Combine(path, "id_prop.csv");
            if (File.Exists(idProp))
            {
                foreach (var r in EnumerateIdProp(path, idProp)) yield return r;
                yield break;
            }
            var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => IsCif(f) || IsPoscar(f))
                .OrderBy(f => f, StringComparer.Ordinal);
            foreach (string f in files)
                foreach (var r in EnumerateFile(f, poscarSpecies)) yield return r;
            yield break;
        }
        if (!File.Exists(path))
        {
            yield return Failed(Path.GetFileName(path), path, new StructureFormatException(path, 0, "no such file or directory"));
            yield break;
        }
        foreach (var r in EnumerateFile(path, poscarSpecies)) yield return r;
    }

    private static IEnumerable<StructureRecord> EnumerateFile(string path, IReadOnlyList<string>? poscarSpecies)
    {
        if (IsCsv(path))
        {
            foreach (var r in EnumerateCsv(path)) yield return r;
            yield break;
        }
        if (IsPoscar(path) && !IsCif(path))
        {
            yield return Guard(Path.GetFileName(path), path, () => new[] { PoscarReader.Read(path, poscarSpecies) }).Single();
            yield break;
        }
        foreach (var r in Guard(Path.GetFileNameWithoutExtension(path), path, () => CifReader.ReadCrystals(path))) yield return r;
    }

    private static IEnumerable<StructureRecord> EnumerateCsv(string path)
    {
        using var reader = new StreamReader(path);
        var csv = new CsvReader(reader, path);
        string[]? header;
        StructureFormatException? headerError = null;
        try { header = csv.ReadRecord(); }
        catch (StructureFormatException e) { header = null; headerError = e; }
        int cif = header is null ? -1 : Array.FindIndex(header, h => h.Trim().Equals("cif", StringComparison.OrdinalIgnoreCase));
        if (header is null || cif < 0)
        {
            yield return Failed(Path.GetFileName(path), path, headerError ?? new StructureFormatException(path, 1, "expected a header with a 'cif' column"));
            yield break;
        }
        int idColumn = Array.FindIndex(header, h => h.Trim().Equals("material_id", StringComparison.OrdinalIgnoreCase));
        int row = 0;
        while (true)
        {
            string[]? fields;
            StructureFormatException? error = null;
            int line = csv.Line; // where the next record starts
            try { fields = csv.ReadRecord(); }
            catch (StructureFormatException e) { fields = null; error = e; }
            if (error is not null)
            {
                yield return Failed($"row {row + 1}", path, error);
                yield break;
            }
            if (fields is null) yield break;
            row++;
            string id = idColumn >= 0 && idColumn < fields.Length && fields[idColumn].Length > 0 ? fields[idColumn] : row.ToString(CultureInfo.InvariantCulture);
            string source = $"{path}:{line}";
            if (cif >= fields.Length)
            {
                yield return Failed(id, source, new StructureFormatException(source, 0, $"row {row} has {fields.Length} fields, expected a 'cif' value in column {cif + 1}"));
                continue;
            }
            var targets = new Dictionary<string, double>();
            for (int c = 0; c < Math.Min(header.Length, fields.Length); c++)
                if (c != cif && c != idColumn && header[c].Length > 0 && double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                    targets[header[c].Trim()] = v;
            var record = Guard(id, source, () => CifReader.ParseCrystals(fields[cif], source)).First();
            yield return record with { Id = id, Crystal = record.Crystal?.WithId(id), Targets = targets };
        }
    }

    private static IEnumerable<StructureRecord> EnumerateIdProp(string folder, string idProp)
    {
        int row = 0;
        foreach (var fields in CsvReader.ReadFile(idProp))
        {
            row++;
            if (fields.Length == 0 || fields[0].Trim().Length == 0) continue;
            string id = fields[0].Trim();
            var targets = new Dictionary<string, double>();
            if (fields.Length > 1 && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) targets["value"] = v;
            string file = Path.Combine(folder, id + ".cif");
            if (!File.Exists(file))
            {
                if (row == 1) continue; // a header line such as "id,target"
                yield return Failed(id, idProp, new StructureFormatException(idProp, row, $"structure file {id}.cif not found in {folder}"));
                continue;
            }
            var record = Guard(id, file, () => CifReader.ReadCrystals(file)).First();
            yield return record with { Id = id, Crystal = record.Crystal?.WithId(id), Targets = targets };
        }
    }

    private static IEnumerable<StructureRecord> Guard(string id, string source, Func<IReadOnlyList<Crystal>> read)
    {
        IReadOnlyList<Crystal> crystals;
        try { crystals = read(); }
        catch (StructureFormatException e)
        {
            return new[] { Failed(id, source, e) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new[] { Failed(id, source, new StructureFormatException(source, 0, e.Message, e)) };
        }
        if (crystals.Count == 0) return new[] { Failed(id, source, new StructureFormatException(source, 0, "no structure (no data block with atom sites)")) };
        return crystals.Select(c => new StructureRecord(c.Id, source, c, null, NoTargets));
    }

    private static StructureRecord Failed(string id, string source, CftException failure) => new(id, source, null, failure, NoTargets);

    private static bool IsCif(string f) => f.EndsWith(".cif", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".mcif", StringComparison.OrdinalIgnoreCase);

    private static bool IsCsv(string f) => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    private static bool IsPoscar(string f)
    {
        string name = Path.GetFileName(f);
        return name.StartsWith("POSCAR", StringComparison.OrdinalIgnoreCase) || name.StartsWith("CONTCAR", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".vasp", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".poscar", StringComparison.OrdinalIgnoreCase);
    }
}
