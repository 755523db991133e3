using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Inference;
using CftRuntime.Symmetry;
using CftRuntime.Tests.Symmetry;
using Xunit;

namespace CftRuntime.Tests.Inference;

public class CftModelTests
{
    [Theory]
    [MemberData(nameof(ModelTestData.ShippedScalarModels), MemberType = typeof(ModelTestData))]
    public void Onnx_Runtime_reproduces_the_PyTorch_test_vectors(string name)
    {
        using var model = CftModel.Load(ModelTestData.ModelPath(name));
        var vectors = ModelTestData.ReadTestVectors(Path.ChangeExtension(ModelTestData.ModelPath(name), ".testvectors.json"));
        Assert.True(vectors.Input.Batch >= 2, "the test vectors should hold a padded batch");
        var output = model.Run(vectors.Input);
        var predicted = output.Prediction;
        for (int i = 0; i < predicted.Length; i++)
            Assert.True(ModelTestData.Close(predicted[i], vectors.Prediction[i], 1e-5), $"{vectors.Ids[i]}: ONNX Runtime {predicted[i]}, PyTorch {vectors.Prediction[i]}");
        // Ensembles: the members' spread and the novelty score travel through ONNX Runtime as well.
        Assert.Equal(vectors.Std is null, output.Std is null);
        Assert.Equal(vectors.Novelty is null, output.Novelty is null);
        for (int i = 0; i < predicted.Length && vectors.Std is not null; i++)
        {
            Assert.True(ModelTestData.Close(output.Std![i], vectors.Std[i], 1e-4), $"{vectors.Ids[i]}: std ONNX Runtime {output.Std[i]}, PyTorch {vectors.Std[i]}");
            Assert.True(ModelTestData.CloseSquared(output.Novelty![i], vectors.Novelty![i], 1e-4), $"{vectors.Ids[i]}: novelty ONNX Runtime {output.Novelty[i]}, PyTorch {vectors.Novelty[i]}");
        }
    }

    /// <summary>The trainer's export and the runtime name the graph's inputs and outputs alike (one list each side, checked here).</summary>
    [Fact]
    public void The_trainer_and_the_runtime_name_the_inputs_and_outputs_alike()
    {
        string export = File.ReadAllText(Path.Combine(TestData.RepositoryRoot, "trainer", "cft_export.py"));
        string[] Names(string variable) => System.Text.RegularExpressions.Regex.Match(export, $@"(?m)^{variable} = \[(.*)\]$").Groups[1].Value
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(n => n.Trim('"')).ToArray();
        Assert.Equal([.. Names("INPUT_NAMES"), "pair"], CftModel.InputNames);
        Assert.Equal(Names("OUTPUT_NAMES"), CftModel.OutputNames.Where(n => n != CftModel.TensorOutputName));
    }

    /// <summary>models/ stays small enough for a git repository: at most 40 MB in all (the issue's budget).</summary>
    [Fact]
    public void The_shipped_models_fit_the_repository_budget()
    {
        long bytes = new DirectoryInfo(ModelTestData.ModelDirectory).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.True(bytes <= 40_000_000, $"models/ holds {bytes:N0} bytes, over the 40,000,000-byte budget");
    }

