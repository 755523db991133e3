using System;
using CftRuntime.Errors;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using CftRuntime.Features;
using Microsoft.ML.OnnxRuntime;

namespace CftRuntime.Inference;

/// <summary>A model file that cannot be used by this runtime: unreadable, wrong inputs, or metadata that does not match the runtime's feature layout.</summary>
public sealed class CftModelException(string message, Exception? inner = null) : CftException(CftStatus.Model, message, inner);

/// <summary>Which cell a model describes a structure by (metadata <c>cft.cell</c>, trainer/cft_train.py <c>--cell</c>).</summary>
public enum CellDescriptor
{
    /// <summary>a, b, c, angles and volume per atom of the standardised conventional cell (needs spglib).</summary>
    Lattice,
    /// <summary>The volume per atom only: the same for every cell of a crystal.</summary>
    Volume,
    /// <summary>a, b, c, angles and volume per atom of the Niggli-reduced primitive cell, with that cell's atoms
    /// (<see cref="Symmetry.SymmetryFinder.ReducedCell"/>): the same for every cell of a crystal, found without spglib.</summary>
    Niggli,
}

/// <summary>What a model gives for a batch, one entry per structure.</summary>
/// <param name="Prediction">The predicted values in the model's unit.</param>
/// <param name="Std">The ensemble members' standard deviation (null for a single-network model).</param>
/// <param name="Novelty">Distance of the structure's embedding to the nearest training structure (null when the model has no novelty output).</param>
/// <param name="TensorMembers">For a tensor model (<see cref="CftModel.Tensor"/>): every member's unprojected tensor in the model frame,
/// [batch, members, rows, columns] row-major; <paramref name="Prediction"/> is then empty.</param>
/// <param name="Members">Members per structure in <paramref name="TensorMembers"/> (0 for a scalar model).</param>
public sealed record ModelOutput(float[] Prediction, float[]? Std, float[]? Novelty, float[]? TensorMembers = null, int Members = 0);

/// <summary>
/// One trained CFT model (.onnx written by trainer/cft_train.py) in an ONNX Runtime session. Opening checks the
/// model's metadata against the runtime (the feature layout signature, the frequency list, the pair features);
/// the session, built in the background or on first use, checks the input names and element types.
/// <see cref="Run"/> is thread-safe.
/// </summary>
public sealed class CftModel : IDisposable
{
    /// <summary>Metadata keys every model must carry.</summary>
    public static readonly IReadOnlyList<string> RequiredMetadata = ["cft.version", "cft.layout", "cft.feature_count", "cft.frequencies", "cft.target", "cft.unit", "cft.elements"];

    /// <summary>The inputs a model may have, in this order (trainer/cft_export.py's names): <c>atomic_number</c> and
    /// <c>weight</c> always; <c>features</c> and <c>lattice</c> unless the graph reads neither (ONNX export drops an
    /// unused input: a model whose head reads only element and pair readouts, metadata <c>cft.positional</c> none and
    /// <c>cft.cell</c> volume); <c>pair</c> with pair features (metadata <c>cft.pair</c>).</summary>
    public static readonly IReadOnlyList<string> InputNames = ["features", "atomic_number", "weight", "lattice", "pair"];
    // The inputs this model's session declares, in InputNames' order (set when the session is built).
    private string[] _inputs = [];
    /// <summary>The outputs a model may have: <c>prediction</c> (required), and for ensembles (format 1.1) <c>std</c>
    /// and <c>novelty</c>; the names trainer/cft_export.py writes.</summary>
    public static readonly IReadOnlyList<string> OutputNames = ["prediction", "std", "novelty", TensorOutputName];

    /// <summary>The output of a tensor model (trainer/cft_tensor_train.py): the members' unprojected tensors [B, K, rows, columns].</summary>
    public const string TensorOutputName = "tensor_members";
    private string[] _outputs = ["prediction"];
    private readonly int _threads;
    private readonly object _gate = new();
    private Task<InferenceSession>? _session;
    private bool _disposed;
    private int _running;

