using System;
using System.Collections.Generic;
using System.Numerics;
using CftRuntime.Tables;

namespace CftRuntime.Basis;

/// <summary>
/// Values of the symmetrised plane wave S_h(x) = (1/|G|) Σ_g exp(2πi h·(A_g x + t_g)).
/// </summary>
public static class SymmetrisedPlaneWave
{
    /// <summary>
    /// S_h(x) from the compile-time orbit table: (1/|O|) Σ_{h'∈O} exp(−2πi φ_{h'}) e_{h'}(x) for the
    /// orbit's first member, times the member's phase. Falls back to the direct sum when h lies
    /// outside the table's closure.
    /// </summary>
    public static Complex Evaluate(SpaceGroupSetting setting, int h, int k, int l, double x, double y, double z)
    {
        int index = FrequencyTable.IndexOf(h, k, l);
        if (index < 0) return EvaluateDirect(setting.Operations(), h, k, l, x, y, z);
        var table = setting.Basis;
        var bounds = table.OrbitBounds;
        var members = table.AllMembers;
        int position = members.IndexOf((ushort)index);
        if (position < 0) return EvaluateDirect(setting.Operations(), h, k, l, x, y, z);
        int orbit = 0;
        while (bounds[orbit + 1] <= position) orbit++;
        if (table.IsExtinct(orbit)) return Complex.Zero;
        var phases = table.AllPhases;
        double n = table.PhaseDenominator;
        double re = 0, im = 0;
        for (int m = bounds[orbit]; m < bounds[orbit + 1]; m++)
        {
            int f = members[m];
            double arg = 2 * Math.PI * (FrequencyTable.Component(f, 0) * x + FrequencyTable.Component(f, 1) * y + FrequencyTable.Component(f, 2) * z - phases[m] / n);
            re += Math.Cos(arg);
            im += Math.Sin(arg);
        }
        int size = bounds[orbit + 1] - bounds[orbit];
        double own = 2 * Math.PI * phases[position] / n;
        return new Complex(re / size, im / size) * new Complex(Math.Cos(own), Math.Sin(own));
    }

    /// <summary>The direct sum over operations (the definition); exact reference, O(|G|).</summary>
    public static Complex EvaluateDirect(IReadOnlyList<SymmetryOperation> operations, int h, int k, int l, double x, double y, double z)
    {
        double re = 0, im = 0;
        foreach (var g in operations)
        {
            g.Apply(x, y, z, out double gx, out double gy, out double gz);
            // Reduce h·(g x) mod 1 before scaling by 2π so that large arguments lose no digits.
            double t = h * gx + k * gy + l * gz;
            t -= Math.Floor(t);
            re += Math.Cos(2 * Math.PI * t);
            im += Math.Sin(2 * Math.PI * t);
        }
        return new Complex(re / operations.Count, im / operations.Count);
    }
}
