using System;

namespace CftRuntime.Tests.Tensors;

/// <summary>Shared helpers of the tensor tests.</summary>
public static class TensorTestData
{
    /// <summary>Rz(az) · Ry(ay) · Rx(ax), row-major.</summary>
    public static double[] Rotation(double ax, double ay, double az)
    {
        double[] X(double t) => [1, 0, 0, 0, Math.Cos(t), -Math.Sin(t), 0, Math.Sin(t), Math.Cos(t)];
        double[] Y(double t) => [Math.Cos(t), 0, Math.Sin(t), 0, 1, 0, -Math.Sin(t), 0, Math.Cos(t)];
        double[] Z(double t) => [Math.Cos(t), -Math.Sin(t), 0, Math.Sin(t), Math.Cos(t), 0, 0, 0, 1];
        static double[] M(double[] a, double[] b)
        {
            var c = new double[9];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++)
                    for (int k = 0; k < 3; k++) c[3 * i + j] += a[3 * i + k] * b[3 * k + j];
            return c;
        }
        return M(Z(az), M(Y(ay), X(ax)));
    }
}
