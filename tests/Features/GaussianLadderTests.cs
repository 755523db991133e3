using System;
using CftRuntime.Features;
using Xunit;

namespace CftRuntime.Tests.Features;

public class GaussianLadderTests
{
    [Theory]
    [InlineData(0.0, 6.0 / 23, 24, 0.25)]           // the default radial basis
    [InlineData(0.0, 6.0 / 59, 60, 0.1)]            // the carbon model's fine basis
    [InlineData(-1.0, 0.25, 9, 0.15)]               // cos θ centres of the angular basis
    [InlineData(0.8, 2.7 / 5, 6, 2.7 / 5)]          // the angular basis' radial functions (σ = spacing)
    [InlineData(0.0, 12.0 / 255, 256, 0.01)]        // the most functions a signature may ask for, narrow
    [InlineData(0.0, 12.0, 2, 1e-4)]                // centres many widths apart: one exponential per centre
    public void Every_centre_equals_its_own_exponential(double first, double step, int count, double sigma)
    {
        double kappa = 1 / (2 * sigma * sigma);
        var ladder = new GaussianLadder(first, step, count, kappa);
        var values = new double[count];
        var random = new Random(7);
        double last = first + (count - 1) * step;
        // Inside the centres' range, on centres and half-way between them, and outside it on both sides.
        var points = new double[200];
        for (int p = 0; p < points.Length; p++) points[p] = first - step + random.NextDouble() * (last - first + 2 * step);
        points[0] = first; points[1] = last; points[2] = first + step / 2; points[3] = first - 3 * step; points[4] = last + 3 * step;
        foreach (double x in points)
        {
            ladder.Fill(x, values);
            for (int k = 0; k < count; k++)
            {
                double t = x - (first + k * step), expected = Math.Exp(-t * t * kappa);
                Assert.False(double.IsNaN(values[k]), $"x = {x}, k = {k}: NaN");
                // Relative, scaled by exp's condition number |t² κ| (the rounding of t alone moves Math.Exp's own value that
                // much); values below 1e-290 may lose digits as subnormals.
                Assert.True(Math.Abs(values[k] - expected) <= 1e-13 * (1 + t * t * kappa) * expected + 1e-290, $"x = {x}, k = {k}: {values[k]:R} vs {expected:R}");
            }
        }
    }
}
