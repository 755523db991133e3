using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using CftRuntime.Crystals;
using CftRuntime.Errors;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tables;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft symmetry</c>: space group of each structure (spglib) and its standardised unique sites.</summary>
public static class SymmetryCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "CIF or POSCAR files, folders, or CSV files with a 'cif' column", Arity = ArgumentArity.OneOrMore };
        var tolerance = new Option<double>("--tolerance", "-t") { Description = "Symmetry tolerance in Å (spglib's symprec)", DefaultValueFactory = _ => Crystal.DefaultToleranceAngstrom };
        var json = new Option<bool>("--json") { Description = "One JSON object per structure and line" };
        var species = SpeciesOption.Create();
        var jobs = new Option<int>("--jobs", "-j") { Description = "Structures standardised at once (threads)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var command = new Command("symmetry", "Find the space group of each structure and standardise it to the ITA standard setting (spglib)") { paths, tolerance, json, species, jobs };
        command.SetAction(r => Run(r.GetValue(paths)!, r.GetValue(tolerance), r.GetValue(json), Console.Out, Console.Error, SpeciesOption.Parse(r.GetValue(species)), r.GetValue(jobs)));
        return command;
    }

    /// <summary>
    /// Reports every structure; an input that cannot be read or standardised is reported (an error line
    /// with <paramref name="json"/>, else on stderr) and makes the exit code 1. Without spglib, inputs that
    /// already carry a catalogue symmetry other than P1 are reported in their own setting.
    /// </summary>
    public static int Run(IReadOnlyList<string> paths, double tolerance, bool json, TextWriter stdout, TextWriter stderr, IReadOnlyList<string>? poscarSpecies = null, int jobs = 1)
    {
        if (!(tolerance > 0) || !double.IsFinite(tolerance)) throw new CliUsageException($"--tolerance {tolerance.ToString(CultureInfo.InvariantCulture)}: expected a positive number of Å");
        if (jobs < 1) throw new CliUsageException("--jobs must be at least 1");
        int failed = 0;
        // Streaming in chunks: each chunk is standardised on every thread (while the next is read), then written in input order.
        foreach (var chunk in ReadAhead.Chunks(StructureSource.Enumerate(paths, poscarSpecies), 64 * jobs, jobs))
        {
            var readable = chunk.Where(r => r.Crystal is not null).ToList();
            var outcomes = StructurePreparation.PrepareAll(readable.Select(r => r.Crystal!).ToList(), tolerance, maxDegreeOfParallelism: jobs);
            for (int i = 0, k = 0; i < chunk.Length; i++)
            {
                var record = chunk[i];
                var outcome = record.Crystal is null ? default : outcomes[k++];
                if (outcome.Prepared is not { } prepared)
                {
                    failed++;
                    var failure = record.Failure ?? outcome.Error;
                    string error = failure?.Message ?? "unknown error";
                    if (json) stdout.WriteLine(JsonLine.Error(record, failure?.Status ?? CftStatus.Internal, error));
                    else stderr.WriteLine($"cft: {record.Id}: {error}");
                    continue;
                }
                if (prepared.Note is { } note) stderr.WriteLine($"cft: {record.Id}: {note}");
                stdout.WriteLine(json ? ResultJson(record, prepared.Crystal, prepared.HermannMauguin) : ResultText(record, prepared.Crystal, prepared.HermannMauguin));
            }
        }
        return failed > 0 ? 1 : 0;
    }

    private static string ResultText(StructureRecord record, Crystal crystal, string hm)
    {
        var setting = crystal.Symmetry.Setting!.Value;
        var l = crystal.Lattice;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{record.Id}: No. {setting.Number} {hm}, setting {setting.Symbol}, {l}, {crystal.Sites.Count} unique sites, {crystal.AtomCount:G6} atoms in the cell");
        foreach (var s in crystal.Sites)
            sb.Append(CultureInfo.InvariantCulture, $"\n  {s.Element,-3} {s.Multiplicity,3}  {s.X,10:F6} {s.Y,10:F6} {s.Z,10:F6}  occupancy {s.Occupancy:G6}");
        return sb.ToString();
    }

    private static string ResultJson(StructureRecord record, Crystal crystal, string hm) => JsonLine.Object(w =>
    {
        w.WriteString("id", record.Id);
        w.WriteString("file", record.Source);
        JsonContracts.WriteSymmetry(w, crystal, hm);
    });


}
