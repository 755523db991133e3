using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Symmetry;
using CftRuntime.Tables;
using CftRuntime.Tensors;

namespace CftRuntime.Inference;

/// <summary>One predicted property of one structure.</summary>
/// <param name="Property">The property (dataset column the model was trained on, e.g. <c>heat_ref</c>).</param>
/// <param name="Value">The prediction in <paramref name="Unit"/>.</param>
/// <param name="Unit">Unit of the value.</param>
/// <param name="Model">Name of the model that made it.</param>
/// <param name="Std">The ensemble's standard deviation in <paramref name="Unit"/>: the model's uncertainty (null for a single-network model).</param>
/// <param name="DomainNote">Why the structure is outside the model's domain (<see cref="ModelDomain.Check"/>), e.g. "7 atoms per primitive cell; trained on 5"; null when in domain.</param>
/// <param name="Tensor">For a tensor model: the symmetry-exact tensor in the input's frame, its std and derived scalars;
/// <paramref name="Value"/> is then its <see cref="TensorPrediction.PrimaryScalar"/>.</param>
public sealed record Prediction(string Property, double Value, string Unit, string Model, double? Std = null, string? DomainNote = null, TensorPrediction? Tensor = null)
{
    /// <summary>False when the structure is outside the model's domain: the value is an extrapolation the model cannot vouch for (<see cref="DomainNote"/> says why).</summary>
    public bool InDomain => DomainNote is null;
}

/// <summary>The predictions for one input structure, or why there are none.</summary>
/// <param name="Id">The input's id.</param>
/// <param name="Structure">The standardised structure the models saw (null when it could not be prepared).</param>
/// <param name="HermannMauguin">Its space-group symbol ("" when none).</param>
/// <param name="Note">How the structure was obtained, when the user should know (see <see cref="SymmetryFinder.Prepare"/>).</param>
/// <param name="Predictions">One entry per model that applies.</param>
/// <param name="Failure">Why the structure could not be predicted, typed (null on success): its
/// <see cref="CftException.Status"/> is what the C ABI returns and the CLI turns into its exit code.</param>
public sealed record StructurePrediction(string Id, Crystal? Structure, string HermannMauguin, string? Note, IReadOnlyList<Prediction> Predictions, CftException? Failure = null)
{
    /// <summary>The failure's message (null on success).</summary>
    public string? Error => Failure?.Message;
    /// <summary>The failure's code (<see cref="CftStatus.Ok"/> on success).</summary>
    public CftStatus Status => Failure?.Status ?? CftStatus.Ok;

    /// <summary>IT number of the standardised structure (0 when none).</summary>
    public int SpaceGroup => Structure?.Symmetry.Number ?? 0;
    /// <summary>Catalogue setting symbol of the standardised structure ("" when none).</summary>
    public string Setting => Structure?.Symmetry.Setting?.Symbol ?? "";
}

/// <summary>
/// Predicts properties from structures: standardises each structure to the ITA standard setting of its space group
/// (spglib), computes its G-invariant features, batches them and runs every model; when none of the models that run
/// needs symmetry (<see cref="CftModel.NeedsSymmetry"/>) the cell is used as given, without spglib. Thread-safe.
/// <see cref="LoadDefault"/> finds the shipped models without configuration.
/// </summary>
public sealed class CftPredictor : IDisposable
{
    /// <summary>The model used when none is named (the C ABI's <c>cft_model_open(NULL)</c>): formation energy of perovskites.</summary>
    public const string DefaultModelName = "cmr_perovskites-e_form";

    /// <summary>Environment variable naming a folder of .onnx models that replaces the shipped ones.</summary>
    public const string ModelDirectoryVariable = "CFT_MODELS";

    /// <summary>
    /// The most unique sites a structure may have after standardisation: beyond it the structure fails with
    /// <see cref="InvalidStructureException"/> instead of stalling the run (the models' pair tensors and attention grow
    /// with the square of the sites: measured 1.8 s and 0.9 GB for one model at 500 P1 sites, 14 s and 3.2 GB at 1,000).
    /// No shipped model was trained on more than 58 atoms per primitive cell, so such a prediction would be out of domain anyway.
    /// </summary>
    public const int MaxSitesPerStructure = 512;

