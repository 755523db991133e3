using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CftRuntime.Crystals;
using CftRuntime.Inference;
using CftRuntime.Io;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft predict</c>: properties of structures from the trained CFT models.</summary>
public static class PredictCommand
{
    /// <summary>Output formats.</summary>
    public enum Format { Table, Csv, Json }

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "CIF or POSCAR files, folders (with id_prop.csv targets), or CSV files with a 'cif' column", Arity = ArgumentArity.OneOrMore };
        var models = new Option<string[]>("--model", "-m") { Description = "Model name (see 'cft models') or .onnx path; repeatable. Default: every shipped model whose training elements cover the structure", AllowMultipleArgumentsPerToken = true };
        var format = new Option<Format>("--format") { Description = "table, csv (id,property,value,unit,spacegroup,setting,target,model,in_domain) or json (one object per line)", DefaultValueFactory = _ => Format.Table };
        var tolerance = new Option<double>("--tolerance") { Description = "Symmetry tolerance in Å for standardisation", DefaultValueFactory = _ => Crystal.DefaultToleranceAngstrom };
        var keep = new Option<bool>("--keep-setting") { Description = "Use each structure in the symmetry its file gives, without standardising it (spglib)" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Threads", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch-size") { Description = "Structures per model call", DefaultValueFactory = _ => 256 };
        var species = SpeciesOption.Create();
        var command = new Command("predict", "Predict properties with the trained Crystal Fourier Transformer models (ONNX Runtime)") { paths, models, format, tolerance, keep, jobs, batch, species };
        command.SetAction(r => Run(r.GetValue(paths)!, r.GetValue(models) ?? [], r.GetValue(format), Console.Out, Console.Error,
            r.GetValue(tolerance), !r.GetValue(keep), r.GetValue(jobs), r.GetValue(batch), SpeciesOption.Parse(r.GetValue(species))));
        return command;
    }

    /// <summary>
    /// Predicts every readable structure. Inputs that fail are reported on stderr (and as error objects with
    /// --format json) and make the exit code 1. When the inputs carry the property (a CSV column or id_prop.csv),
    /// the mean absolute error is reported per property.
    /// </summary>
    public static int Run(IReadOnlyList<string> paths, IReadOnlyList<string> modelNames, Format format, TextWriter stdout, TextWriter stderr,
        double toleranceAngstrom = Crystal.DefaultToleranceAngstrom, bool standardize = true, int jobs = 1, int batchSize = 256, IReadOnlyList<string>? poscarSpecies = null)
    {
        if (!(toleranceAngstrom > 0) || !double.IsFinite(toleranceAngstrom)) throw new CliUsageException($"--tolerance must be a positive length in Å, got {toleranceAngstrom.ToString(CultureInfo.InvariantCulture)}");
        if (jobs < 1) throw new CliUsageException("--jobs must be at least 1");
        if (batchSize < 1) throw new CliUsageException("--batch-size must be at least 1");
        CftPredictor loaded;
        try
        {
            loaded = modelNames.Count == 0 ? CftPredictor.LoadDefault() : CftPredictor.Load(modelNames);
        }
        catch (CftModelException e)
        {
            throw new CliUsageException(e.Message);
        }
        using (loaded)
        {
            var predictor = new CftPredictor(loaded.Models) { ToleranceAngstrom = toleranceAngstrom, Standardize = standardize, BatchSize = batchSize };
            var records = StructureSource.Enumerate(paths, poscarSpecies).ToList();
            int failed = 0;
            var readable = records.Where(r => r.Crystal is not null).ToList();
            var results = predictor.Predict(readable.Select(r => r.Crystal!).ToList(), jobs, outOfDomain: modelNames.Count > 0);
            var byRecord = new Dictionary<StructureRecord, StructurePrediction>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < readable.Count; i++) byRecord[readable[i]] = results[i];

            var errors = new Dictionary<string, (double Sum, int Count, string Unit)>(StringComparer.Ordinal);
            if (format == Format.Csv) stdout.WriteLine("id,property,value,unit,spacegroup,setting,target,model,in_domain");
            var table = new List<string[]>();
            foreach (var record in records)
            {
                string? error = record.Error;
                StructurePrediction? result = null;
                if (record.Crystal is not null)
                {
                    result = byRecord[record];
                    error = result.Error;
                }
                if (result is null || error is not null)
                {
                    failed++;
                    stderr.WriteLine($"cft: {record.Id}: {StripId(record.Id, error ?? "unknown error")}");
                    if (format == Format.Json) stdout.WriteLine(ErrorJson(record, error ?? "unknown error"));
                    continue;
                }
                if (result.Note is { } note) stderr.WriteLine($"cft: {note}");
                if (result.Predictions.Count == 0)
                {
                    var elements = string.Join(",", result.Structure!.Sites.Select(s => s.Element).Distinct());
                    stderr.WriteLine($"cft: {record.Id}: no model was trained on all of its elements ({elements}); name one with --model to extrapolate");
                }
                foreach (var p in result.Predictions)
                {
                    double? target = TargetFor(record, p.Property, result.Predictions.Count);
                    if (target is double t)
                    {
                        errors.TryGetValue(p.Property, out var e);
                        errors[p.Property] = (e.Sum + Math.Abs(p.Value - t), e.Count + 1, p.Unit);
                    }
                    switch (format)
                    {
                        case Format.Csv:
                            stdout.WriteLine(string.Join(",", Csv(record.Id), p.Property, G(p.Value), Csv(p.Unit), result.SpaceGroup.ToString(CultureInfo.InvariantCulture),
                                Csv(result.Setting), target is double tv ? G(tv) : "", p.Model, p.InDomain ? "true" : "false"));
                            break;
                        case Format.Json:
                            stdout.WriteLine(ResultJson(record, result, p, target));
                            break;
                        default:
                            table.Add([record.Id, p.Property, G(p.Value) + (p.InDomain ? "" : " *"), p.Unit, $"{result.SpaceGroup} {result.HermannMauguin}", result.Setting, target is double tt ? G(tt) : ""]);
                            break;
                    }
                }
            }
            if (format == Format.Table) WriteTable(stdout, table);
            var summary = format == Format.Table ? stdout : stderr;
            foreach (var (property, e) in errors.OrderBy(e => e.Key, StringComparer.Ordinal))
                summary.WriteLine(FormattableString.Invariant($"MAE {property}: {e.Sum / e.Count:G6} {e.Unit} over {e.Count} structures"));
            if (format == Format.Table && table.Any(r => r[2].EndsWith(" *", StringComparison.Ordinal)))
                stdout.WriteLine("* the structure has an element the model never saw in training: an extrapolation");
            return failed > 0 ? 1 : 0;
        }
    }

    /// <summary>The known value of a property for a record: its column of that name, or id_prop.csv's 'value' when one property is predicted.</summary>
    private static double? TargetFor(StructureRecord record, string property, int propertiesPredicted)
    {
        if (record.Targets.TryGetValue(property, out double v) && double.IsFinite(v)) return v;
        if (propertiesPredicted == 1 && record.Targets.Count == 1 && record.Targets.TryGetValue("value", out v) && double.IsFinite(v)) return v;
        return null;
    }

    private static void WriteTable(TextWriter w, List<string[]> rows)
    {
        string[] header = ["id", "property", "value", "unit", "space group", "setting", "target"];
        var all = rows.Prepend(header).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var r in all) w.WriteLine(string.Join("  ", r.Select((v, c) => v.PadRight(widths[c]))).TrimEnd());
    }

    private static string G(double v) => v.ToString("G7", CultureInfo.InvariantCulture);

    private static string Csv(string v) => v.IndexOfAny([',', '"', '\n', '\r']) < 0 ? v : "\"" + v.Replace("\"", "\"\"") + "\"";

    private static string StripId(string id, string message) => message.StartsWith(id + ": ", StringComparison.Ordinal) ? message[(id.Length + 2)..] : message;

    private static string ResultJson(StructureRecord record, StructurePrediction result, Prediction p, double? target)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("id", record.Id);
            w.WriteString("file", record.Source);
            w.WriteString("property", p.Property);
            w.WriteNumber("value", p.Value);
            w.WriteString("unit", p.Unit);
            w.WriteNumber("spacegroup", result.SpaceGroup);
            w.WriteString("hm", result.HermannMauguin);
            w.WriteString("setting", result.Setting);
            if (target is double t) w.WriteNumber("target", t);
            w.WriteString("model", p.Model);
            w.WriteBoolean("in_domain", p.InDomain);
            if (result.Note is { } note) w.WriteString("note", note);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string ErrorJson(StructureRecord record, string error)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("id", record.Id);
            w.WriteString("file", record.Source);
            w.WriteString("error", error);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
