using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;
using CftRuntime.Basis;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Tables;

namespace CftRuntime.Benchmarks;

/// <summary>
/// Featurizer throughput against, in the same run, (a) the naive direct sum over operations and
/// (b) a dense projection-matrix multiply like the reference implementation's (complex64 plane
/// waves of the closed frequency set times a dense [closure × columns] matrix). One operation = one
/// site (OperationsPerInvoke), so the Mean column is time per site.
/// </summary>
[MemoryDiagnoser]
public class FeaturizerBenchmarks
{
    private const int Sites = 256;

    [Params("P1", "P2_1/c", "Fm-3m", "P6_3/mmc")]
    public string Group { get; set; } = "P1";

    [Params(3, 4, 5)]
    public int Cutoff { get; set; }

    private Featurizer _featurizer = null!;
    private CrystalSymmetry _symmetry = null!;
    private IReadOnlyList<SymmetryOperation> _ops = null!;
    private double[] _positions = null!;
    private float[] _output = null!;
    private (int H, int K, int L)[] _columns = null!;
    private (int H, int K, int L)[] _closure = null!;
    private float[] _denseRe = null!, _denseIm = null!;
    private float[] _waveRe = null!, _waveIm = null!, _accRe = null!, _accIm = null!;

    [GlobalSetup]
    public void Setup()
    {
        var layout = new FeatureLayout(Cutoff);
        _featurizer = new Featurizer(layout);
        var setting = SpaceGroups.Find(Group);
        _symmetry = CrystalSymmetry.FromSetting(setting);
        _ops = setting.Operations();
        var rng = new Random(42);
        _positions = Enumerable.Range(0, 3 * Sites).Select(_ => rng.NextDouble()).ToArray();
        _output = new float[Sites * _featurizer.FeatureCount];
        _columns = Enumerable.Range(0, layout.FrequencyCount).Select(layout.Frequency).ToArray();
        _featurizer.Featurize(_symmetry, _positions, _output); // builds and caches the plan

        // Dense projection: column j = Σ_h' D[h', j] e(h'·x) over the closure, D from the orbit basis.
        var basis = BasisDescription.FromBasis(OrbitBasisBuilder.Build(_ops, Cutoff));
        _closure = basis.Orbits.SelectMany(o => o.Members).Concat(basis.Extinct).ToArray();
        var index = _closure.Select((h, i) => (h, i)).ToDictionary(t => t.h, t => t.i);
        _denseRe = new float[_closure.Length * _columns.Length];
        _denseIm = new float[_closure.Length * _columns.Length];
        var where = new Dictionary<(int, int, int), (OrbitDescription Orbit, int Member)>();
        foreach (var o in basis.Orbits) for (int m = 0; m < o.Members.Count; m++) where[o.Members[m]] = (o, m);
        for (int j = 0; j < _columns.Length; j++)
        {
            if (!where.TryGetValue(_columns[j], out var w)) continue;
            double own = (double)w.Orbit.Phases[w.Member].P / w.Orbit.Phases[w.Member].N;
            for (int m = 0; m < w.Orbit.Members.Count; m++)
            {
                double turns = own - (double)w.Orbit.Phases[m].P / w.Orbit.Phases[m].N;
                int row = index[w.Orbit.Members[m]];
                _denseRe[row * _columns.Length + j] = (float)(Math.Cos(2 * Math.PI * turns) / w.Orbit.Members.Count);
                _denseIm[row * _columns.Length + j] = (float)(Math.Sin(2 * Math.PI * turns) / w.Orbit.Members.Count);
            }
        }
        _waveRe = new float[_closure.Length];
        _waveIm = new float[_closure.Length];
        _accRe = new float[_columns.Length];
        _accIm = new float[_columns.Length];
    }

    [Benchmark(Description = "CftRuntime featurizer", OperationsPerInvoke = Sites)]
    public void Featurizer() => _featurizer.Featurize(_symmetry, _positions, _output);

    [Benchmark(Baseline = true, Description = "naive sum over operations", OperationsPerInvoke = Sites)]
    public void NaiveSum()
    {
        int f = _featurizer.FeatureCount;
        for (int s = 0; s < Sites; s++)
        {
            double x = _positions[3 * s], y = _positions[3 * s + 1], z = _positions[3 * s + 2];
            for (int j = 0; j < _columns.Length; j++)
            {
                var (h, k, l) = _columns[j];
                double re = 0, im = 0;
                foreach (var g in _ops)
                {
                    g.Apply(x, y, z, out double gx, out double gy, out double gz);
                    var (sn, cs) = Math.SinCos(2 * Math.PI * (h * gx + k * gy + l * gz));
                    re += cs; im += sn;
                }
                _output[s * f + 2 * j] = (float)(re / _ops.Count);
                _output[s * f + 2 * j + 1] = (float)(im / _ops.Count);
            }
        }
    }

    [Benchmark(Description = "dense projection matrix (reference-style)", OperationsPerInvoke = Sites)]
    public void DenseProjection()
    {
        int f = _featurizer.FeatureCount, cols = _columns.Length;
        for (int s = 0; s < Sites; s++)
        {
            double x = _positions[3 * s], y = _positions[3 * s + 1], z = _positions[3 * s + 2];
            for (int i = 0; i < _closure.Length; i++)
            {
                var (sn, cs) = Math.SinCos(2 * Math.PI * (_closure[i].H * x + _closure[i].K * y + _closure[i].L * z));
                _waveRe[i] = (float)cs; _waveIm[i] = (float)sn;
            }
            var accRe = _accRe.AsSpan();
            var accIm = _accIm.AsSpan();
            accRe.Clear();
            accIm.Clear();
            for (int i = 0; i < _closure.Length; i++)
            {
                var dr = _denseRe.AsSpan(i * cols, cols);
                var di = _denseIm.AsSpan(i * cols, cols);
                // Vectorised rank-1 updates (TensorPrimitives): acc += w · D[i, :] in complex arithmetic.
                TensorPrimitives.MultiplyAdd(dr, _waveRe[i], accRe, accRe);
                TensorPrimitives.MultiplyAdd(di, -_waveIm[i], accRe, accRe);
                TensorPrimitives.MultiplyAdd(di, _waveRe[i], accIm, accIm);
                TensorPrimitives.MultiplyAdd(dr, _waveIm[i], accIm, accIm);
            }
            var row = _output.AsSpan(s * f, f);
            for (int j = 0; j < cols; j++) { row[2 * j] = accRe[j]; row[2 * j + 1] = accIm[j]; }
        }
    }
}
