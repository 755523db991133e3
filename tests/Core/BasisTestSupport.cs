using System;
using System.Collections.Generic;
using System.Numerics;
using CftRuntime.Basis;
using CftRuntime.Tables;

namespace CftRuntime.Tests.Core;

/// <summary>Evaluates a whole compile-time table at a point, independently of the runtime evaluator.</summary>
internal static class BasisTestSupport
{
    /// <summary>e(h·x) for every global frequency.</summary>
    public static Complex[] PlaneWaves(double x, double y, double z)
    {
        var waves = new Complex[FrequencyTable.Count];
        for (int f = 0; f < waves.Length; f++)
        {
            double t = FrequencyTable.Component(f, 0) * x + FrequencyTable.Component(f, 1) * y + FrequencyTable.Component(f, 2) * z;
            t -= Math.Floor(t);
            waves[f] = new Complex(Math.Cos(2 * Math.PI * t), Math.Sin(2 * Math.PI * t));
        }
        return waves;
    }

    /// <summary>S of every member of every non-extinct orbit: S_first = (1/|O|) Σ e(−φ) e_h', S_m = e(φ_m) S_first.</summary>
    public static Dictionary<int, Complex> TableValues(OrbitTable table, Complex[] waves)
    {
        var values = new Dictionary<int, Complex>();
        double n = table.PhaseDenominator;
        for (int o = 0; o < table.OrbitCount; o++)
        {
            if (table.IsExtinct(o)) continue;
            var members = table.Members(o);
            var phases = table.Phases(o);
            Complex first = Complex.Zero;
            for (int m = 0; m < members.Length; m++) first += Phase(-phases[m] / n) * waves[members[m]];
            first /= members.Length;
            for (int m = 0; m < members.Length; m++) values[members[m]] = Phase(phases[m] / n) * first;
        }
        return values;
    }

    public static Complex Phase(double turns) => new(Math.Cos(2 * Math.PI * turns), Math.Sin(2 * Math.PI * turns));

    public static (int, int, int) Frequency(int index) => (FrequencyTable.Component(index, 0), FrequencyTable.Component(index, 1), FrequencyTable.Component(index, 2));

    /// <summary>The point-group orbit {Aᵀh} of h, from the rotations alone.</summary>
    public static HashSet<(int, int, int)> RotationOrbit(IReadOnlyList<SymmetryOperation> ops, int h, int k, int l)
    {
        var orbit = new HashSet<(int, int, int)>();
        foreach (var g in ops)
            orbit.Add((g.R(0, 0) * h + g.R(1, 0) * k + g.R(2, 0) * l,
                       g.R(0, 1) * h + g.R(1, 1) * k + g.R(2, 1) * l,
                       g.R(0, 2) * h + g.R(1, 2) * k + g.R(2, 2) * l));
        return orbit;
    }
}
