using System;
using System.Collections.Generic;
using System.Numerics;
using CftRuntime.Tables;

namespace CftRuntime.Basis;

/// <summary>
/// S_h written as a finite Fourier series, S_h(x) = Σ_{h'} c_{h'} exp(2πi h'·x), straight from the definition
/// S_h(x) = (1/|G|) Σ_g exp(2πi h·(A_g x + t_g)): term g has frequency h' = A_gᵀh and coefficient
/// exp(2πi h·t_g)/|G|; terms with the same h' are added. Works for any integer h (no cutoff); cheap to evaluate
/// at many points (one term per orbit member instead of one per operation).
/// </summary>
public sealed class PlaneWaveExpansion
{
    private readonly int[] _frequencies;
    private readonly double[] _re;
    private readonly double[] _im;

    private PlaneWaveExpansion(int h, int k, int l, int[] frequencies, double[] re, double[] im)
    {
        H = h; K = k; L = l; _frequencies = frequencies; _re = re; _im = im;
    }

    /// <summary>Largest |h_i| accepted (2^20): Aᵀh stays far inside int for any setting's rotation entries.</summary>
    public const int MaxComponent = 1 << 20;

    /// <summary>The frequency h of S_h.</summary>
    public int H { get; }

    /// <summary>Second component of h.</summary>
    public int K { get; }

    /// <summary>Third component of h.</summary>
    public int L { get; }

    /// <summary>Number of distinct frequencies h' with a non-zero coefficient (the orbit size, or 0 when S_h ≡ 0).</summary>
    public int TermCount => _re.Length;

    /// <summary>True when S_h vanishes identically: h is a systematic absence of the group.</summary>
    public bool IsExtinct => _re.Length == 0;

    /// <summary>Frequency h' of term <paramref name="i"/>.</summary>
    public (int H, int K, int L) Frequency(int i) => (_frequencies[3 * i], _frequencies[3 * i + 1], _frequencies[3 * i + 2]);

    /// <summary>Coefficient c_{h'} of term <paramref name="i"/>.</summary>
    public Complex Coefficient(int i) => new(_re[i], _im[i]);

    /// <summary>Expands S_h for one setting's operations.</summary>
    public static PlaneWaveExpansion Create(IReadOnlyList<SymmetryOperation> operations, int h, int k, int l)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (Math.Abs((long)h) > MaxComponent || Math.Abs((long)k) > MaxComponent || Math.Abs((long)l) > MaxComponent)
            throw new ArgumentOutOfRangeException(nameof(h), $"|h|, |k|, |l| must be at most {MaxComponent}, got ({h} {k} {l})");
        if (operations.Count == 0) throw new ArgumentException("at least one operation (the identity) is required", nameof(operations));
        var index = new Dictionary<(int, int, int), int>();
        var freq = new List<(int, int, int)>();
        var re = new List<double>();
        var im = new List<double>();
        foreach (var g in operations)
        {
            // h' = Aᵀh: component j is Σ_i h_i A_ij.
            var f = (h * g.R(0, 0) + k * g.R(1, 0) + l * g.R(2, 0),
                     h * g.R(0, 1) + k * g.R(1, 1) + l * g.R(2, 1),
                     h * g.R(0, 2) + k * g.R(1, 2) + l * g.R(2, 2));
            // h·t as an exact fraction reduced mod 1 before scaling by 2π.
            long n = (long)h * g.T(0) + (long)k * g.T(1) + (long)l * g.T(2);
            long d = g.Denominator;
            double phase = 2 * Math.PI * (double)(((n % d) + d) % d) / d;
            if (!index.TryGetValue(f, out int i))
            {
                i = freq.Count;
                index.Add(f, i);
                freq.Add(f); re.Add(0); im.Add(0);
            }
            re[i] += Math.Cos(phase);
            im[i] += Math.Sin(phase);
        }
        // A coefficient is |G|/|O| times a sum of stabiliser phases: either exactly that count or exactly 0 in exact
        // arithmetic, so the threshold only has to separate 0 from ≥ 1.
        var keptFrequencies = new List<int>();
        var keptRe = new List<double>();
        var keptIm = new List<double>();
        for (int i = 0; i < freq.Count; i++)
        {
            if (Math.Sqrt(re[i] * re[i] + im[i] * im[i]) < 0.5) continue;
            keptFrequencies.Add(freq[i].Item1); keptFrequencies.Add(freq[i].Item2); keptFrequencies.Add(freq[i].Item3);
            keptRe.Add(re[i] / operations.Count);
            keptIm.Add(im[i] / operations.Count);
        }
        return new PlaneWaveExpansion(h, k, l, keptFrequencies.ToArray(), keptRe.ToArray(), keptIm.ToArray());
    }

    /// <summary>Expands S_h for a setting from the compiled catalogue.</summary>
    public static PlaneWaveExpansion Create(SpaceGroupSetting setting, int h, int k, int l) => Create(setting.Operations(), h, k, l);

    /// <summary>S_h at the fractional point (x, y, z).</summary>
    public Complex Evaluate(double x, double y, double z)
    {
        double sr = 0, si = 0;
        for (int i = 0; i < _re.Length; i++)
        {
            double t = _frequencies[3 * i] * x + _frequencies[3 * i + 1] * y + _frequencies[3 * i + 2] * z;
            t -= Math.Floor(t);
            double c = Math.Cos(2 * Math.PI * t), s = Math.Sin(2 * Math.PI * t);
            sr += _re[i] * c - _im[i] * s;
            si += _re[i] * s + _im[i] * c;
        }
        return new Complex(sr, si);
    }
}
