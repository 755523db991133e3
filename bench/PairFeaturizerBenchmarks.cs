using System;
using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Io;
using CftRuntime.Symmetry;

namespace CftRuntime.Benchmarks;

/// <summary>
/// Pair features (<see cref="PairFeaturizer.Compute"/>: the Gaussians at equally spaced centres by GaussianLadder, two
/// exponentials per distance or angle instead of one per centre, and each atom's translations bounded per axis) against,
/// in the same run, the kernel they replaced (one <see cref="Math.Exp(double)"/> per Gaussian and every translation within
/// ⌈R / plane spacing⌉ + 1 per axis, below as <see cref="ScalarReference"/>), on 256 real structures prepared
/// as the shipped models prepare them: CMR perovskites (spglib) with the CMR basis (24 radial functions, three-body
/// channels within 4 Å), carbon_24 (Niggli cell) with the shipped carbon basis (60 radial functions of σ 0.1 Å, three-body
/// channels within 3.5 Å). One operation = one structure.
/// </summary>
[MemoryDiagnoser]
public class PairFeaturizerBenchmarks
{
    private const int Structures = 256;
    private Crystal[] _prepared = [];
    private PairFeaturizer _pairs = PairFeaturizer.Default;

    /// <summary>Dataset and basis.</summary>
    [Params("cmr_perovskites", "carbon_24")]
    public string Set { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        var read = BenchData.Rows(Set, Structures).Select(i => CifReader.ParseCrystals(i.Cif, i.Id)[0]).ToArray();
        bool carbon = Set == "carbon_24";
        _prepared = StructurePreparation.PrepareAll(read, Crystal.DefaultToleranceAngstrom, reducedCellUpTo: carbon ? int.MaxValue : 0)
            .Select(o => o.Prepared!.Crystal).ToArray();
        _pairs = carbon ? new PairFeaturizer(6, 60, 0.1, new AngularPairBasis(3.5, 0.8, 6, 9, 0.15))
                        : new PairFeaturizer(angular: new AngularPairBasis(4, 0.8, 6, 9, 0.15));
        for (int k = 0; k < 8; k++)
        {
            float[] a = _pairs.Compute(_prepared[k]), b = ScalarReference.Compute(_pairs, _prepared[k]);
            for (int n = 0; n < a.Length; n++)
                if (Math.Abs(a[n] - b[n]) > 1e-5 * Math.Max(1, Math.Abs(b[n]))) throw new InvalidOperationException($"{_prepared[k].Id}: {a[n]} vs {b[n]} at {n}");
        }
    }

    [Benchmark(Baseline = true, Description = "one Math.Exp per Gaussian (the kernel before 2026-12-06)", OperationsPerInvoke = Structures)]
    public int Scalar() => _prepared.Sum(c => ScalarReference.Compute(_pairs, c).Length);

    [Benchmark(Description = "PairFeaturizer.Compute (two exponentials per distance or angle)", OperationsPerInvoke = Structures)]
    public int Ladder() => _prepared.Sum(c => _pairs.Compute(c).Length);