    private CftModel(string path, int threads, IReadOnlyDictionary<string, string> metadata, FeatureLayout layout, PairFeaturizer? pairs, HashSet<int> elements)
    {
        (Path, _threads, Metadata, Layout, Pairs) = (path, threads, metadata, layout, pairs);
        Name = System.IO.Path.GetFileNameWithoutExtension(path);
        Property = metadata["cft.target"];
        Unit = metadata["cft.unit"];
        UsesFourierFeatures = !(metadata.TryGetValue("cft.positional", out var positional) && positional == "none");
        if (metadata.TryGetValue("cft.tensor", out var tensor))
            Tensor = Tensors.PropertyTensorBasis.TryParseKind(tensor, out var kind) ? kind
                : throw new CftModelException($"{path}: metadata 'cft.tensor' is '{tensor}', expected dielectric, elastic or piezoelectric");
        Cell = !metadata.TryGetValue(CellMetadataKey, out var cell) ? CellDescriptor.Lattice : cell switch
        {
            "lattice" => CellDescriptor.Lattice,
            "volume" => CellDescriptor.Volume,
            "niggli" => CellDescriptor.Niggli,
            _ => throw new CftModelException($"{path}: metadata '{CellMetadataKey}' is '{cell}', expected lattice, volume or niggli"),
        };
        if (Cell == CellDescriptor.Niggli && (UsesFourierFeatures || Tensor is not null))
            throw new CftModelException($"{path}: metadata '{CellMetadataKey}' is niggli, which only a scalar model without Fourier features (cft.positional = none) can use");
        NeedsSymmetry = UsesFourierFeatures || Tensor is not null || Cell == CellDescriptor.Lattice;
        Domain = ModelDomain.FromMetadata(path, metadata, elements);
    }

    /// <summary>Metadata key of the cell descriptor the model reads (trainer/cft_train.py <c>--cell</c>; <see cref="CellDescriptor"/>):
    /// <c>lattice</c> (the default when absent), <c>volume</c> or <c>niggli</c>.</summary>
    public const string CellMetadataKey = "cft.cell";

    /// <summary>The cell the model's <c>lattice</c> input and sites come from (metadata <see cref="CellMetadataKey"/>).</summary>
    public CellDescriptor Cell { get; }

    /// <summary>
    /// False for a model whose output depends only on the crystal, not on the cell it is given in: no Fourier features, a
    /// scalar property, and a cell descriptor that every cell of the crystal shares (<see cref="Cell"/> volume or niggli);
    /// its pair messages and multiplicity-weighted attention and pooling make any full cell equal to the standardised
    /// one. Such a model needs no symmetry analysis (<see cref="CftPredictor"/> then gives it the Niggli-reduced
    /// primitive cell, <see cref="Symmetry.SymmetryFinder.ReducedCell"/>, and skips spglib).
    /// </summary>
    public bool NeedsSymmetry { get; }

    /// <summary>What the training data span (elements, cell sizes, formula types, novelty threshold): predictions outside it are flagged.</summary>
    public ModelDomain Domain { get; }

    /// <summary>The tensor kind of a tensor model (metadata <c>cft.tensor</c>; its output is <see cref="TensorOutputName"/>), null for a scalar model.</summary>
    public Tensors.TensorKind? Tensor { get; }

    /// <summary>The .onnx file.</summary>
    public string Path { get; }
    /// <summary>File name without extension, e.g. <c>perov_5-heat_ref</c>.</summary>
    public string Name { get; }
    /// <summary>The predicted property: the dataset column it was trained on (e.g. <c>heat_ref</c>).</summary>
    public string Property { get; }
    /// <summary>Unit of the predictions (e.g. <c>eV/atom</c>).</summary>
    public string Unit { get; }
    /// <summary>The feature layout the model was trained on (equal to the runtime's).</summary>
    public FeatureLayout Layout { get; }
    /// <summary>Every metadata entry of the .onnx (keys <c>cft.*</c>: data, split, metrics, normalisation, …).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
    /// <summary>The pair features the model takes (its input 'pair'), or null for a model without pair input.</summary>
    public PairFeaturizer? Pairs { get; }
    /// <summary>
    /// False for a model trained without positional (Fourier) features (metadata <c>cft.positional</c> = none: it
    /// saw zeros in that input, and is given zeros).
    /// </summary>
    public bool UsesFourierFeatures { get; }
    /// <summary>Atomic numbers present in the training data.</summary>
    public IReadOnlySet<int> Elements => Domain.Elements;

