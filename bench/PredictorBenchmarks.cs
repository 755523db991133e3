using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CftRuntime.Crystals;
using CftRuntime.Inference;
using CftRuntime.Io;

namespace CftRuntime.Benchmarks;

/// <summary>
/// CIF text to prediction on one thread: parse, standardise (spglib), featurize, ONNX Runtime, with the shipped
/// model of each dataset; 256 real structures (CMR perovskites or carbon_24, texts in memory) predicted one at a time
/// (batch 1, the baseline) or in one call (batch 256). One operation = one structure, so structures/s = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class PredictorBenchmarks
{
    private const int Structures = 256;
    private (string Id, string Cif)[] _inputs = [];
    private CftPredictor _predictor = null!;

    /// <summary>Dataset and its model.</summary>
    [Params("cmr_perovskites-e_form", "carbon_24-energy_per_atom")]
    public string Model { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        string root = BenchData.RepositoryRoot;
        _inputs = BenchData.Rows(Model.Split('-')[0], Structures);
        _predictor = new CftPredictor([CftModel.Load(Path.Combine(root, "models", Model + ".onnx"))]) { BatchSize = Structures };
    }

    [GlobalCleanup]
    public void Cleanup() => _predictor.Dispose();

    private Crystal Read((string Id, string Cif) input) => CifReader.ParseCrystals(input.Cif, input.Id)[0];

    [Benchmark(Baseline = true, Description = "CIF → prediction, batch 1", OperationsPerInvoke = Structures)]
    public double Batch1()
    {
        double sum = 0;
        foreach (var input in _inputs) sum += _predictor.Predict(Read(input), outOfDomain: true).Predictions[0].Value;
        return sum;
    }

    [Benchmark(Description = "CIF → prediction, batch 256", OperationsPerInvoke = Structures)]
    public double Batch256()
    {
        var crystals = _inputs.Select(Read).ToList();
        return _predictor.Predict(crystals, 1, outOfDomain: true).Sum(r => r.Predictions[0].Value);
    }
}