    private readonly Featurizer _featurizer = new();

    /// <summary>Wraps loaded models (the predictor owns and disposes them).</summary>
    public CftPredictor(IReadOnlyList<CftModel> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        if (models.Count == 0) throw new ArgumentException("at least one model is needed", nameof(models));
        foreach (var m in models)
            if (!m.Layout.Equals(_featurizer.Layout)) throw new CftModelException($"{m.Path}: feature layout {m.Layout.Signature}, the featurizer writes {_featurizer.Layout.Signature}");
        Models = models;
    }

    /// <summary>The models, in load order.</summary>
    public IReadOnlyList<CftModel> Models { get; }

    /// <summary>Symmetry tolerance in Å for standardisation (spglib's symprec).</summary>
    public double ToleranceAngstrom { get; init; } = Crystal.DefaultToleranceAngstrom;

    /// <summary>Standardise with spglib (default). When false, structures are used in the symmetry their file gives.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>
    /// Standardise with spglib even when none of the models that run needs symmetry (by default such structures are used
    /// as given, in P1, and their <see cref="StructurePrediction.SpaceGroup"/> is 1): for the space group in the output.
    /// </summary>
    public bool AlwaysStandardize { get; init; }

    /// <summary>Structures per model call.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// The folder of the shipped models: <c>$CFT_MODELS</c> when set, else <c>models/</c> beside the application.
    /// </summary>
    public static string DefaultModelDirectory => ModelDirectoryBeside(AppContext.BaseDirectory);

    /// <summary>
    /// <c>$CFT_MODELS</c> when set, else <c>models/</c> in <paramref name="directory"/> (the folder of the program or
    /// library that ships the models).
    /// </summary>
    public static string ModelDirectoryBeside(string directory) =>
        Environment.GetEnvironmentVariable(ModelDirectoryVariable) is { Length: > 0 } dir ? dir : Path.Combine(directory, "models");

    /// <summary>Every .onnx in <paramref name="directory"/> (default <see cref="DefaultModelDirectory"/>), sorted by name.</summary>
    /// <exception cref="CftModelException">The folder is missing or holds no model.</exception>
    public static IReadOnlyList<string> FindModels(string? directory = null)
    {
        directory ??= DefaultModelDirectory;
        if (!Directory.Exists(directory)) throw new CftModelException($"{directory}: model folder not found (set {ModelDirectoryVariable} to a folder of .onnx models)");
        var files = Directory.GetFiles(directory, "*.onnx").OrderBy(f => f, StringComparer.Ordinal).ToList();
        if (files.Count == 0) throw new CftModelException($"{directory}: no .onnx model in the folder");
        return files;
    }

    /// <summary>Builds every model's ONNX Runtime session now (concurrently) and waits, so that every check has run.</summary>
    /// <exception cref="CftModelException">A model cannot be loaded.</exception>
    public void EnsureLoaded()
    {
        foreach (var m in Models) m.Prepare();
        foreach (var m in Models) m.EnsureLoaded();
    }

    /// <summary>Opens the shipped models (<see cref="FindModels"/>); see <see cref="Load(IEnumerable{string}, int)"/>.</summary>
    public static CftPredictor LoadDefault(int threads = 1) => Load(FindModels(), threads);

    /// <summary>
    /// Opens models by path, or by name (file name without .onnx) from <see cref="DefaultModelDirectory"/>. Their
    /// metadata is read and checked now; a model's ONNX Runtime session is built when a prediction first needs it
    /// (in the background, while structures are standardised), or by <see cref="EnsureLoaded"/>.
    /// </summary>
    /// <exception cref="CftModelException">A model is missing or its metadata does not match this runtime.</exception>
    public static CftPredictor Load(IEnumerable<string> modelsOrNames, int threads = 1) => Load(modelsOrNames, DefaultModelDirectory, threads);