    /// <summary>Whether every element of the structure was seen in training (predictions for others are extrapolations).</summary>
    public bool Covers(IEnumerable<int> atomicNumbers) => atomicNumbers.All(Domain.Elements.Contains);

    /// <summary>
    /// Opens a model from its metadata alone (no ONNX Runtime session yet: <see cref="Prepare"/> starts one in the
    /// background, <see cref="Run"/> waits for it). Cheap: for listing models and choosing among them.
    /// <paramref name="threads"/> is ONNX Runtime's intra-op thread count (1 = the calling thread only).
    /// </summary>
    /// <exception cref="CftModelException">The file is missing, is not an ONNX model, or its metadata does not match this runtime.</exception>
    public static CftModel Open(string path, int threads = 1)
    {
        if (!File.Exists(path)) throw new CftModelException($"{path}: model file not found");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "at least 1 thread");
        var metadata = OnnxMetadata.Read(path);
        var (layout, pairs, elements) = CheckMetadata(path, metadata);
        return new CftModel(path, threads, metadata, layout, pairs, elements);
    }

    /// <summary>Opens a model and builds its session now, so that every check (metadata, inputs, outputs) has run on return.</summary>
    /// <exception cref="CftModelException">The file is missing, is not an ONNX model, or does not match this runtime.</exception>
    public static CftModel Load(string path, int threads = 1)
    {
        var model = Open(path, threads);
        try
        {
            model.EnsureLoaded();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static readonly Lazy<Task> s_runtime = new(() => Task.Run(() => OrtEnv.Instance()));

    /// <summary>
    /// Loads ONNX Runtime (its native library and environment, ~30 ms) on the thread pool, once per process, so that
    /// a session built later does not wait for it. For start-up latency only; everything works without it.
    /// </summary>
    public static void PreloadRuntime() => _ = s_runtime.Value;

    /// <summary>
    /// Waits for a load started by <see cref="PreloadRuntime"/> to finish (at once when none was started). A process
    /// must call this before it exits: leaving <c>Main</c> while ONNX Runtime's native library is still initialising
    /// on the thread pool crashes the process (SIGSEGV or SIGABRT, about 1 run in 10 of a command that ends early).
    /// A failed load is not reported here; it surfaces when a session is built.
    /// </summary>
    public static void CompletePreload()
    {
        if (!s_runtime.IsValueCreated) return;
        try { s_runtime.Value.Wait(); }
        catch (AggregateException) { }
    }

    /// <summary>Starts building the ONNX Runtime session on the thread pool, if not yet started (idempotent, thread-safe).</summary>
    public void Prepare()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _session ??= Task.Run(CreateSession);
        }
    }

    /// <summary>Builds the session if not yet built and waits for it, so that every check has run.</summary>
    /// <exception cref="CftModelException">The session cannot be built or does not match the metadata.</exception>
    public void EnsureLoaded() => _ = Session;

    /// <summary>The session, waiting for <see cref="Prepare"/>'s build (started here when needed).</summary>
    private InferenceSession Session
    {
        get
        {
            Prepare();
            return _session!.GetAwaiter().GetResult();
        }
    }

    private InferenceSession CreateSession()
    {
        InferenceSession session;
        try
        {
            // No graph rewriting: it costs ~20 ms per session at start-up and, measured on the shipped models, gains
            // nothing end to end (perov_5 val, 3,787 structures: 9.21 s with ORT_ENABLE_ALL, 9.17 s without).
            using var options = new SessionOptions { IntraOpNumThreads = _threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
                // ONNX Runtime would also print a failed run to the host's stderr: the failure reaches the caller as a CftModelException.
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            session = new InferenceSession(Path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CftModelException($"{Path}: not a loadable ONNX model: {e.Message}", e);
        }
        try
        {
            CheckSignature(Path, session, Layout, Pairs, Tensor, UsesFourierFeatures, Cell);
            _inputs = InputNames.Where(session.InputMetadata.ContainsKey).ToArray();
            _outputs = OutputNames.Where(session.OutputMetadata.ContainsKey).ToArray();
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Checks a model's metadata against this runtime; returns the runtime layout it matches, its pair features and its elements.</summary>
    private static (FeatureLayout Layout, PairFeaturizer? Pairs, HashSet<int> Elements) CheckMetadata(string path, IReadOnlyDictionary<string, string> metadata)
    {
        foreach (var key in RequiredMetadata)
            if (!metadata.ContainsKey(key)) throw new CftModelException($"{path}: metadata '{key}' is missing: not a model written by trainer/cft_train.py");
        string version = metadata["cft.version"];
        if (!version.StartsWith("1.", StringComparison.Ordinal)) throw new CftModelException($"{path}: metadata 'cft.version' is {version}; this runtime reads model format 1.x");
        var layout = FeatureLayout.Default;
        if (metadata["cft.layout"] != layout.Signature)
            throw new CftModelException($"{path}: metadata 'cft.layout' is '{metadata["cft.layout"]}', this runtime's features are '{layout.Signature}': re-export the dataset with this runtime's `cft featurize` and retrain");
        if (metadata["cft.feature_count"] != layout.FeatureCount.ToString(CultureInfo.InvariantCulture))
            throw new CftModelException($"{path}: metadata 'cft.feature_count' is {metadata["cft.feature_count"]}, expected {layout.FeatureCount}");
        string frequencies = string.Join(';', Enumerable.Range(0, layout.FrequencyCount).Select(j => layout.Frequency(j)).Select(f => FormattableString.Invariant($"{f.H},{f.K},{f.L}")));
        if (metadata["cft.frequencies"] != frequencies)
            throw new CftModelException($"{path}: metadata 'cft.frequencies' lists other frequencies (or another order) than this runtime's layout {layout.Signature}: the feature columns would be misread");
        var elements = new HashSet<int>();
        foreach (var z in metadata["cft.elements"].Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(z, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1 || number > Crystals.Elements.MaxAtomicNumber)
                throw new CftModelException($"{path}: metadata 'cft.elements' holds '{z}', expected atomic numbers 1..{Crystals.Elements.MaxAtomicNumber} separated by commas");
            elements.Add(number);
        }
        // cft.pair is the pair-feature signature of a model with a 'pair' input, empty for one without.
        if (!metadata.TryGetValue("cft.pair", out var signature) || signature.Length == 0) return (layout, null, elements);
        if (!PairFeaturizer.TryParse(signature, out var pairs))
            throw new CftModelException($"{path}: metadata 'cft.pair' is '{signature}', expected pair features this runtime computes: " +
                FormattableString.Invariant($"rbf-orbit/cutoff=C/R=N/width=W (0 < C ≤ {PairFeaturizer.MaxCutoffAngstrom} Å, 2 ≤ N ≤ {PairFeaturizer.MaxRadialCount}, W ≥ {PairFeaturizer.MinWidthAngstrom}), optionally followed by +angular/cutoff=C/start=S/B=N/A=M/width=W (0 ≤ S < C ≤ {AngularPairBasis.MaxCutoffAngstrom} Å, 2 ≤ N ≤ {AngularPairBasis.MaxRadialCount}, 2 ≤ M ≤ {AngularPairBasis.MaxAngleCount}, W ≥ {AngularPairBasis.MinAngleWidth})"));
        return (layout, pairs, elements);
    }

    /// <summary>Checks the session's inputs and outputs against the metadata.</summary>
    private static void CheckSignature(string path, InferenceSession session, FeatureLayout layout, PairFeaturizer? pairs, Tensors.TensorKind? tensor,
        bool usesFourierFeatures, CellDescriptor cell)
    {
        foreach (var name in session.InputMetadata.Keys)
            if (!InputNames.Contains(name))
                throw new CftModelException($"{path}: the model has an input '{name}'; this runtime gives {string.Join(", ", InputNames)}");
        // Without 'features' or 'lattice' the graph does not read them; the metadata must then say so, so that the
        // runtime neither computes the Fourier features nor runs the symmetry analysis for it.
        foreach (var (name, type, required) in new[] { ("features", typeof(float), usesFourierFeatures), ("atomic_number", typeof(long), true),
                     ("weight", typeof(float), true), ("lattice", typeof(float), cell == CellDescriptor.Lattice || tensor is not null) })
        {
            if (!session.InputMetadata.TryGetValue(name, out var input))
            {
                if (!required) continue;
                throw new CftModelException($"{path}: the model has no input '{name}' (inputs: {string.Join(", ", session.InputMetadata.Keys)})" +
                    (name == "features" ? "; a model that reads no Fourier features says so with metadata 'cft.positional' = none" :
                     name == "lattice" ? "; a model that reads no cell says so with metadata 'cft.cell' = volume" : ""));
            }
            if (input.ElementType != type)
                throw new CftModelException($"{path}: input '{name}' is {input.ElementType.Name}, expected {type.Name}");
        }
        if (session.InputMetadata.TryGetValue("features", out var featureInput) && featureInput.Dimensions is { Length: 3 } d && d[2] != layout.FeatureCount)
            throw new CftModelException($"{path}: input 'features' has {d[2]} columns, expected {layout.FeatureCount}");
        bool hasPair = session.InputMetadata.TryGetValue("pair", out var pair);
        if (hasPair && pairs is null) throw new CftModelException($"{path}: the model has an input 'pair' but metadata 'cft.pair' is empty: the pair features it expects are unknown");
        if (!hasPair && pairs is not null) throw new CftModelException($"{path}: metadata 'cft.pair' is '{pairs.Signature}' but the model has no input 'pair'");
        if (hasPair && pair!.ElementType != typeof(float)) throw new CftModelException($"{path}: input 'pair' is {pair.ElementType.Name}, expected Single");
        if (hasPair && pair!.Dimensions is { Length: 4 } pd && pd[3] > 0 && pd[3] != pairs!.ChannelCount)
            throw new CftModelException($"{path}: input 'pair' has {pd[3]} channels per pair, metadata 'cft.pair' ('{pairs.Signature}') has {pairs.ChannelCount}");
        if (tensor is { } kind)
        {
            if (!session.OutputMetadata.TryGetValue(TensorOutputName, out var members))
                throw new CftModelException($"{path}: metadata 'cft.tensor' is {kind.ToString().ToLowerInvariant()} but the model has no output '{TensorOutputName}'");
            var (rows, columns) = Tensors.PropertyTensorBasis.ShapeOf(kind);
            if (members.Dimensions is not { Length: 4 } md || md[2] != rows || md[3] != columns)
                throw new CftModelException($"{path}: output '{TensorOutputName}' must be [batch, members, {rows}, {columns}]");
        }
        else if (!session.OutputMetadata.ContainsKey("prediction"))
            throw new CftModelException($"{path}: the model has no output 'prediction'");
        foreach (var name in OutputNames)
            if (session.OutputMetadata.TryGetValue(name, out var output) && output.ElementType != typeof(float))
                throw new CftModelException($"{path}: output '{name}' is {output.ElementType.Name}, expected Single");
    }

    /// <summary>Runs the model on a padded batch: per structure the value in <see cref="Unit"/> and, for an ensemble, the members' standard deviation and the novelty score.</summary>
    /// <exception cref="CftModelException">The session cannot be built, or ONNX Runtime fails on the input.</exception>
    /// <exception cref="ObjectDisposedException">The model was disposed.</exception>
    public ModelOutput Run(ModelInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.FeatureCount != Layout.FeatureCount) throw new ArgumentException($"input has {input.FeatureCount} features per site, the model takes {Layout.FeatureCount}", nameof(input));
        // Dispose waits for runs in progress, so a session is never released under a running call.
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _running++;
        }
        try
        {
            return RunSession(input);
        }
        catch (OnnxRuntimeException e)
        {
            throw new CftModelException($"{Path}: ONNX Runtime failed on a batch of {input.Batch} structures: {e.Message}", e);
        }
        finally
        {
            lock (_gate)
            {
                if (--_running == 0) Monitor.PulseAll(_gate);
            }
        }
    }

    private ModelOutput RunSession(ModelInput input)
    {
        if (Pairs is not null && (input.Pair is null || input.PairChannelCount != Pairs.ChannelCount))
            throw new ArgumentException($"{Name} takes pair features with C = {Pairs.ChannelCount} channels; the input has {(input.Pair is null ? "none" : "C = " + input.PairChannelCount)}", nameof(input));
        var session = Session;
        // Only the inputs the graph declares (_inputs, in InputNames' order) are wrapped.
        var values = new OrtValue[_inputs.Length];
        try
        {
            for (int k = 0; k < values.Length; k++)
                values[k] = _inputs[k] switch
                {
                    "features" => OrtValue.CreateTensorValueFromMemory(UsesFourierFeatures ? input.Features : new float[input.Features.Length], [input.Batch, input.Sites, input.FeatureCount]),
                    "atomic_number" => OrtValue.CreateTensorValueFromMemory(input.AtomicNumber, [input.Batch, input.Sites]),
                    "weight" => OrtValue.CreateTensorValueFromMemory(input.Weight, [input.Batch, input.Sites]),
                    "lattice" => OrtValue.CreateTensorValueFromMemory(input.Lattice, [input.Batch, 3, 3]),
                    _ => OrtValue.CreateTensorValueFromMemory(input.Pair!, [input.Batch, input.Sites, input.Sites, input.PairChannelCount]),
                };
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, _inputs, values, _outputs);
            return Read(outputs, input.Batch);
        }
        finally
        {
            foreach (var value in values) value?.Dispose();
        }
    }

    private ModelOutput Read(IDisposableReadOnlyCollection<OrtValue> outputs, int batch)
    {
        float[]? Get(string name)
        {
            int k = Array.IndexOf(_outputs, name);
            if (k < 0) return null;
            var result = outputs[k].GetTensorDataAsSpan<float>().ToArray();
            if (name == TensorOutputName) return result;
            if (result.Length != batch) throw new CftModelException($"{Path}: output '{name}' has {result.Length} values for {batch} structures");
            return result;
        }
        if (Tensor is { } kind)
        {
            var members = Get(TensorOutputName)!;
            var (rows, columns) = Tensors.PropertyTensorBasis.ShapeOf(kind);
            int perStructure = members.Length / Math.Max(batch, 1);
            if (members.Length != batch * perStructure || perStructure % (rows * columns) != 0 || perStructure == 0)
                throw new CftModelException($"{Path}: output '{TensorOutputName}' has {members.Length} values for {batch} structures of {rows}×{columns}");
            return new ModelOutput([], null, Get("novelty"), members, perStructure / (rows * columns));
        }
        return new ModelOutput(Get("prediction")!, Get("std"), Get("novelty"));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Task<InferenceSession>? session;
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            while (_running > 0) Monitor.Wait(_gate);
            session = _session;
        }
        // A session still being built is waited for and released; a build that failed has nothing to release.
        if (session is null) return;
        try { session.Wait(); }
        catch (AggregateException) { return; }
        session.Result.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Property}, {Unit})";
}