    [Theory]
    [MemberData(nameof(ModelTestData.ShippedScalarModels), MemberType = typeof(ModelTestData))]
    public void Shipped_models_carry_their_metadata(string name)
    {
        using var model = CftModel.Load(ModelTestData.ModelPath(name));
        Assert.Equal(FeatureLayout.Default.Signature, model.Metadata["cft.layout"]);
        foreach (var key in new[] { "cft.data", "cft.split", "cft.metrics", "cft.normalization", "cft.architecture" })
            Assert.False(string.IsNullOrWhiteSpace(model.Metadata.TryGetValue(key, out var v) ? v : null), $"{name}: metadata {key}");
        Assert.Contains(model.Property, new[] { "e_form", "gap_gllbsc", "formation_energy", "band_gap", "K_Voigt", "G_Voigt", "energy_per_atom" });
        // The property is the dataset column and the name is <dataset>-<property>.
        Assert.EndsWith("-" + model.Property, name);
        // Every shipped model is an ensemble with a domain (cft_train.py's format 1.1).
        Assert.True(model.Domain.IsDescribed, name);
        Assert.NotNull(model.Domain.NoveltyThreshold);
        using (var architecture = System.Text.Json.JsonDocument.Parse(model.Metadata["cft.architecture"]))
            Assert.True(architecture.RootElement.GetProperty("members").GetInt32() >= 5, $"{name}: fewer than 5 members");
        Assert.NotEmpty(model.Elements);
    }

    [Fact]
    public void Unique_sites_weighted_by_multiplicity_equal_the_full_cell()
    {
        // e_form: values of order 1, so 1e-5 is tight (float32 energies near −154 eV/atom resolve only ~1.5e-5 absolute).
        const string name = CftPredictor.DefaultModelName;
        // Every atom of an orbit has the same (G-invariant) features, so the full cell is the unique sites repeated;
        // log-multiplicity attention bias, weighted pooling and pair messages that are linear in the orbit-summed
        // pair features make the two inputs give the same output.
        using var model = CftModel.Load(ModelTestData.ModelPath(name));
        var featurizer = new Featurizer();
        foreach (var path in new[] { "cubic/POSCAR-225", "hexagonal/POSCAR-194", "tetragonal/POSCAR-141", "monoclinic/POSCAR-015" })
        {
            var crystal = SymmetryFinder.Standardize(SymmetryTestData.Read(path)).Crystal;
            // The model's own pair basis (the default model's carries three-body channels: those must match too).
            var pairs = model.Pairs ?? PairFeaturizer.Default;
            int radial = pairs.ChannelCount;
            var unique = ModelInput.Create([crystal], [featurizer.Featurize(crystal)], featurizer.FeatureCount,
                model.Pairs is null ? null : [pairs.Compute(crystal)], radial);
            var cell = crystal.ExpandToCell();
            Assert.Equal(crystal.Sites.Sum(s => s.Multiplicity), cell.Count);
            var positions = cell.SelectMany(s => new[] { s.X, s.Y, s.Z }).ToArray();
            var cellFeatures = new float[cell.Count * featurizer.FeatureCount];
            featurizer.Featurize(crystal.Symmetry, positions, cellFeatures);
            // Pair features of the full cell: every atom its own site (P1).
            var p1 = new Crystal(crystal.Id, crystal.Lattice, CrystalSymmetry.P1, cell);
            var full = new ModelInput(1, cell.Count, featurizer.FeatureCount, cellFeatures, cell.Select(s => (long)s.AtomicNumber).ToArray(),
                cell.Select(s => (float)s.Occupancy).ToArray(), unique.Lattice, model.Pairs is null ? null : pairs.Compute(p1), radial);
            float a = model.Run(unique).Prediction[0], b = model.Run(full).Prediction[0];
            Assert.True(ModelTestData.Close(a, b, 1e-5), $"{path}: unique sites {a}, full cell ({cell.Count} atoms) {b}");
        }
    }