    /// <summary>The pair features with one <see cref="Math.Exp(double)"/> per Gaussian: the runtime's kernel before it was vectorised.</summary>
    private static class ScalarReference
    {
        public static float[] Compute(PairFeaturizer pairs, Crystal crystal)
        {
            int sites = crystal.Sites.Count, radial = pairs.RadialCount, channels = pairs.ChannelCount;
            var result = new double[sites * sites * channels];
            var lattice = crystal.Lattice;
            var angular = pairs.Angular;
            double reachCutoff = Math.Max(pairs.CutoffAngstrom, angular?.CutoffAngstrom ?? 0);
            var reach = new int[3];
            for (int a = 0; a < 3; a++)
            {
                int b = (a + 1) % 3, c = (a + 2) % 3;
                double cx = lattice[b, 1] * lattice[c, 2] - lattice[b, 2] * lattice[c, 1], cy = lattice[b, 2] * lattice[c, 0] - lattice[b, 0] * lattice[c, 2], cz = lattice[b, 0] * lattice[c, 1] - lattice[b, 1] * lattice[c, 0];
                reach[a] = (int)Math.Ceiling(reachCutoff / (lattice.Volume / Math.Sqrt(cx * cx + cy * cy + cz * cz))) + 1;
            }
            double step = pairs.CutoffAngstrom / (radial - 1), inverse2s2 = 1 / (2 * pairs.WidthAngstrom * pairs.WidthAngstrom), cutoff2 = pairs.CutoffAngstrom * pairs.CutoffAngstrom;
            double reach2 = reachCutoff * reachCutoff, angular2 = angular is null ? 0 : angular.CutoffAngstrom * angular.CutoffAngstrom;
            var orbits = crystal.Sites.Select(s => crystal.Orbit(s.X, s.Y, s.Z)).ToArray();
            var close = new List<(int Site, double Occupancy, double X, double Y, double Z, double Distance)>();
            for (int i = 0; i < sites; i++)
            {
                var si = crystal.Sites[i];
                close.Clear();
                for (int j = 0; j < sites; j++)
                    foreach (var (kx, ky, kz) in orbits[j])
                        for (int na = -reach[0]; na <= reach[0]; na++)
                            for (int nb = -reach[1]; nb <= reach[1]; nb++)
                                for (int nc = -reach[2]; nc <= reach[2]; nc++)
                                {
                                    var (x, y, z) = lattice.ToCartesian(kx - si.X + na, ky - si.Y + nb, kz - si.Z + nc);
                                    double d2 = x * x + y * y + z * z;
                                    if (d2 >= reach2 || d2 < 1e-8) continue;
                                    double d = Math.Sqrt(d2), occupancy = crystal.Sites[j].Occupancy;
                                    if (d2 < angular2) close.Add((j, occupancy, x, y, z, d));
                                    if (d2 >= cutoff2) continue;
                                    double envelope = occupancy * 0.5 * (Math.Cos(Math.PI * d / pairs.CutoffAngstrom) + 1);
                                    int offset = (i * sites + j) * channels;
                                    for (int r = 0; r < radial; r++)
                                    {
                                        double t = d - r * step;
                                        result[offset + r] += envelope * Math.Exp(-t * t * inverse2s2);
                                    }
                                }
                if (angular is not null) Angles(angular, close, result.AsSpan(i * sites * channels, sites * channels), channels, radial);
            }
            return result.Select(v => (float)v).ToArray();
        }

        private static void Angles(AngularPairBasis basis, List<(int Site, double Occupancy, double X, double Y, double Z, double Distance)> neighbours, Span<double> rows, int stride, int offset)
        {
            int count = neighbours.Count, angles = basis.AngleCount, radial = basis.RadialCount;
            double angleStep = 2.0 / (angles - 1), radialStep = (basis.CutoffAngstrom - basis.StartAngstrom) / (radial - 1);
            double inverseAngle = 1 / (2 * basis.AngleWidth * basis.AngleWidth), inverseRadial = 1 / (2 * radialStep * radialStep);
            var weight = neighbours.Select(n => n.Occupancy * 0.5 * (Math.Cos(Math.PI * n.Distance / basis.CutoffAngstrom) + 1)).ToArray();
            var sums = new double[count * angles];
            for (int m = 0; m < count; m++)
                for (int n = m + 1; n < count; n++)
                {
                    var (p, q) = (neighbours[m], neighbours[n]);
                    double cos = Math.Clamp((p.X * q.X + p.Y * q.Y + p.Z * q.Z) / (p.Distance * q.Distance), -1, 1);
                    for (int a = 0; a < angles; a++)
                    {
                        double t = cos - (-1 + a * angleStep), g = Math.Exp(-t * t * inverseAngle);
                        sums[m * angles + a] += weight[n] * g;
                        sums[n * angles + a] += weight[m] * g;
                    }
                }
            for (int m = 0; m < count; m++)
            {
                int row = neighbours[m].Site * stride + offset;
                for (int b = 0; b < radial; b++)
                {
                    double t = neighbours[m].Distance - (basis.StartAngstrom + b * radialStep), scale = weight[m] * Math.Exp(-t * t * inverseRadial);
                    for (int a = 0; a < angles; a++) rows[row + b * angles + a] += scale * sums[m * angles + a];
                }
            }
        }
    }
}
