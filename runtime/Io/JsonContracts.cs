using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CftRuntime.Crystals;

namespace CftRuntime.Io;

/// <summary>
/// The JSON objects that more than one door hands out (<c>cft symmetry --json</c>, <c>cft models --json</c>, and the
/// C ABI's <c>cft_read</c>, <c>cft_symmetry</c>, <c>cft_models</c>, <c>cft_model_metadata</c> that the Python package
/// reads): written here once, so the field names and meanings cannot drift between them.
/// </summary>
public static class JsonContracts
{
    /// <summary>A compact JSON value that <paramref name="body"/> writes.</summary>
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
            body(w);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A compact JSON object whose members <paramref name="body"/> writes.</summary>
    public static string Object(Action<Utf8JsonWriter> body) => Write(w =>
    {
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
    });

    /// <summary>
    /// The members of a standardised structure: <c>number</c>, <c>hm</c> (the detected Hermann–Mauguin symbol),
    /// <c>setting</c> (the catalogue setting the cell is in), <c>cell</c> (a, b, c in Å, α, β, γ in degrees),
    /// <c>lattice</c> (rows a, b, c in Å; a along x, b in the xy plane) and <c>sites</c>: the unique sites with
    /// element, atomic number, fractional <c>xyz</c>, Wyckoff multiplicity in the cell and occupancy.
    /// </summary>
    public static void WriteSymmetry(Utf8JsonWriter w, Crystal crystal, string hermannMauguin)
    {
        var setting = crystal.Symmetry.Setting ?? throw new ArgumentException("the crystal is not in a catalogue setting", nameof(crystal));
        w.WriteNumber("number", setting.Number);
        w.WriteString("hm", hermannMauguin);
        w.WriteString("setting", setting.Symbol);
        w.WriteNumber("order", setting.Order);
        var l = crystal.Lattice;
        w.WriteStartArray("cell");
        foreach (double v in new[] { l.A, l.B, l.C, l.Alpha, l.Beta, l.Gamma }) w.WriteNumberValue(v);
        w.WriteEndArray();
        WriteLattice(w, l);
        w.WriteStartArray("sites");
        foreach (var s in crystal.Sites)
        {
            w.WriteStartObject();
            w.WriteString("element", s.Element);
            w.WriteNumber("number", s.AtomicNumber);
            w.WriteStartArray("xyz");
            w.WriteNumberValue(s.X); w.WriteNumberValue(s.Y); w.WriteNumberValue(s.Z);
            w.WriteEndArray();
            w.WriteNumber("multiplicity", s.Multiplicity);
            w.WriteNumber("occupancy", s.Occupancy);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary><c>"lattice": [[ax, ay, az], [bx, by, bz], [cx, cy, cz]]</c> in Å.</summary>
    public static void WriteLattice(Utf8JsonWriter w, Lattice lattice)
    {
        w.WriteStartArray("lattice");
        for (int v = 0; v < 3; v++)
        {
            w.WriteStartArray();
            for (int axis = 0; axis < 3; axis++) w.WriteNumberValue(lattice[v, axis]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// The structures of input files as a JSON array, one object per structure in file order: <c>id</c>, <c>file</c>,
    /// and either <c>lattice</c> (rows, Å), <c>numbers</c>, <c>positions</c> (fractional, every atom of the cell: the
    /// file's symmetry applied) and <c>targets</c> (a CSV's numeric columns), or <c>error</c> (what is wrong with it).
    /// A structure with partial occupancies is an error here: these arrays hold whole atoms only.
    /// </summary>
    public static string Structures(IEnumerable<StructureRecord> records) => Write(w =>
    {
        w.WriteStartArray();
        foreach (var record in records)
        {
            w.WriteStartObject();
            w.WriteString("id", record.Id);
            w.WriteString("file", record.Source);
            string? error = record.Error;
            IReadOnlyList<Site>? cell = null;
            if (record.Crystal is { } crystal)
            {
                if (crystal.HasPartialOccupancy) error = $"sites with partial occupancy (disorder); a structure here holds whole atoms only (the CLI reads it)";
                else
                {
                    try { cell = crystal.ExpandToCell(); }
                    catch (CftException e) { error = e.Message; }
                }
            }
            if (cell is null)
            {
                w.WriteString("error", error ?? "unknown error");
                w.WriteEndObject();
                continue;
            }
            WriteLattice(w, record.Crystal!.Lattice);
            w.WriteStartArray("numbers");
            foreach (var s in cell) w.WriteNumberValue(s.AtomicNumber);
            w.WriteEndArray();
            w.WriteStartArray("positions");
            foreach (var s in cell)
            {
                w.WriteStartArray();
                w.WriteNumberValue(s.X); w.WriteNumberValue(s.Y); w.WriteNumberValue(s.Z);
                w.WriteEndArray();
            }
            w.WriteEndArray();
            w.WriteStartObject("targets");
            foreach (var (name, value) in record.Targets)
            {
                if (double.IsFinite(value)) w.WriteNumber(name, value);
                else w.WriteNull(name);
            }
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>Metadata keys whose values are JSON documents; <see cref="WriteModel"/> embeds them as JSON, not as strings.</summary>
    public static readonly IReadOnlySet<string> JsonMetadataKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "cft.domain", "cft.metrics", "cft.normalization", "cft.architecture",
    };

    /// <summary>
    /// A model's description: <c>name</c> (file name without .onnx), <c>file</c>, <c>property</c>, <c>unit</c>,
    /// <c>domain</c> and <c>metrics</c> (the JSON the trainer wrote, or null) and <c>metadata</c> (every entry; those of
    /// <see cref="JsonMetadataKeys"/> as JSON).
    /// </summary>
    public static void WriteModel(Utf8JsonWriter w, string path, IReadOnlyDictionary<string, string> metadata)
    {
        w.WriteString("name", Path.GetFileNameWithoutExtension(path));
        w.WriteString("file", Path.GetFullPath(path));
        w.WriteString("property", metadata.GetValueOrDefault("cft.target", ""));
        w.WriteString("unit", metadata.GetValueOrDefault("cft.unit", ""));
        w.WriteString("data", metadata.GetValueOrDefault("cft.data", ""));
        WriteEmbedded(w, "domain", metadata.GetValueOrDefault("cft.domain"));
        WriteEmbedded(w, "metrics", metadata.GetValueOrDefault("cft.metrics"));
        w.WriteStartObject("metadata");
        foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            if (JsonMetadataKeys.Contains(key)) WriteEmbedded(w, key, value);
            else w.WriteString(key, value);
        }
        w.WriteEndObject();
    }

    private static void WriteEmbedded(Utf8JsonWriter w, string name, string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) { w.WriteNull(name); return; }
        try
        {
            using var doc = JsonDocument.Parse(json);
            w.WritePropertyName(name);
            doc.RootElement.WriteTo(w);
        }
        catch (JsonException) { w.WriteString(name, json); }
    }
}