    /// <summary>As <see cref="Load(IEnumerable{string}, int)"/>, with names looked up in <paramref name="modelDirectory"/>.</summary>
    public static CftPredictor Load(IEnumerable<string> modelsOrNames, string modelDirectory, int threads = 1)
    {
        var models = new List<CftModel>();
        try
        {
            foreach (var m in modelsOrNames)
                models.Add(CftModel.Open(Resolve(m, modelDirectory), threads));
            return new CftPredictor(models);
        }
        catch
        {
            foreach (var m in models) m.Dispose();
            throw;
        }
    }

    private static string Resolve(string modelOrName, string directory)
    {
        if (File.Exists(modelOrName) || modelOrName.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || modelOrName.Contains('/')) return modelOrName;
        string candidate = Path.Combine(directory, modelOrName + ".onnx");
        if (File.Exists(candidate)) return candidate;
        var known = Directory.Exists(directory) ? Directory.GetFiles(directory, "*.onnx").Select(Path.GetFileNameWithoutExtension).OrderBy(n => n, StringComparer.Ordinal).ToArray() : [];
        throw new CftModelException($"model '{modelOrName}': no such file, and no {modelOrName}.onnx in {directory} (known: {string.Join(", ", known)})");
    }

    /// <summary>
    /// Predicts every structure with every model whose training elements cover it (or with every model when
    /// <paramref name="outOfDomain"/> is true). A prediction for a structure outside its model's domain
    /// (<see cref="ModelDomain.Check"/>: elements, atoms per primitive cell, formula type, novelty) is marked
    /// <see cref="Prediction.InDomain"/> false with the reason; unless <paramref name="outOfDomain"/> is true, such a
    /// prediction is dropped when another model gives the same property in its domain.
    /// Structures that cannot be standardised get a <see cref="StructurePrediction.Failure"/>; the others are unaffected.
    /// </summary>
    public IReadOnlyList<StructurePrediction> Predict(IReadOnlyList<Crystal> crystals, int maxDegreeOfParallelism = 1, bool outOfDomain = false) =>
        Predict(crystals, null, maxDegreeOfParallelism, outOfDomain);