    [Fact]
    public void Padding_does_not_change_a_prediction()
    {
        using var model = CftModel.Load(ModelTestData.ModelPath(CftPredictor.DefaultModelName));
        var featurizer = new Featurizer();
        var pair = new[] { "cubic/POSCAR-221", "monoclinic/POSCAR-015" }.Select(p => SymmetryFinder.Standardize(SymmetryTestData.Read(p)).Crystal).OrderBy(c => c.Sites.Count).ToArray();
        var (small, large) = (pair[0], pair[1]);
        Assert.True(large.Sites.Count > small.Sites.Count, $"{large.Sites.Count} vs {small.Sites.Count} sites");
        int radial = (model.Pairs ?? PairFeaturizer.Default).ChannelCount;
        float[][]? Pairs(params Crystal[] cs) => model.Pairs is null ? null : cs.Select(model.Pairs.Compute).ToArray();
        float alone = model.Run(ModelInput.Create([small], [featurizer.Featurize(small)], featurizer.FeatureCount, Pairs(small), radial)).Prediction[0];
        float padded = model.Run(ModelInput.Create([large, small], [featurizer.Featurize(large), featurizer.Featurize(small)], featurizer.FeatureCount, Pairs(large, small), radial)).Prediction[1];
        Assert.True(ModelTestData.Close(alone, padded, 1e-5), $"alone {alone}, in a padded batch {padded}");
    }

