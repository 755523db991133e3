using System;

namespace CftRuntime.Features;

/// <summary>
/// Gaussians at equally spaced centres, g_k(x) = exp(−(x − c_k)² κ) with c_k = first + k · step, k = 0 … count − 1,
/// with two exponentials per point instead of one per centre: g at the centre nearest x, then the ratios of neighbouring
/// values, g_{k+1} / g_k = exp(2 t s κ) · exp(−(2j + 1) s² κ) going up j steps from it (t = x − c_nearest, s = step),
/// and the mirror image going down. Every factor used is at most exp(s² κ) (inside the centres' range |t| ≤ s / 2; at an
/// end only the inward ratio, at most 1, is used), so nothing overflows; values fall monotonically away from the nearest
/// centre, and a product that underflows is one whose exact value is below double's range too. The relative error grows
/// by about two roundings per step (below 1e-13 for 256 centres). Where s² κ is large (centres many widths apart) the
/// ratios themselves could overflow: one exponential per centre then.
/// </summary>
internal readonly struct GaussianLadder
{
    private const double DirectAbove = 100;
    private readonly double _first, _step, _kappa, _q0, _q2;
    private readonly int _count;
    private readonly bool _direct;

    /// <summary>The ladder for <paramref name="count"/> centres from <paramref name="first"/>, <paramref name="step"/> apart; κ = 1 / 2σ².</summary>
    public GaussianLadder(double first, double step, int count, double kappa)
    {
        (_first, _step, _count, _kappa) = (first, step, count, kappa);
        double s2k = step * step * kappa;
        _direct = !(s2k <= DirectAbove);
        // Q_j = exp(−(2j + 1) s² κ) = exp(−s² κ) · exp(−2 s² κ)^j.
        _q0 = Math.Exp(-s2k);
        _q2 = _q0 * _q0;
    }

    /// <summary>Writes g_k(<paramref name="x"/>) for every centre into <paramref name="values"/> (length: the count).</summary>
    public void Fill(double x, Span<double> values)
    {
        int n = _count;
        values = values[..n];
        if (_direct)
        {
            for (int k = 0; k < n; k++)
            {
                double t = x - (_first + k * _step);
                values[k] = Math.Exp(-t * t * _kappa);
            }
            return;
        }
        int nearest = (int)Math.Clamp(Math.Round((x - _first) / _step), 0, n - 1);
        double tn = x - (_first + nearest * _step);
        double peak = Math.Exp(-tn * tn * _kappa);
        values[nearest] = peak;
        double up = nearest < n - 1 ? Math.Exp(2 * tn * _step * _kappa) : 0;
        double down = nearest == 0 ? 0 : nearest < n - 1 ? 1 / up : Math.Exp(-2 * tn * _step * _kappa);
        double g = peak, q = _q0;
        for (int k = nearest + 1; k < n; k++, q *= _q2) values[k] = g *= up * q;
        g = peak; q = _q0;
        for (int k = nearest - 1; k >= 0; k--, q *= _q2) values[k] = g *= down * q;
    }
}
