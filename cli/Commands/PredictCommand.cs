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
    /// <summary>The columns of <c>--format csv</c>.</summary>
    public const string CsvHeader = "id,property,value,std,unit,spacegroup,setting,target,model,in_domain,domain_note,tensor";

    /// <summary>
    /// Structures read, predicted and written together (at least; more with a larger <c>--batch-size</c>), whatever
    /// <c>--jobs</c> is. 128 measured best on 2 cores (perov_5 with every model, <c>--jobs 2</c>: 11.6 s against 12.2 s
    /// with 256 and 12.4 s with 64): chunks side by side leave a core idle only over the last one.
    /// </summary>
    public const int ChunkSize = 128;

    /// <summary>Output formats.</summary>
    public enum Format { Table, Csv, Json }

    /// <summary>What to predict and how (the options of the command).</summary>
    /// <param name="Models">Model names or paths; empty = the shipped models.</param>
    /// <param name="Properties">Only models of these properties; empty = all.</param>
    /// <param name="Format">Output format.</param>
    /// <param name="ToleranceAngstrom">Symmetry tolerance.</param>
    /// <param name="Standardize">Standardise with spglib.</param>
    /// <param name="Jobs">Threads.</param>
    /// <param name="BatchSize">Structures per model call.</param>
    /// <param name="Shard">(index, count): predict only inputs whose position modulo count is index.</param>
    /// <param name="Progress">Show a progress line on stderr.</param>
    public sealed record Options(IReadOnlyList<string> Models, IReadOnlyList<string> Properties, Format Format = Format.Table,
        double ToleranceAngstrom = Crystal.DefaultToleranceAngstrom, bool Standardize = true, int Jobs = 1, int BatchSize = ChunkSize,
        (int Index, int Count) Shard = default, bool Progress = false);

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "CIF or POSCAR files, folders (with id_prop.csv targets), or CSV files with a 'cif' column", Arity = ArgumentArity.OneOrMore };
        var models = new Option<string[]>("--model", "-m") { Description = "Model name (see 'cft models') or .onnx path; repeatable. Default: every shipped model whose training elements cover the structure", AllowMultipleArgumentsPerToken = true };
        var properties = new Option<string[]>("--property", "-p") { Description = "Only the models of this property (e.g. heat_ref); repeatable", AllowMultipleArgumentsPerToken = true };
        var format = new Option<Format>("--format") { Description = "table, csv (" + CsvHeader + ") or json (one object per line)", DefaultValueFactory = _ => Format.Table };
        var tolerance = new Option<double>("--tolerance") { Description = "Symmetry tolerance in Å for standardisation", DefaultValueFactory = _ => Crystal.DefaultToleranceAngstrom };
        var keep = new Option<bool>("--keep-setting") { Description = "Use each structure in the symmetry its file gives, without standardising it (spglib)" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Threads (1: one thread in all, reading included; more: the next inputs are read in the background)", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch-size") { Description = "Structures per model call (and per chunk, at least 128)", DefaultValueFactory = _ => ChunkSize };
        var shard = new Option<string?>("--shard") { Description = "i/n: predict only inputs i, i+n, i+2n, … (0-based i), e.g. --shard $SLURM_ARRAY_TASK_ID/8 under a job array" };
        var species = SpeciesOption.Create();
        var command = new Command("predict", "Predict properties with the trained Crystal Fourier Transformer models (ONNX Runtime)") { paths, models, properties, format, tolerance, keep, jobs, batch, shard, species };
        command.SetAction(r => Run(r.GetValue(paths)!, new Options(r.GetValue(models) ?? [], r.GetValue(properties) ?? [], r.GetValue(format),
            r.GetValue(tolerance), !r.GetValue(keep), r.GetValue(jobs), r.GetValue(batch), ParseShard(r.GetValue(shard)), !Console.IsErrorRedirected),
            Console.Out, Console.Error, SpeciesOption.Parse(r.GetValue(species))));
        return command;
    }

    /// <summary>Parses "i/n" (0 ≤ i &lt; n); default (0, 1).</summary>
    public static (int Index, int Count) ParseShard(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i) && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return (i, n);
        throw new CliUsageException($"--shard '{text}': expected i/n with 0 ≤ i < n, e.g. 0/8");
    }

    /// <summary>
    /// Predicts every readable structure, streaming: inputs are read, predicted and written in chunks, so the number
    /// of structures is not limited by memory. Inputs that fail are reported on stderr (and as error objects with
    /// --format json) and make the exit code 1. When the inputs carry the property (a CSV column or id_prop.csv),
    /// the mean absolute error is reported per property.
    /// </summary>
    public static int Run(IReadOnlyList<string> paths, Options options, TextWriter stdout, TextWriter stderr, IReadOnlyList<string>? poscarSpecies = null)
    {
        // A chunk's lines are collected and written at once (Console.Out flushes every line: 40,000 write calls for a dataset).
        var buffer = new StringWriter(CultureInfo.InvariantCulture);
        try
        {
            return Run(paths, options, buffer, stdout, stderr, poscarSpecies);
        }
        finally
        {
            Flush(buffer, stdout);
        }
    }

    private static void Flush(StringWriter buffer, TextWriter stdout)
    {
        var text = buffer.GetStringBuilder();
        if (text.Length == 0) return;
        stdout.Write(text);
        stdout.Flush();
        text.Clear();
    }

    private static int Run(IReadOnlyList<string> paths, Options options, StringWriter buffer, TextWriter sink, TextWriter stderr, IReadOnlyList<string>? poscarSpecies)
    {
        TextWriter stdout = buffer;
        if (!(options.ToleranceAngstrom > 0) || !double.IsFinite(options.ToleranceAngstrom)) throw new CliUsageException($"--tolerance must be a positive length in Å, got {options.ToleranceAngstrom.ToString(CultureInfo.InvariantCulture)}");
        if (options.Jobs < 1) throw new CliUsageException("--jobs must be at least 1");
        if (options.BatchSize < 1) throw new CliUsageException("--batch-size must be at least 1");
        var (shardIndex, shardCount) = options.Shard.Count == 0 ? (0, 1) : options.Shard;
        CftModel.PreloadRuntime();
        // A model that cannot be found, read or run is a CftModelException: Program reports it with the model exit code.
        using (var loaded = options.Models.Count == 0 ? CftPredictor.LoadDefault() : CftPredictor.Load(options.Models))
        {
            var chosen = loaded.Models.Where(m => options.Properties.Count == 0 || options.Properties.Contains(m.Property, StringComparer.Ordinal)).ToList();
            if (chosen.Count == 0)
                throw new CliUsageException($"--property {string.Join(",", options.Properties)}: no model predicts it (models: {string.Join(", ", loaded.Models.Select(m => $"{m.Name} → {m.Property}"))})");
            // One model: its session builds in the background while the first inputs are read. With several, each
            // starts when a structure needs it (CftPredictor.Predict).
            if (chosen.Count == 1) chosen[0].Prepare();
            var predictor = new CftPredictor(chosen) { ToleranceAngstrom = options.ToleranceAngstrom, Standardize = options.Standardize, BatchSize = options.BatchSize };
            var output = new Output(options.Format, stdout, stderr);
            bool outOfDomain = options.Models.Count > 0;
            int done = 0, position = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long lastProgress = 0;
            // Chunks of the same size whatever --jobs is, each predicted whole (its batches, its lines), so that the output
            // does not depend on the number of threads; with more than one job the next chunk is read in the background.
            var mine = StructureSource.Enumerate(paths, poscarSpecies).Where(_ => position++ % shardCount == shardIndex);
            var chunks = ReadAhead.Chunks(mine, Math.Max(options.BatchSize, ChunkSize), options.Jobs);
            foreach (var (chunk, (results, lines)) in ChunkPipeline.Run(chunks, options.Jobs, (chunk, threads) =>
            {
                var results = Predict(predictor, chunk, threads, outOfDomain);
                return (results, output.Lines(chunk, results, threads));
            }))
            {
                output.Write(chunk, results, lines);
                Flush(buffer, sink); // a chunk's lines reach a pipe as soon as they are predicted
                done += chunk.Length;
                if (options.Progress && clock.ElapsedMilliseconds - lastProgress > 250)
                {
                    lastProgress = clock.ElapsedMilliseconds;
                    stderr.Write(FormattableString.Invariant($"\rcft: {done:N0} structures predicted, {done / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):N0}/s "));
                }
            }
            if (options.Progress && lastProgress > 0) stderr.Write("\r" + new string(' ', 79) + "\r");
            if (position == 0)
            {
                stderr.WriteLine($"cft: no structures found in {string.Join(", ", paths)}");
                return 1;
            }
            output.Finish();
            return output.Failed > 0 ? 1 : 0;
        }
    }

    /// <summary>One chunk's results, entry i for record i (null where the record could not be read).</summary>
    private static StructurePrediction?[] Predict(CftPredictor predictor, StructureRecord[] chunk, int threads, bool outOfDomain)
    {
        var readable = Enumerable.Range(0, chunk.Length).Where(i => chunk[i].Crystal is not null).ToArray();
        var predicted = predictor.Predict(readable.Select(i => chunk[i].Crystal!).ToList(), threads, outOfDomain);
        var results = new StructurePrediction?[chunk.Length];
        for (int k = 0; k < readable.Length; k++) results[readable[k]] = predicted[k];
        return results;
    }

    /// <summary>Writes predictions as they come, in one format, and keeps the MAE sums.</summary>
    private sealed class Output(Format format, TextWriter stdout, TextWriter stderr)
    {
        private readonly Dictionary<string, (double Sum, int Count, string Unit)> _errors = new(StringComparer.Ordinal);
        private readonly string[] _header = ["id", "property", "value", "± std", "unit", "space group", "setting", "target"];
        private int[]? _widths;
        private bool _outside, _started;

        public int Failed { get; private set; }

        /// <summary>A chunk's csv or json lines, per record the lines of its predictions (null for a failed record or a
        /// table), formatted on <paramref name="threads"/> threads (a tensor's JSON is long: formatting serially cost a
        /// third of a whole run). Pure: called on the thread that predicted the chunk.</summary>
        public string[]?[] Lines(StructureRecord[] chunk, StructurePrediction?[] results, int threads)
        {
            var lines = new string[]?[chunk.Length];
            if (format != Format.Table)
                System.Threading.Tasks.Parallel.For(0, chunk.Length, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) },
                    i => lines[i] = results[i] is { Error: null } r ? r.Predictions.Select(p => Line(chunk[i], r, p)).ToArray() : null);
            return lines;
        }

        /// <summary>Writes one chunk of results with its <see cref="Lines"/> (a table's rows stay aligned under its header:
        /// when a chunk needs wider columns, the header is printed again with them).</summary>
        public void Write(StructureRecord[] chunk, StructurePrediction?[] results, string[]?[] lines)
        {
            var rows = new List<string[]>();
            for (int i = 0; i < chunk.Length; i++) Write(chunk[i], results[i], rows, lines[i]);
            if (rows.Count == 0) return;
            // Widths from the header and the chunk, room for the " *" mark. They only grow: a later chunk with a longer
            // value (an id, say) widens the columns and the header is printed again above it, so every row stands
            // aligned under the header above it.
            var widths = _header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length) + (c == 2 ? 2 : 0))).ToArray();
            if (_widths is null || widths.Where((w, c) => w > _widths[c]).Any())
            {
                _widths = _widths is null ? widths : widths.Select((w, c) => Math.Max(w, _widths[c])).ToArray();
                stdout.WriteLine(Line(_header));
            }
            foreach (var row in rows) stdout.WriteLine(Line(row));
        }

        /// <summary>One prediction's csv or json line.</summary>
        private string Line(StructureRecord record, StructurePrediction result, Prediction p)
        {
            double? target = TargetFor(record, p.Property, result.Predictions.Count);
            return format == Format.Csv
                ? string.Join(",", Csv(record.Id), p.Property, G(p.Value), p.Std is double sd ? G(sd) : "", Csv(p.Unit), result.SpaceGroup.ToString(CultureInfo.InvariantCulture),
                    Csv(result.Setting), target is double tv ? G(tv) : "", p.Model, p.InDomain ? "true" : "false", Csv(p.DomainNote ?? ""),
                    p.Tensor is { } tensor ? Csv(JsonLine.Object(w => WriteTensorMembers(w, tensor))) : "")
                : ResultJson(record, result, p, target);
        }

        private void Write(StructureRecord record, StructurePrediction? result, List<string[]> rows, string[]? lines)
        {
            if (!_started && format == Format.Csv) stdout.WriteLine(CsvHeader);
            _started = true;
            string? error = result is null ? record.Error : result.Error;
            if (result is null || error is not null)
            {
                Failed++;
                stderr.WriteLine($"cft: {record.Id}: {error ?? "unknown error"}");
                if (format == Format.Json) stdout.WriteLine(JsonLine.Error(record, result is null ? record.Status : result.Status, error ?? "unknown error"));
                return;
            }
            if (result.Note is { } note) stderr.WriteLine($"cft: {record.Id}: {note}");
            if (result.Predictions.Count == 0)
            {
                var elements = string.Join(",", result.Structure!.Sites.Select(s => s.Element).Distinct());
                stderr.WriteLine($"cft: {record.Id}: no model was trained on all of its elements ({elements}); name one with --model to extrapolate");
            }
            for (int k = 0; k < result.Predictions.Count; k++)
            {
                var p = result.Predictions[k];
                double? target = TargetFor(record, p.Property, result.Predictions.Count);
                if (target is double t)
                {
                    _errors.TryGetValue(p.Property, out var e);
                    _errors[p.Property] = (e.Sum + Math.Abs(p.Value - t), e.Count + 1, p.Unit);
                }
                switch (format)
                {
                    case Format.Csv:
                    case Format.Json:
                        stdout.WriteLine(lines![k]);
                        break;
                    default:
                        if (!p.InDomain)
                        {
                            _outside = true;
                            stderr.WriteLine($"cft: {record.Id}: {p.Model}: outside the model's domain: {p.DomainNote}");
                        }
                        // A tensor model's value is one derived scalar of its tensor (json/csv carry the tensor): say which.
                        rows.Add([record.Id, p.Tensor is { } shown ? $"{p.Property} ({Tensors.TensorPrediction.PrimaryScalar(shown.Kind)})" : p.Property, G(p.Value) + (p.InDomain ? "" : " *"), p.Std is double s ? G(s) : "", p.Unit, $"{result.SpaceGroup} {result.HermannMauguin}", result.Setting, target is double tt ? G(tt) : ""]);
                        break;
                }
            }
        }

        private string Line(string[] row) => string.Join("  ", row.Select((v, c) => v.PadRight(_widths![c]))).TrimEnd();

        public void Finish()
        {
            var summary = format == Format.Table ? stdout : stderr;
            foreach (var (property, e) in _errors.OrderBy(e => e.Key, StringComparer.Ordinal))
                summary.WriteLine(FormattableString.Invariant($"MAE {property}: {e.Sum / e.Count:G6} {e.Unit} over {e.Count} structures"));
            if (_outside) stdout.WriteLine("* outside the model's domain (the reason is on stderr): an extrapolation the model cannot vouch for");
        }
    }

    /// <summary>The known value of a property for a record: its column of that name, or id_prop.csv's 'value' when one property is predicted.</summary>
    private static double? TargetFor(StructureRecord record, string property, int propertiesPredicted)
    {
        if (record.Targets.TryGetValue(property, out double v) && double.IsFinite(v)) return v;
        if (propertiesPredicted == 1 && record.Targets.Count == 1 && record.Targets.TryGetValue("value", out v) && double.IsFinite(v)) return v;
        return null;
    }

    private static string G(double v) => v.ToString("G7", CultureInfo.InvariantCulture);

    private static string Csv(string v) => v.IndexOfAny([',', '"', '\n', '\r']) < 0 ? v : "\"" + v.Replace("\"", "\"\"") + "\"";

    private static string ResultJson(StructureRecord record, StructurePrediction result, Prediction p, double? target) => JsonLine.Object(w =>
    {
        w.WriteString("id", record.Id);
        w.WriteString("file", record.Source);
        w.WriteString("property", p.Property);
        w.WriteNumber("value", p.Value);
        if (p.Std is double std) w.WriteNumber("std", std);
        w.WriteString("unit", p.Unit);
        w.WriteNumber("spacegroup", result.SpaceGroup);
        w.WriteString("hm", result.HermannMauguin);
        w.WriteString("setting", result.Setting);
        if (target is double t) w.WriteNumber("target", t);
        w.WriteString("model", p.Model);
        w.WriteBoolean("in_domain", p.InDomain);
        if (p.DomainNote is { } domainNote) w.WriteString("domain_note", domainNote);
        if (result.Note is { } note) w.WriteString("note", note);
        if (p.Tensor is { } tensor)
        {
            w.WriteStartObject("tensor");
            WriteTensorMembers(w, tensor);
            w.WriteEndObject();
        }
    });

    /// <summary>
    /// A tensor prediction's members: <c>kind</c>, <c>frame</c>, <c>value</c> and <c>std</c> (nested arrays, matrix form,
    /// input frame), <c>model_frame_value</c>, <c>standard_frame_value</c> (spglib's standard orientation of the conventional
    /// cell, Materials Project's frame), <c>dimension</c> (free components allowed by the point group) and
    /// <c>derived</c> ({name: {value, std}}).
    /// </summary>
    private static void WriteTensorMembers(System.Text.Json.Utf8JsonWriter w, Tensors.TensorPrediction t)
    {
        w.WriteString("kind", t.Kind.ToString().ToLowerInvariant());
        w.WriteString("frame", "input: the structure's Cartesian frame as given (POSCAR vectors; a CIF's cell with a along x, b in the xy plane)");
        Matrix(w, "value", t.Value);
        Matrix(w, "std", t.Std);
        Matrix(w, "model_frame_value", t.ModelFrameValue);
        Matrix(w, "standard_frame_value", t.StandardFrameValue);
        w.WriteNumber("dimension", t.Dimension);
        w.WriteStartObject("derived");
        foreach (var (name, (value, std)) in t.Derived)
        {
            w.WriteStartObject(name);
            w.WriteNumber("value", value);
            w.WriteNumber("std", std);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        static void Matrix(System.Text.Json.Utf8JsonWriter w, string name, double[,] m)
        {
            w.WriteStartArray(name);
            for (int r = 0; r < m.GetLength(0); r++)
            {
                w.WriteStartArray();
                for (int c = 0; c < m.GetLength(1); c++) w.WriteNumberValue(m[r, c]);
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
    }
}