    /// <summary>
    /// As <see cref="Predict(IReadOnlyList{Crystal}, int, bool)"/>; where <paramref name="statedGroup"/>[i] is true the
    /// structure's group is the caller's (unique sites in its standard setting): trusted, canonicalised, never
    /// re-detected (<see cref="SymmetryFinder.Trusted"/>).
    /// </summary>
    public IReadOnlyList<StructurePrediction> Predict(IReadOnlyList<Crystal> crystals, IReadOnlyList<bool>? statedGroup, int maxDegreeOfParallelism = 1, bool outOfDomain = false)
    {
        ArgumentNullException.ThrowIfNull(crystals);
        if (statedGroup is not null && statedGroup.Count != crystals.Count) throw new ArgumentException($"statedGroup has {statedGroup.Count} entries for {crystals.Count} structures", nameof(statedGroup));
        // Elements do not change under standardisation: coverage is known from the inputs, so the sessions of the
        // models this call needs build in the background while the structures are standardised and featurised.
        var covers = Models.Select(m => crystals.Select(c => m.Covers(c.Sites.Select(s => s.AtomicNumber))).ToArray()).ToArray();
        var willRun = Enumerable.Range(0, Models.Count).Where(m => outOfDomain || covers[m].Any(c => c)).ToArray();
        foreach (int m in willRun) Models[m].Prepare();
        var prepared = new PreparedStructure?[crystals.Count];
        var errors = new CftException?[crystals.Count];
        // When no model that runs needs symmetry (pair-only models of the volume per atom or of the Niggli cell: the same
        // output on every cell of a crystal), each structure gets its Niggli-reduced primitive cell and spglib, the
        // costliest stage, is not called; cells with more atoms than the models take are still standardised (their
        // unique sites may be few enough).
        int reducedCellUpTo = !AlwaysStandardize && willRun.Length > 0 && willRun.All(m => !Models[m].NeedsSymmetry) ? MaxSitesPerStructure : 0;
        var outcomes = StructurePreparation.PrepareAll(crystals, ToleranceAngstrom, Standardize, maxDegreeOfParallelism, statedGroup, reducedCellUpTo);
        for (int i = 0; i < crystals.Count; i++)
        {
            if (outcomes[i].Prepared is { } p && p.Crystal.Sites.Count > MaxSitesPerStructure)
                errors[i] = new InvalidStructureException(FormattableString.Invariant(
                    $"{p.Crystal.Sites.Count:N0} unique sites in {p.HermannMauguin}; the models take at most {MaxSitesPerStructure} (CftPredictor.MaxSitesPerStructure: their time and memory grow with the square of the sites)"));
            else (prepared[i], errors[i]) = (outcomes[i].Prepared, outcomes[i].Error);
        }
        var ok = Enumerable.Range(0, crystals.Count).Where(i => prepared[i] is not null).ToArray();
        var structures = ok.Select(i => prepared[i]!.Crystal).ToArray();
        // Only the work the models that run need: Fourier features when one of them reads them (a model trained without
        // them is given zeros: a null entry), pair features when one takes them; each computed once and shared.
        var runs = Enumerable.Range(0, Models.Count).Where(m => outOfDomain || ok.Any(i => covers[m][i])).Select(m => Models[m]).ToList();
        int featureCount = _featurizer.Layout.FeatureCount;
        var features = new float[]?[structures.Length];
        if (runs.Any(m => m.UsesFourierFeatures))
        {
            var batch = _featurizer.FeaturizeBatch(structures, maxDegreeOfParallelism);
            for (int k = 0; k < structures.Length; k++)
                features[k] = batch.Features.AsSpan(batch.SiteStart[k] * featureCount, (batch.SiteStart[k + 1] - batch.SiteStart[k]) * featureCount).ToArray();
        }

        // A model of the Niggli cell reads the reduced primitive cell: where preparation standardised instead (another model
        // that runs needs symmetry), that cell is derived from the standardised crystal; a structure whose reduced cell
        // cannot be had (more atoms than the models take, or the reduction fails) is not given to such models, and its
        // note says so.
        var reduced = structures;
        var notRun = new string?[structures.Length];
        if (runs.Any(m => m.Cell == CellDescriptor.Niggli) && ok.Any(i => !prepared[i]!.IsReducedCell))
        {
            reduced = new Crystal[structures.Length];
            Parallel.For(0, structures.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) }, k =>
            {
                if (prepared[ok[k]]!.IsReducedCell) { reduced[k] = structures[k]; return; }
                int atoms = structures[k].Sites.Sum(s => s.Multiplicity);
                string? reason = null;
                if (atoms > SymmetryFinder.MaxAtomsForSymmetry)
                    reason = FormattableString.Invariant($"its standard cell has {atoms:N0} atoms; the reduction takes at most {SymmetryFinder.MaxAtomsForSymmetry:N0}");
                else
                    try
                    {
                        var cell = SymmetryFinder.ReducedCell(structures[k], ToleranceAngstrom).Crystal;
                        if (cell.Sites.Count > MaxSitesPerStructure)
                            reason = FormattableString.Invariant($"its reduced cell has {cell.Sites.Count:N0} atoms; the models take at most {MaxSitesPerStructure}");
                        else reduced[k] = cell;
                    }
                    catch (CftException e) { reason = "no Niggli-reduced cell: " + e.Message; }
                var skipped = Enumerable.Range(0, Models.Count).Where(m => Models[m].Cell == CellDescriptor.Niggli && (outOfDomain || covers[m][ok[k]])).Select(m => Models[m].Name).ToArray();
                if (reason is not null && skipped.Length > 0) notRun[k] = $"{string.Join(", ", skipped)} not run: {reason}";
            });
        }
        Crystal?[] ViewOf(CftModel model) => model.Cell == CellDescriptor.Niggli ? reduced : structures;

        // Pair features of every cell a model that takes them reads, once per cell and pair basis (the models may differ in both).
        var pairFeatures = new Dictionary<(bool Reduced, string Basis), float[]?[]>();
        foreach (var model in runs)
        {
            if (model.Pairs is not { } basis) continue;
            var view = ViewOf(model);
            var key = (view != structures, basis.Signature);
            if (pairFeatures.ContainsKey(key)) continue;
            var result = new float[]?[view.Length];
            Parallel.For(0, view.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) },
                k => { if (view[k] is { } cell) result[k] = basis.Compute(cell); });
            pairFeatures[key] = result;
        }
        float[]?[] PairsOf(CftModel model) => pairFeatures[(ViewOf(model) != structures, model.Pairs!.Signature)];

        var values = new List<Prediction>[structures.Length];
        for (int k = 0; k < values.Length; k++) values[k] = [];
        var nonFinite = new string?[structures.Length];
        // Every (model, batch) pair is one work item, so that all models' batches share the threads without a barrier
        // between models; batches are cut small enough that every thread gets work.
        var work = new List<(int Model, int[] Chunk)>();
        for (int m = 0; m < Models.Count; m++)
        {
            var covered = ok.Select(i => covers[m][i]).ToArray();
            var view = ViewOf(Models[m]);
            // Batches of similar size: every structure of a batch is padded to its largest (pair tensors grow with S²).
            var chosen = Enumerable.Range(0, structures.Length).Where(k => (outOfDomain || covered[k]) && view[k] is not null).OrderBy(k => view[k]!.Sites.Count).ToArray();
            if (chosen.Length == 0) continue;
            Models[m].EnsureLoaded(); // here, so that a model that cannot load throws CftModelException, not from inside Parallel.For
            int threads = Math.Max(1, maxDegreeOfParallelism);
            int batchSize = Math.Max(1, Math.Min(BatchSize, threads == 1 ? BatchSize : (chosen.Length + 2 * threads - 1) / (2 * threads)));
            foreach (var chunk in SizeBuckets(chosen, k => view[k]!.Sites.Count, batchSize)) work.Add((m, chunk));
        }
        var results = new ModelOutput[work.Count];
        // A tensor model's members are projected, averaged, turned and reduced to derived scalars inside the parallel
        // section (the piezoelectric e_longitudinal_max searches the sphere per member: too costly for the serial loop below).
        var tensors = new TensorPrediction[work.Count][];
        // The largest batches first (cost grows with sites²), so that the last ones to finish are small.
        var order = Enumerable.Range(0, work.Count).OrderByDescending(w => (long)work[w].Chunk.Length * Square(ViewOf(Models[work[w].Model])[work[w].Chunk[^1]]!.Sites.Count)).ToArray();
        try
        {
            Parallel.For(0, order.Length, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxDegreeOfParallelism) }, o =>
            {
                var (m, chunk) = work[order[o]];
                var model = Models[m];
                var view = ViewOf(model);
                var pairs = model.Pairs is null ? null : PairsOf(model);
                var input = ModelInput.Create(chunk.Select(k => view[k]!).ToArray(), chunk.Select(k => model.UsesFourierFeatures ? features[k] : null).ToArray(), featureCount,
                    pairs is null ? null : chunk.Select(k => pairs[k]!).ToArray(), model.Pairs?.ChannelCount ?? 0);
                var output = model.Run(input);
                results[order[o]] = output;
                if (model.Tensor is { } kind)
                    tensors[order[o]] = chunk.Select((k, j) => TensorOf(model, kind, output, j, structures[k], prepared[ok[k]]!)).ToArray();
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.All(x => x is CftModelException))
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
        }
        // In model order, so that each structure's predictions are listed in the order of Models.
        for (int w = 0; w < work.Count; w++)
        {
            var (m, chunk) = work[w];
            var model = Models[m];
            for (int j = 0; j < chunk.Length; j++)
            {
                int k = chunk[j];
                if (model.Tensor is { } kind)
                {
                    var tensor = tensors[w][j];
                    var (primary, primaryStd) = tensor.Derived[TensorPrediction.PrimaryScalar(kind)];
                    if (!double.IsFinite(primary) || tensor.Value.Cast<double>().Any(v => !double.IsFinite(v)))
                        nonFinite[k] ??= $"model {model.Name} gave a non-finite {model.Property} tensor: the structure is outside what the model can represent (check the cell and coordinates)";
                    else
                        values[k].Add(new Prediction(model.Property, primary, model.Unit, model.Name, primaryStd, model.Domain.Check(structures[k], results[w].Novelty?[j]), tensor));
                    continue;
                }
                float value = results[w].Prediction[j];
                double? std = results[w].Std is { } sd ? sd[j] : null;
                double? novelty = results[w].Novelty is { } nv ? nv[j] : null;
                // A non-finite output is no prediction: the structure fails with the reason instead of carrying NaN or ∞.
                if (!float.IsFinite(value) || std is double sv && !double.IsFinite(sv))
                    nonFinite[k] ??= $"model {model.Name} gave a non-finite {model.Property} ({value.ToString(System.Globalization.CultureInfo.InvariantCulture)} ± {(std ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture)}): the structure is outside what the model can represent (check the cell and coordinates)";
                else
                    values[k].Add(new Prediction(model.Property, value, model.Unit, model.Name, std, model.Domain.Check(ViewOf(model)[k]!, novelty)));
            }
        }

        if (!outOfDomain)
            for (int k = 0; k < values.Length; k++)
            {
                var held = values[k].Where(p => p.InDomain).Select(p => p.Property).ToHashSet(StringComparer.Ordinal);
                values[k].RemoveAll(p => !p.InDomain && held.Contains(p.Property));
            }

        var output = new StructurePrediction[crystals.Count];
        for (int i = 0, k = 0; i < crystals.Count; i++)
        {
            if (prepared[i] is { } p)
            {
                output[i] = nonFinite[k] is { } reason
                    ? new StructurePrediction(crystals[i].Id, null, "", null, [], new CftModelException(reason))
                    : new StructurePrediction(crystals[i].Id, p.Crystal, p.HermannMauguin, JoinNotes(p.Note, notRun[k]), values[k]);
                k++;
            }
            else output[i] = new StructurePrediction(crystals[i].Id, null, "", null, [], errors[i]);
        }
        return output;
    }

    private static long Square(int n) => (long)n * n;

    private static string? JoinNotes(string? first, string? second) => first is null ? second : second is null ? first : first + "; " + second;

    /// <summary>Structure <paramref name="j"/>'s tensor from a tensor model's batch output: every member projected onto the basis of
    /// the structure's setting (P1's, i.e. no constraint, for a structure kept in a custom setting), turned into the input's frame.</summary>
    private static TensorPrediction TensorOf(CftModel model, TensorKind kind, ModelOutput output, int j, Crystal structure, PreparedStructure prepared)
    {
        var basis = PropertyTensorBasis.ForModelFrame(structure.Symmetry.Setting ?? SpaceGroups.Standard(1), kind);
        var (rows, columns) = PropertyTensorBasis.ShapeOf(kind);
        int size = output.Members * rows * columns;
        return TensorPrediction.FromMembers(basis, output.TensorMembers.AsSpan(j * size, size), output.Members, prepared.Frame, prepared.StandardFrame);
    }

    /// <summary>
    /// Splits indices sorted by size into batches of at most <paramref name="batchSize"/> whose largest structure
    /// has at most twice the sites of the smallest, so that padding costs at most 2× (4× for pair tensors).
    /// </summary>
    internal static int[][] SizeBuckets(int[] sortedBySize, Func<int, int> size, int batchSize)
    {
        var chunks = new List<int[]>();
        int start = 0;
        for (int i = 1; i <= sortedBySize.Length; i++)
            if (i == sortedBySize.Length || i - start == batchSize || size(sortedBySize[i]) > 2 * size(sortedBySize[start]))
            {
                chunks.Add(sortedBySize[start..i]);
                start = i;
            }
        return chunks.ToArray();
    }

    /// <summary>Predicts one structure (see <see cref="Predict(IReadOnlyList{Crystal}, int, bool)"/>).</summary>
    public StructurePrediction Predict(Crystal crystal, bool outOfDomain = false) => Predict([crystal], 1, outOfDomain)[0];

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var m in Models) m.Dispose();
    }
}