    private static string PatchedCopy(string name, string from, string to)
    {
        Assert.Equal(from.Length, to.Length); // same length keeps the protobuf valid
        var bytes = File.ReadAllBytes(ModelTestData.ModelPath(name));
        var needle = Encoding.UTF8.GetBytes(from);
        int at = bytes.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, $"'{from}' not in {name}.onnx");
        Encoding.UTF8.GetBytes(to).CopyTo(bytes, at);
        string path = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_model_for_another_feature_layout_is_refused_with_the_field_named()
    {
        string name = (string)ModelTestData.ShippedScalarModels.First()[0];
        var cases = new[]
        {
            (From: FeatureLayout.Default.Signature, To: FeatureLayout.Default.Signature.Replace("K=4", "K=3"), Field: "cft.layout"),
            (From: "1,1,1;1,1,0;", To: "1,1,0;1,1,1;", Field: "cft.frequencies"),
        };
        foreach (var c in cases)
        {
            string path = PatchedCopy(name, c.From, c.To);
            try
            {
                var e = Assert.Throws<CftModelException>(() => CftModel.Load(path));
                Assert.Contains(c.Field, e.Message);
                Assert.Contains(path, e.Message);
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void Missing_or_broken_model_files_are_clear_errors()
    {
        var missing = Assert.Throws<CftModelException>(() => CftModel.Load("/nonexistent/model.onnx"));
        Assert.Contains("not found", missing.Message);
        string junk = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(junk, "not a model");
        try
        {
            var e = Assert.Throws<CftModelException>(() => CftModel.Load(junk));
            Assert.Contains(junk, e.Message);
        }
        finally { File.Delete(junk); }
    }

    [Theory]
    [MemberData(nameof(ModelTestData.ShippedModels), MemberType = typeof(ModelTestData))]
    public void Metadata_read_without_onnx_runtime_equals_the_sessions(string name)
    {
        string path = ModelTestData.ModelPath(name);
        var read = OnnxMetadata.Read(path);
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path);
        Assert.Equal(session.ModelMetadata.CustomMetadataMap.OrderBy(p => p.Key), read.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData(new byte[] { 0x3A, 0x05, 0x01 })]          // graph field longer than the data
    [InlineData(new byte[] { 0x08 })]                      // truncated varint
    [InlineData(new byte[] { 0x0F, 0x00 })]                // wire type 7
    [InlineData(new byte[] { 0x08, 0x01 })]                // no graph
    [InlineData(new byte[] { 0x09, 0x01, 0x02 })]          // fixed64 past the end
    [InlineData(new byte[] { 0x0D, 0x01 })]                // fixed32 past the end
    [InlineData(new byte[] { 0xF2, 0xFF, 0xFF, 0xFF, 0x7F, 0x00 })]  // field number ≥ 2^29
    public void Malformed_protobuf_is_refused(byte[] bytes)
    {
        Assert.Throws<FormatException>(() => OnnxMetadata.Parse(bytes));
    }

    [Fact]
    public void Open_reads_metadata_only_and_a_broken_graph_fails_when_the_session_is_built()
    {
        // A ModelProto with the shipped model's metadata and a graph that is not one: Open accepts it (metadata
        // only); building the session reports the file.
        string name = (string)ModelTestData.ShippedScalarModels.First()[0];
        var metadata = OnnxMetadata.Read(ModelTestData.ModelPath(name));
        var bytes = new List<byte> { 0x08, 0x08, 0x3A, 0x03, 0xFF, 0xFF, 0xFF };
        foreach (var (key, value) in metadata)
        {
            var entry = new List<byte>();
            AddString(entry, 1, key);
            AddString(entry, 2, value);
            bytes.Add(0x72); // field 14, length-delimited
            AddVarint(bytes, entry.Count);
            bytes.AddRange(entry);
        }
        string path = Path.Combine(Path.GetTempPath(), $"cft-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, bytes.ToArray());
        try
        {
            using var model = CftModel.Open(path);
            Assert.Equal(metadata["cft.target"], model.Property);
            var e = Assert.Throws<CftModelException>(() => model.EnsureLoaded());
            Assert.Contains(path, e.Message);
            Assert.Contains("not a loadable ONNX model", e.Message);
            // The predictor surfaces the same error when a structure needs the model.
            using var predictor = new CftPredictor([CftModel.Open(path)]);
            var crystal = new Crystal("SrTiO3", Lattice.FromParameters(3.905, 3.905, 3.905, 90, 90, 90), CrystalSymmetry.FromSetting(CftRuntime.Tables.SpaceGroups.Standard(221)),
                new[] { new Site(38, 0, 0, 0), new Site(22, 0.5, 0.5, 0.5), new Site(8, 0.5, 0.5, 0) });
            Assert.Throws<CftModelException>(() => predictor.Predict([crystal], 1, outOfDomain: true));
        }
        finally { File.Delete(path); }
    }

    private static void AddString(List<byte> bytes, int field, string text)
    {
        var utf8 = System.Text.Encoding.UTF8.GetBytes(text);
        bytes.Add((byte)(field << 3 | 2));
        AddVarint(bytes, utf8.Length);
        bytes.AddRange(utf8);
    }

    private static void AddVarint(List<byte> bytes, int value)
    {
        uint v = (uint)value;
        while (v >= 0x80) { bytes.Add((byte)(v | 0x80)); v >>= 7; }
        bytes.Add((byte)v);
    }

    [Fact]
    public async System.Threading.Tasks.Task Dispose_waits_for_runs_in_progress_and_later_runs_are_refused()
    {
        var model = CftModel.Load(ModelTestData.ModelPath(CftPredictor.DefaultModelName));
        var crystal = new Crystal("SrTiO3", Lattice.FromParameters(3.905, 3.905, 3.905, 90, 90, 90), CrystalSymmetry.FromSetting(CftRuntime.Tables.SpaceGroups.Standard(221)),
            new[] { new Site(38, 0, 0, 0), new Site(22, 0.5, 0.5, 0.5), new Site(8, 0.5, 0.5, 0) });
        var input = ModelInput.Create([crystal], [new Featurizer().Featurize(crystal)], FeatureLayout.Default.FeatureCount,
            [model.Pairs!.Compute(crystal)], model.Pairs!.ChannelCount);
        float expected = model.Run(input).Prediction[0];
        int runs = 0;
        var workers = Enumerable.Range(0, 4).Select(_ => System.Threading.Tasks.Task.Run(() =>
        {
            while (true)
            {
                try { Assert.Equal(expected, model.Run(input).Prediction[0]); System.Threading.Interlocked.Increment(ref runs); }
                catch (ObjectDisposedException) { return; }
            }
        })).ToArray();
        System.Threading.SpinWait.SpinUntil(() => System.Threading.Volatile.Read(ref runs) >= 20, TimeSpan.FromSeconds(30));
        model.Dispose();
        await System.Threading.Tasks.Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Throws<ObjectDisposedException>(() => model.Run(input));
        model.Dispose(); // twice is a no-op
    }
}
