using System;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Tables;
using CftRuntime.Tensors;
using Xunit;

namespace CftRuntime.Tests.Tensors;

/// <summary>
/// What the runtime makes of a tensor model's raw member outputs (<see cref="TensorPrediction.FromMembers"/>): exactly
/// in the allowed subspace whatever the network says, exactly isotropic for a cubic dielectric tensor and exactly zero
/// for a centrosymmetric piezoelectric one in every frame, and turned with the structure (equivariance).
/// </summary>
public class TensorPredictionTests
{
    private static readonly FrameRotation Turn = FrameRotation.FromMatrix(TensorTestData.Rotation(0.4, -1.2, 2.1));

    private static float[] RandomMembers(int members, TensorKind kind, int seed)
    {
        var (rows, columns) = PropertyTensorBasis.ShapeOf(kind);
        var random = new Random(seed);
        return Enumerable.Range(0, members * rows * columns).Select(_ => (float)(random.NextDouble() * 10 - 3)).ToArray();
    }

    [Theory]
    [InlineData(225)]
    [InlineData(221)]
    [InlineData(198)]
    public void A_cubic_dielectric_prediction_is_exactly_isotropic_in_any_frame(int number)
    {
        var basis = PropertyTensorBasis.ForModelFrame(SpaceGroups.Standard(number), TensorKind.Dielectric);
        foreach (var frame in new[] { FrameRotation.Identity, Turn })
        {
            var t = TensorPrediction.FromMembers(basis, RandomMembers(5, TensorKind.Dielectric, number), 5, frame);
            Assert.Equal(1, t.Dimension);
            Assert.Equal(t.Value[0, 0], t.Value[1, 1]);
            Assert.Equal(t.Value[0, 0], t.Value[2, 2]);
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    if (i != j)
                    {
                        Assert.Equal(0.0, t.Value[i, j]);
                        Assert.Equal(0.0, t.Std[i, j]);
                    }
            Assert.Equal(t.Value[0, 0], t.Derived["poly"].Value, 12);
        }
    }

    [Theory]
    [InlineData(225)] // m-3m
    [InlineData(2)] // -1
    [InlineData(14)] // 2/m
    [InlineData(194)] // 6/mmm
    [InlineData(207)] // 432: not centrosymmetric, and still no piezoelectricity
    public void A_piezoelectric_prediction_is_exactly_zero_for_centrosymmetric_groups_and_432(int number)
    {
        var basis = PropertyTensorBasis.ForModelFrame(SpaceGroups.Standard(number), TensorKind.Piezoelectric);
        var t = TensorPrediction.FromMembers(basis, RandomMembers(5, TensorKind.Piezoelectric, number), 5, Turn);
        Assert.Equal(0, t.Dimension);
        Assert.All(t.Value.Cast<double>(), v => Assert.Equal(0.0, v));
        Assert.All(t.Std.Cast<double>(), v => Assert.Equal(0.0, v));
        Assert.Equal(0.0, t.Derived["e_longitudinal_max"].Value);
    }

    [Theory]
    [InlineData(TensorKind.Dielectric, 14)]
    [InlineData(TensorKind.Elastic, 167)]
    [InlineData(TensorKind.Piezoelectric, 186)]
    public void The_prediction_is_in_the_allowed_subspace_and_turns_with_the_structure(TensorKind kind, int number)
    {
        var basis = PropertyTensorBasis.ForModelFrame(SpaceGroups.Standard(number), kind);
        var members = RandomMembers(4, kind, number);
        var model = TensorPrediction.FromMembers(basis, members, 4, FrameRotation.Identity);
        Assert.True(basis.SymmetryDeviation(model.Value) < 1e-12);
        // An input given in a frame turned by R relative to the model frame (frame rotation = R) gets the tensor turned by Rᵀ.
        var turned = TensorPrediction.FromMembers(basis, members, 4, Turn);
        var expected = TensorPrediction.Rotate(kind, model.Value, Turn.Transpose());
        for (int i = 0; i < expected.GetLength(0); i++)
            for (int j = 0; j < expected.GetLength(1); j++) Assert.Equal(expected[i, j], turned.Value[i, j], 9);
        // Invariants do not depend on the frame.
        foreach (var (name, (value, _)) in model.Derived) Assert.Equal(value, turned.Derived[name].Value, 9);
    }

    [Fact]
    public void Derived_elastic_moduli_of_an_isotropic_tensor_are_its_lame_moduli()
    {
        // Isotropic: C11 = λ + 2μ, C12 = λ, C44 = μ; K = λ + 2μ/3, G = μ (Voigt = Reuss = Hill).
        double lambda = 60, mu = 40;
        var c = new double[6, 6];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) c[i, j] = i == j ? lambda + 2 * mu : lambda;
        for (int i = 3; i < 6; i++) c[i, i] = mu;
        var d = TensorPrediction.DerivedScalars(TensorKind.Elastic, c);
        Assert.Equal(lambda + 2 * mu / 3, d["K_VRH"], 9);
        Assert.Equal(mu, d["G_VRH"], 9);
        Assert.Equal(d["K_Voigt"], d["K_VRH"], 9);
    }

    [Fact]
    public void The_largest_longitudinal_piezoelectric_coefficient_of_a_single_e33_is_e33()
    {
        var e = new double[3, 6];
        e[2, 2] = 1.5;
        Assert.Equal(1.5, TensorPrediction.DerivedScalars(TensorKind.Piezoelectric, e)["e_longitudinal_max"], 3);
    }
}
