using System;
using System.Collections.Generic;
using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Tables;
using Xunit;

namespace CftRuntime.Tests.Features;

/// <summary>The featurizer: invariance, agreement with the definition, P1 = plane waves, kernels agree.</summary>
public class FeaturizerTests
{
    private static readonly Featurizer Vector = new(kernel: FeaturizerKernel.Vector256);
    private static readonly Featurizer Scalar = new(kernel: FeaturizerKernel.Scalar);
    public static IEnumerable<object[]> Kernels => new[] { new object[] { FeaturizerKernel.Scalar }, new object[] { FeaturizerKernel.Vector256 } };

    private static Featurizer For(FeaturizerKernel k) => k == FeaturizerKernel.Scalar ? Scalar : Vector;

    [Fact]
    public void Layout_is_the_positive_half_of_the_cube()
    {
        var layout = FeatureLayout.Default;
        Assert.Equal(4, layout.Cutoff);
        Assert.Equal(364, layout.FrequencyCount);
        Assert.Equal(728, layout.FeatureCount);
        Assert.Equal((1, 1, 1), layout.Frequency(0));
        Assert.Equal("im(1,1,1)", layout.ColumnName(1));
        var all = Enumerable.Range(0, layout.FrequencyCount).Select(layout.Frequency).ToHashSet();
        foreach (var (h, k, l) in all) Assert.DoesNotContain((-h, -k, -l), all);
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Symmetry_equivalent_positions_have_identical_features_in_every_setting(FeaturizerKernel kernel)
    {
        var featurizer = For(kernel);
        int f = featurizer.FeatureCount;
        foreach (var setting in SpaceGroups.All)
        {
            var symmetry = CrystalSymmetry.FromSetting(setting);
            var ops = setting.Operations();
            var p = TestData.RandomPoints(300 + setting.Index, 1)[0];
            // The point and up to 10 of its images, featurized together (exercises full and partial SIMD batches).
            var positions = new List<double>(p);
            foreach (var g in ops.Skip(1).Take(9))
            {
                g.Apply(p[0], p[1], p[2], out double x, out double y, out double z);
                positions.AddRange(new[] { x, y, z });
            }
            var output = new float[positions.Count / 3 * f];
            featurizer.Featurize(symmetry, positions.ToArray(), output);
            for (int row = 1; row < positions.Count / 3; row++)
                for (int c = 0; c < f; c++)
                    Assert.True(Math.Abs(output[row * f + c] - output[c]) <= 1e-6, $"{setting}: column {featurizer.Layout.ColumnName(c)} differs at image {row}: {output[c]} vs {output[row * f + c]}");
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void Features_equal_the_direct_double_sum_over_operations(FeaturizerKernel kernel)
    {
        var featurizer = For(kernel);
        var layout = featurizer.Layout;
        foreach (var setting in SpaceGroups.All)
        {
            var ops = setting.Operations();
            var p = TestData.RandomPoints(700 + setting.Index, 1)[0];
            var output = new float[featurizer.FeatureCount];
            featurizer.Featurize(CrystalSymmetry.FromSetting(setting), p, output);
            for (int j = 0; j < layout.FrequencyCount; j++)
            {
                var (h, k, l) = layout.Frequency(j);
                var direct = SymmetrisedPlaneWave.EvaluateDirect(ops, h, k, l, p[0], p[1], p[2]);
                Assert.True(Math.Abs(direct.Real - output[2 * j]) < 1e-5 && Math.Abs(direct.Imaginary - output[2 * j + 1]) < 1e-5,
                    $"{setting} ({h} {k} {l}): direct {direct}, featurizer ({output[2 * j]}, {output[2 * j + 1]})");
            }
        }
    }

    [Fact]
    public void In_P1_the_features_are_the_plain_plane_waves()
    {
        var positions = new[] { 0.1, 0.7, -0.35, 3.25, 0.5, 0.125 };
        var output = new float[2 * Vector.FeatureCount];
        Vector.Featurize(CrystalSymmetry.P1, positions, output);
        for (int site = 0; site < 2; site++)
            for (int j = 0; j < Vector.Layout.FrequencyCount; j++)
            {
                var (h, k, l) = Vector.Layout.Frequency(j);
                double t = h * positions[3 * site] + k * positions[3 * site + 1] + l * positions[3 * site + 2];
                Assert.Equal(Math.Cos(2 * Math.PI * t), output[site * Vector.FeatureCount + 2 * j], 6);
                Assert.Equal(Math.Sin(2 * Math.PI * t), output[site * Vector.FeatureCount + 2 * j + 1], 6);
            }
    }

    [Fact]
    public void Kernels_agree_and_custom_operation_sets_match_their_setting()
    {
        var rng = new Random(3);
        var positions = Enumerable.Range(0, 3 * 11).Select(_ => rng.NextDouble() * 2 - 0.5).ToArray();
        foreach (var symbol in new[] { "P6_3/mmc", "Fd-3m:1", "Ia-3d", "R-3m:R", "P2_1/c" })
        {
            var symmetry = CrystalSymmetry.FromSetting(SpaceGroups.Find(symbol));
            var a = new float[11 * Vector.FeatureCount];
            var b = new float[11 * Vector.FeatureCount];
            Vector.Featurize(symmetry, positions, a);
            Scalar.Featurize(symmetry, positions, b);
            for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) < 1e-6, $"{symbol}: kernels differ at {i}: {a[i]} vs {b[i]}");
        }
        // A shifted origin is a setting nobody tabulated: the runtime builds its table; features at shifted points agree.
        var fm3m = SpaceGroups.Find("Fm-3m").Operations();
        var shift = new SymmetryOperation(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new[] { 1, 1, 1 }, 8);
        var back = new SymmetryOperation(new[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, new[] { 7, 7, 7 }, 8);
        var shifted = CrystalSymmetry.FromOperations(fm3m.Select(g => shift.Compose(g).Compose(back)).ToList());
        Assert.Null(shifted.Setting);
        var x = new[] { 0.1, 0.2, 0.3 };
        var moved = new[] { 0.225, 0.325, 0.425 };
        var s1 = new float[Vector.FeatureCount];
        var s2 = new float[Vector.FeatureCount];
        Vector.Featurize(CrystalSymmetry.FromSetting(SpaceGroups.Find("Fm-3m")), x, s1);
        Vector.Featurize(shifted, moved, s2);
        // S_h^shifted(x + s) = S_h(x) · e(h·s): compare magnitudes, which the origin shift leaves unchanged.
        for (int j = 0; j < Vector.Layout.FrequencyCount; j++)
        {
            double m1 = Math.Sqrt(s1[2 * j] * s1[2 * j] + s1[2 * j + 1] * s1[2 * j + 1]);
            double m2 = Math.Sqrt(s2[2 * j] * s2[2 * j] + s2[2 * j + 1] * s2[2 * j + 1]);
            Assert.True(Math.Abs(m1 - m2) < 1e-5);
        }
    }

    [Fact]
    public void Concurrent_featurization_equals_serial()
    {
        var featurizer = new Featurizer(); // fresh: plans are built concurrently too
        var settings = SpaceGroups.All.Where(s => s.Index % 7 == 0).ToArray();
        var positions = TestData.RandomPoints(11, 9).SelectMany(p => p).ToArray();
        var serial = settings.Select(s =>
        {
            var o = new float[9 * featurizer.FeatureCount];
            new Featurizer().Featurize(CrystalSymmetry.FromSetting(s), positions, o);
            return o;
        }).ToArray();
        var parallel = new float[settings.Length][];
        System.Threading.Tasks.Parallel.For(0, settings.Length * 4, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var o = new float[9 * featurizer.FeatureCount];
            featurizer.Featurize(CrystalSymmetry.FromSetting(settings[i % settings.Length]), positions, o);
            parallel[i % settings.Length] = o;
            Assert.Equal(serial[i % settings.Length], o);
        });
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Vector.Featurize(CrystalSymmetry.P1, new double[] { 0, 0 }, new float[Vector.FeatureCount]));
        Assert.Throws<ArgumentException>(() => Vector.Featurize(CrystalSymmetry.P1, new double[] { 0, 0, 0 }, new float[10]));
        Assert.Throws<ArgumentException>(() => Vector.Featurize(CrystalSymmetry.P1, new double[] { 0, double.NaN, 0 }, new float[Vector.FeatureCount]));
    }
}
