using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Inference;
using CftRuntime.Io;
using CftRuntime.Symmetry;

namespace CftRuntime.Benchmarks;

/// <summary>
/// The share of each stage of a prediction, one thread: 256 real structures (CMR perovskites or carbon_24, CIF texts in
/// memory) through read (CIF text → crystal), prepare (spglib standardisation and the canonical image; for carbon also the
/// Niggli-reduced primitive cell, <see cref="SymmetryFinder.ReducedCell"/>, the stage a model that needs no symmetry gets), Fourier features,
/// pair features and the ONNX Runtime run of the dataset's shipped ensemble on CftPredictor's batches. The baseline is the
/// whole path (read + <see cref="CftPredictor.Predict(IReadOnlyList{Crystal}, int, bool)"/>), so each ratio is the stage's
/// share of it. One operation = one structure.
/// </summary>
[MemoryDiagnoser]
public class StageBenchmarks
{
    private const int Structures = 256;
    private (string Id, string Cif)[] _inputs = [];
    private Crystal[] _read = [];
    private Crystal[] _prepared = [];
    private float[][] _features = [];
    private float[][] _pairs = [];
    private CftPredictor _predictor = null!;
    private readonly Featurizer _featurizer = new();

    /// <summary>Dataset and its model.</summary>
    [Params("cmr_perovskites-e_form", "carbon_24-energy_per_atom")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string root = BenchData.RepositoryRoot;
        _inputs = BenchData.Rows(Model.Split('-')[0], Structures);
        _read = Read();
        _prepared = Prepare();
        _features = Fourier();
        _predictor = new CftPredictor([CftModel.Load(Path.Combine(root, "models", Model + ".onnx"))]) { BatchSize = Structures };
        _pairs = Pairs();
    }

    [GlobalCleanup]
    public void Cleanup() => _predictor.Dispose();

    [Benchmark(Baseline = true, Description = "whole: read + CftPredictor.Predict", OperationsPerInvoke = Structures)]
    public double Whole() => _predictor.Predict(Read(), 1, outOfDomain: true).Sum(r => r.Predictions[0].Value);

    [Benchmark(Description = "read: CIF text → crystal", OperationsPerInvoke = Structures)]
    public Crystal[] Read() => _inputs.Select(i => CifReader.ParseCrystals(i.Cif, i.Id)[0]).ToArray();

    [Benchmark(Description = "prepare: spglib + canonical image", OperationsPerInvoke = Structures)]
    public Crystal[] Prepare() => StructurePreparation.PrepareAll(_read, Crystal.DefaultToleranceAngstrom).Select(o => o.Prepared!.Crystal).ToArray();

    [Benchmark(Description = "prepare: the Niggli-reduced cell (no symmetry)", OperationsPerInvoke = Structures)]
    public int PrepareReducedCell() => StructurePreparation.PrepareAll(_read, Crystal.DefaultToleranceAngstrom, reducedCellUpTo: int.MaxValue).Sum(o => o.Prepared!.Crystal.Sites.Count);

    [Benchmark(Description = "Fourier features", OperationsPerInvoke = Structures)]
    public float[][] Fourier()
    {
        var batch = _featurizer.FeaturizeBatch(_prepared, 1);
        int f = _featurizer.Layout.FeatureCount;
        return Enumerable.Range(0, _prepared.Length).Select(k => batch.Features.AsSpan(batch.SiteStart[k] * f, (batch.SiteStart[k + 1] - batch.SiteStart[k]) * f).ToArray()).ToArray();
    }

    [Benchmark(Description = "pair features", OperationsPerInvoke = Structures)]
    public float[][] Pairs() => _prepared.Select((_predictor.Models[0].Pairs ?? PairFeaturizer.Default).Compute).ToArray();

    [Benchmark(Description = "model run (ONNX Runtime, CftPredictor's batches)", OperationsPerInvoke = Structures)]
    public double Run()
    {
        var model = _predictor.Models[0];
        var sorted = Enumerable.Range(0, _prepared.Length).OrderBy(k => _prepared[k].Sites.Count).ToArray();
        double sum = 0;
        foreach (var chunk in CftPredictor.SizeBuckets(sorted, k => _prepared[k].Sites.Count, Structures))
        {
            var input = ModelInput.Create(chunk.Select(k => _prepared[k]).ToArray(), chunk.Select(k => model.UsesFourierFeatures ? _features[k] : null).ToArray(),
                _featurizer.Layout.FeatureCount, model.Pairs is null ? null : chunk.Select(k => _pairs[k]).ToArray(), model.Pairs?.ChannelCount ?? 0);
            sum += model.Run(input).Prediction.Sum();
        }
        return sum;
    }
}
