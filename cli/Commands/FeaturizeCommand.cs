using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tables;
using CftRuntime.Tensors;

namespace CftRuntime.Cli.Commands;

/// <summary><c>cft featurize</c>: G-invariant features of structures to NumPy .npy/.npz.</summary>
public static class FeaturizeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths") { Description = "CIF or POSCAR files, folders, or CSV files with a 'cif' column", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--out", "-o") { Description = "Output file: .npz (features and per-site/per-structure arrays) or .npy (features of one structure)", Required = true };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Threads for featurization", DefaultValueFactory = _ => 1 };
        var keep = new Option<bool>("--keep-setting") { Description = "Featurize each structure in the symmetry its file gives, without finding its space group and standardising it (spglib)" };
        var tolerance = new Option<double>("--tolerance") { Description = "Symmetry tolerance in Å for standardisation", DefaultValueFactory = _ => Crystal.DefaultToleranceAngstrom };
        var plain = new Option<bool>("--plain") { Description = "Ablation: plain (P1, unsymmetrised) Fourier features of every atom of the standardised cell, instead of G-invariant features of its unique sites" };
        var reduced = new Option<bool>("--reduced-cell") { Description = "Describe each structure by its Niggli-reduced primitive cell in P1, found without symmetry analysis (for models trained with --cell niggli, which cft predict then runs without spglib)" };
        var species = SpeciesOption.Create();
        var tensor = new Option<string?>("--tensor-basis") { Description = "Also write each structure's symmetry-allowed basis of this tensor kind (dielectric, elastic or piezoelectric) in the model frame: tensor_basis [N, D, rows, columns] zero-padded, tensor_dimension [N] (for training tensor heads)" };
        var pairCutoff = new Option<double>("--pair-cutoff") { Description = "Pair features: cutoff radius in Å", DefaultValueFactory = _ => PairFeaturizer.Default.CutoffAngstrom };
        var pairCount = new Option<int>("--pair-functions") { Description = "Pair features: Gaussians from 0 to the cutoff", DefaultValueFactory = _ => PairFeaturizer.Default.RadialCount };
        var pairWidth = new Option<double>("--pair-width") { Description = "Pair features: the Gaussians' σ in Å", DefaultValueFactory = _ => PairFeaturizer.Default.WidthAngstrom };
        var angularCutoff = new Option<double>("--angular-cutoff") { Description = "Pair features: add three-body channels (bond angles at each site, AngularPairBasis) over neighbours within this radius in Å; 0: none", DefaultValueFactory = _ => 0 };
        var angularStart = new Option<double>("--angular-start") { Description = "Angular channels: first radial centre in Å", DefaultValueFactory = _ => AngularPairBasis.DefaultStartAngstrom };
        var angularCount = new Option<int>("--angular-functions") { Description = "Angular channels: radial Gaussians from --angular-start to --angular-cutoff", DefaultValueFactory = _ => AngularPairBasis.DefaultRadialCount };
        var angleCount = new Option<int>("--angles") { Description = "Angular channels: Gaussians in cos θ from −1 to 1", DefaultValueFactory = _ => AngularPairBasis.DefaultAngleCount };
        var angleWidth = new Option<double>("--angle-width") { Description = "Angular channels: σ of the Gaussians in cos θ", DefaultValueFactory = _ => AngularPairBasis.DefaultAngleWidth };
        var command = new Command("featurize", "Write the G-invariant Fourier features of every unique site of the standardised structures") { paths, output, jobs, keep, tolerance, plain, reduced, species, tensor, pairCutoff, pairCount, pairWidth, angularCutoff, angularStart, angularCount, angleCount, angleWidth };
        command.SetAction(r =>
        {
            TensorKind? kind = null;
            if (r.GetValue(tensor) is { } text)
                kind = PropertyTensorBasis.TryParseKind(text, out var k) ? k : throw new CliUsageException($"--tensor-basis '{text}': expected dielectric, elastic or piezoelectric");
            if (r.GetValue(reduced) && (r.GetValue(keep) || r.GetValue(plain) || kind is not null))
                throw new CliUsageException("--reduced-cell cannot be combined with --keep-setting, --plain or --tensor-basis (the reduced cell is P1, found without symmetry)");
            var (cutoff, count, width) = (r.GetValue(pairCutoff), r.GetValue(pairCount), r.GetValue(pairWidth));
            if (!PairFeaturizer.IsValid(cutoff, count, width))
                throw new CliUsageException(FormattableString.Invariant($"--pair-cutoff {cutoff}, --pair-functions {count}, --pair-width {width}: expected 0 < cutoff ≤ {PairFeaturizer.MaxCutoffAngstrom} Å, 2 to {PairFeaturizer.MaxRadialCount} functions and a width of at least {PairFeaturizer.MinWidthAngstrom} Å"));
            AngularPairBasis? angular = null;
            if (r.GetValue(angularCutoff) is var ac && ac != 0)
            {
                var (start, radial, angles, aw) = (r.GetValue(angularStart), r.GetValue(angularCount), r.GetValue(angleCount), r.GetValue(angleWidth));
                if (!AngularPairBasis.IsValid(ac, start, radial, angles, aw))
                    throw new CliUsageException(FormattableString.Invariant($"--angular-cutoff {ac}, --angular-start {start}, --angular-functions {radial}, --angles {angles}, --angle-width {aw}: expected 0 ≤ start < cutoff ≤ {AngularPairBasis.MaxCutoffAngstrom} Å, 2 to {AngularPairBasis.MaxRadialCount} functions, 2 to {AngularPairBasis.MaxAngleCount} angles and a width of at least {AngularPairBasis.MinAngleWidth}"));
                angular = new AngularPairBasis(ac, start, radial, angles, aw);
            }
            var pairs = new PairFeaturizer(cutoff, count, width, angular);
            return Run(r.GetValue(paths)!, r.GetValue(output)!, r.GetValue(jobs), Console.Out, Console.Error, !r.GetValue(keep), r.GetValue(tolerance), SpeciesOption.Parse(r.GetValue(species)), r.GetValue(plain), kind, r.GetValue(reduced), pairs);
        });
        return command;
    }

    /// <summary>The npz array <c>cell</c>: how the structures were described, <c>standardised</c>, <c>as-given</c> (--keep-setting)
    /// or <c>niggli</c> (--reduced-cell); trainer/cft_data.py checks it against the model's <c>--cell</c>.</summary>
    public static string CellOf(bool standardize, bool reducedCell) => reducedCell ? "niggli" : standardize ? "standardised" : "as-given";

    /// <summary>Featurizes every readable structure; failed inputs are reported and make the exit code 1. With
    /// <paramref name="reducedCell"/> every structure is its Niggli-reduced primitive cell in P1 (<see cref="SymmetryFinder.ReducedCell"/>);
    /// <paramref name="pairBasis"/> is the pair features' radial basis (default <see cref="PairFeaturizer.Default"/>).</summary>
    public static int Run(IReadOnlyList<string> paths, string output, int jobs, TextWriter stdout, TextWriter stderr, bool standardize = true, double toleranceAngstrom = Crystal.DefaultToleranceAngstrom, IReadOnlyList<string>? poscarSpecies = null, bool plain = false, TensorKind? tensorBasis = null, bool reducedCell = false, PairFeaturizer? pairBasis = null)
    {
        if (!(toleranceAngstrom > 0) || double.IsInfinity(toleranceAngstrom)) throw new CliUsageException($"--tolerance must be a positive length in Å, got {toleranceAngstrom}");
        bool npz = output.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);
        if (!npz && !output.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
            throw new CliUsageException($"--out '{output}': expected a file name ending in .npz or .npy");
        if (jobs < 1) throw new CliUsageException("--jobs must be at least 1");
        string directory = NpyWriter.ExistingDirectoryOf(output);
        var crystals = new List<Crystal>();
        var targets = new List<IReadOnlyDictionary<string, double>>();
        var standardGroups = new List<int>(); // the standardised structure's group (with --plain, space_group is 1)
        var frames = new List<FrameRotation>();
        var settings = new List<SpaceGroupSetting?>();
        int failed = 0;
        var featurizer = new Featurizer();
        var pairFeaturizer = pairBasis ?? PairFeaturizer.Default;
        // The features and pair histograms, the bulk of the output, go to temporary files chunk by chunk and are copied
        // into the .npz at the end: memory holds one chunk's arrays, not the dataset's.
        using var featureSpool = new NpySpool(directory);
        using var pairSpool = npz ? new NpySpool(directory) : null;
        var siteStart = new List<long> { 0 };
        var pairStart = new List<long> { 0 };
        // Streaming: read in chunks (the next one in the background with more than one job), each chunk prepared and
        // featurized on every thread. The features must be in the ITA standard setting of the structure's true space group.
        foreach (var chunk in ReadAhead.Chunks(StructureSource.Enumerate(paths, poscarSpecies), 256, jobs))
        {
            var readable = chunk.Where(r => r.Crystal is not null).ToList();
            var outcomes = StructurePreparation.PrepareAll(readable.Select(r => r.Crystal!).ToList(), toleranceAngstrom, standardize, jobs, reducedCellUpTo: reducedCell ? int.MaxValue : 0);
            var described = new List<Crystal>();
            for (int i = 0, k = 0; i < chunk.Length; i++)
            {
                var record = chunk[i];
                if (record.Crystal is null)
                {
                    failed++;
                    stderr.WriteLine($"cft: {record.Id}: {record.Error}");
                    continue;
                }
                var outcome = outcomes[k++];
                if (outcome.Prepared is not { } prepared)
                {
                    failed++;
                    stderr.WriteLine($"cft: {record.Id}: {outcome.Error!.Message}");
                    continue;
                }
                // --reduced-cell asked for the note's policy: only what else there is to say is printed.
                if (prepared.Note is { } note && !(reducedCell && note == SymmetryFinder.ReducedCellNote)) stderr.WriteLine($"cft: {record.Id}: {note}");
                described.Add(plain ? AsP1(prepared.Crystal, toleranceAngstrom) : prepared.Crystal);
                standardGroups.Add(prepared.Crystal.Symmetry.Number);
                frames.Add(prepared.Frame);
                settings.Add(prepared.Crystal.Symmetry.Setting);
                targets.Add(record.Targets);
            }
            if (described.Count == 0) continue;
            featureSpool.Append(featurizer.FeaturizeBatch(described, jobs).Features);
            foreach (var c in described) siteStart.Add(siteStart[^1] + c.Sites.Count);
            if (pairSpool is not null)
            {
                // Pair distance features, [S_i, S_i, R] blocks concatenated; structure i's S_i² rows start at pair_start[i].
                var pairs = new float[described.Count][];
                System.Threading.Tasks.Parallel.For(0, described.Count, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = jobs }, i => pairs[i] = pairFeaturizer.Compute(described[i]));
                foreach (var block in pairs) pairSpool.Append(block);
                foreach (var c in described) pairStart.Add(pairStart[^1] + (long)c.Sites.Count * c.Sites.Count);
            }
            crystals.AddRange(described);
        }
        if (crystals.Count == 0)
        {
            stderr.WriteLine("cft: no structure could be read; nothing written");
            return 1;
        }
        if (!npz && crystals.Count > 1)
            throw new CliUsageException($"{crystals.Count} structures: a .npy holds one array; use --out FILE.npz (features with site_start, ids, elements, multiplicities, lattices)");

        int featureCount = featurizer.Layout.FeatureCount;
        int sites = checked((int)siteStart[^1]);
        var features = featureSpool.ToArray(sites, featureCount);
        if (!npz)
        {
            NpyWriter.WriteNpy(output, features);
        }
        else
        {
            var all = crystals.SelectMany(c => c.Sites).ToList();
            var structureIndex = new int[sites];
            for (int i = 0; i < crystals.Count; i++) Array.Fill(structureIndex, i, (int)siteStart[i], crystals[i].Sites.Count);
            var lattices = crystals.SelectMany(c => c.Lattice.ToArray()).ToArray();
            var frequencies = Enumerable.Range(0, featurizer.Layout.FrequencyCount).Select(featurizer.Layout.Frequency).SelectMany(f => new[] { f.H, f.K, f.L }).ToArray();
            // Property values that came with the inputs (CSV columns, id_prop.csv): one array per name, NaN where missing.
            var targetArrays = targets.SelectMany(t => t.Keys).Distinct().OrderBy(k => k, StringComparer.Ordinal)
                .Select(name => ("target_" + name, NpyArray.Float64(targets.Select(t => t.TryGetValue(name, out double v) ? v : double.NaN).ToArray(), crystals.Count)));
            NpyWriter.WriteNpz(output, new (string, NpyArray)[]
            {
                ("features", features),
                ("site_start", NpyArray.Int64(siteStart.ToArray(), crystals.Count + 1)),
                ("structure_index", NpyArray.Int32(structureIndex, sites)),
                ("atomic_number", NpyArray.Int32(all.Select(s => s.AtomicNumber).ToArray(), sites)),
                ("multiplicity", NpyArray.Int32(all.Select(s => s.Multiplicity).ToArray(), sites)),
                ("occupancy", NpyArray.Float32(all.Select(s => (float)s.Occupancy).ToArray(), sites)),
                ("positions", NpyArray.Float64(all.SelectMany(s => new[] { s.X, s.Y, s.Z }).ToArray(), sites, 3)),
                ("ids", NpyArray.Strings(crystals.Select(c => c.Id).ToList())),
                ("space_group", NpyArray.Int32(crystals.Select(c => c.Symmetry.Number).ToArray(), crystals.Count)),
                ("standard_space_group", NpyArray.Int32(standardGroups.ToArray(), crystals.Count)),
                ("setting", NpyArray.Strings(crystals.Select(c => c.Symmetry.Setting?.Symbol ?? "custom").ToList())),
                ("lattice", NpyArray.Float64(lattices, crystals.Count, 3, 3)),
                ("frequencies", NpyArray.Int32(frequencies, featurizer.Layout.FrequencyCount, 3)),
                ("layout", NpyArray.Strings(new[] { featurizer.Layout.Signature })),
                ("cell", NpyArray.Strings(new[] { CellOf(standardize, reducedCell) })),
                ("pair", pairSpool!.ToArray(pairStart[^1], pairFeaturizer.ChannelCount)),
                ("pair_start", NpyArray.Int64(pairStart.ToArray(), crystals.Count + 1)),
                ("pair_layout", NpyArray.Strings(new[] { pairFeaturizer.Signature })),
                ("frame_rotation", NpyArray.Float64(frames.SelectMany(f => f.ToArray()).ToArray(), crystals.Count, 3, 3)),
            }.Concat(targetArrays).Concat(tensorBasis is { } kind ? TensorBasisArrays(kind, settings) : []).ToList());
        }
        int partial = crystals.Count(c => c.HasPartialOccupancy);
        if (partial > 0)
            stderr.WriteLine($"cft: note: {partial} structure(s) have partially occupied sites; each site is featurized once and its occupancy is written to 'occupancy' (weights, not resolved into configurations)");
        stdout.WriteLine($"{crystals.Count} structures, {sites} sites × {featureCount} features → {output}{(failed > 0 ? $" ({failed} inputs failed, see above)" : "")}");
        return failed > 0 ? 1 : 0;
    }

    /// <summary>
    /// tensor_basis [N, D, rows, columns] (each structure's basis in the model frame, zero rows past its dimension; D the
    /// kind's number of free components) and tensor_dimension [N]: what a tensor head projects its output with in training,
    /// the same basis <c>cft predict</c> uses.
    /// </summary>
    private static IEnumerable<(string, NpyArray)> TensorBasisArrays(TensorKind kind, IReadOnlyList<SpaceGroupSetting?> settings)
    {
        var (rows, columns) = PropertyTensorBasis.ShapeOf(kind);
        int width = PropertyTensorBasis.FreeComponents(kind);
        var data = new double[settings.Count * width * rows * columns];
        var dimension = new int[settings.Count];
        for (int i = 0; i < settings.Count; i++)
        {
            var basis = PropertyTensorBasis.ForModelFrame(settings[i] ?? throw new CliUsageException($"--tensor-basis needs every structure in a catalogue setting (structure {i + 1} is not)"), kind);
            dimension[i] = basis.Dimension;
            for (int m = 0; m < basis.Dimension; m++)
            {
                var matrix = basis.Matrix(m);
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < columns; c++) data[((i * width + m) * rows + r) * columns + c] = matrix[r, c];
            }
        }
        yield return ("tensor_basis", NpyArray.Float64(data, settings.Count, width, rows, columns));
        yield return ("tensor_dimension", NpyArray.Int32(dimension, settings.Count));
    }

    /// <summary>The full cell of a crystal described in P1: every atom its own site, features unsymmetrised.</summary>
    private static Crystal AsP1(Crystal crystal, double toleranceAngstrom) =>
        Crystal.FromFullCell(crystal.Id, crystal.Lattice, CrystalSymmetry.FromSetting(SpaceGroups.Standard(1)), crystal.ExpandToCell(toleranceAngstrom), toleranceAngstrom);

}
