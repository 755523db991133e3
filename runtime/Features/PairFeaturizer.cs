using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using CftRuntime.Crystals;

namespace CftRuntime.Features;

/// <summary>
/// G-invariant pair distance features between unique sites: for sites i and j, the radial-basis histogram
/// P[i, j, r] = Σ occupancy_k · exp(−(d − μ_r)² / 2σ²) · ½(cos(π d / R_c) + 1) over every atom k of j's orbit and
/// every lattice translation with 0 &lt; d = |x_k + n − x_i| &lt; R_c (Å). Symmetry-equivalent choices of the
/// representative of i, and every description of the same structure, give the same values; summing over j's
/// orbit is what unique-site tokens need (the full cell would have one column per atom of it). With an
/// <see cref="AngularPairBasis"/> its three-body channels follow the R radial ones. Thread-safe.
/// </summary>
public sealed class PairFeaturizer
{
    /// <summary>Creates the featurizer (defaults: R_c = 6 Å, 24 centres from 0 to R_c, σ = 0.25 Å, no angular channels);
    /// throws <see cref="ArgumentOutOfRangeException"/> where <see cref="IsValid"/> is false.</summary>
    public PairFeaturizer(double cutoffAngstrom = 6.0, int radialCount = 24, double widthAngstrom = 0.25, AngularPairBasis? angular = null)
    {
        if (!IsValid(cutoffAngstrom, radialCount, widthAngstrom))
            throw new ArgumentOutOfRangeException(nameof(cutoffAngstrom), FormattableString.Invariant(
                $"pair basis cutoff {cutoffAngstrom}, {radialCount} functions, width {widthAngstrom}: expected 0 < cutoff ≤ {MaxCutoffAngstrom} Å, 2 to {MaxRadialCount} functions, a width of at least {MinWidthAngstrom} Å"));
        (CutoffAngstrom, RadialCount, WidthAngstrom, Angular) = (cutoffAngstrom, radialCount, widthAngstrom, angular);
        _ladder = new GaussianLadder(0, cutoffAngstrom / (radialCount - 1), radialCount, 1 / (2 * widthAngstrom * widthAngstrom));
    }

    // The radial Gaussians: centres 0 … R_c, σ = the width.
    private readonly GaussianLadder _ladder;

    /// <summary>The default featurizer, the one the shipped models were trained with.</summary>
    public static PairFeaturizer Default { get; } = new();

    /// <summary>R_c in Å.</summary>
    public double CutoffAngstrom { get; }
    /// <summary>Radial functions per pair (R).</summary>
    public int RadialCount { get; }
    /// <summary>σ in Å.</summary>
    public double WidthAngstrom { get; }
    /// <summary>The three-body channels after the radial ones, or null.</summary>
    public AngularPairBasis? Angular { get; }
    /// <summary>Channels per pair (C): the R radial functions and the angular basis' channels.</summary>
    public int ChannelCount => RadialCount + (Angular?.ChannelCount ?? 0);

    /// <summary>Identifies the pair features; written into datasets and models, read back by <see cref="TryParse"/> when a model is loaded.
    /// <c>rbf-orbit/cutoff=C/R=N/width=W</c>, followed by <c>+</c> and <see cref="AngularPairBasis.Signature"/> with angular channels.</summary>
    public string Signature => FormattableString.Invariant($"rbf-orbit/cutoff={CutoffAngstrom}/R={RadialCount}/width={WidthAngstrom}") +
        (Angular is null ? "" : "+" + Angular.Signature);

    /// <summary>The largest cutoff and the most radial functions a signature may ask for (a model's metadata is input).</summary>
    public const double MaxCutoffAngstrom = 12;
    /// <inheritdoc cref="MaxCutoffAngstrom"/>
    public const int MaxRadialCount = 256;
    /// <summary>The narrowest Gaussian a signature may ask for, in Å (a narrower one would make 0 · ∞ = NaN at a centre).</summary>
    public const double MinWidthAngstrom = 1e-4;

    /// <summary>Whether this runtime computes a basis with these parameters: 0 &lt; cutoff ≤ <see cref="MaxCutoffAngstrom"/>,
    /// 2 to <see cref="MaxRadialCount"/> functions, a finite width of at least <see cref="MinWidthAngstrom"/> (the rule for model metadata and command options).</summary>
    public static bool IsValid(double cutoffAngstrom, int radialCount, double widthAngstrom) =>
        cutoffAngstrom > 0 && cutoffAngstrom <= MaxCutoffAngstrom && radialCount >= 2 && radialCount <= MaxRadialCount && widthAngstrom >= MinWidthAngstrom && !double.IsInfinity(widthAngstrom);

    /// <summary>
    /// The featurizer a <see cref="Signature"/> names (<c>rbf-orbit/cutoff=C/R=N/width=W</c>, lengths in Å), or false when
    /// <paramref name="signature"/> is not one: another form, a cutoff outside (0, <see cref="MaxCutoffAngstrom"/>], fewer than
    /// 2 or more than <see cref="MaxRadialCount"/> functions, a width below <see cref="MinWidthAngstrom"/>, or numbers that do not write back
    /// to the same text.
    /// </summary>
    public static bool TryParse(string signature, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PairFeaturizer? featurizer)
    {
        featurizer = null;
        AngularPairBasis? angular = null;
        int plus = signature.IndexOf('+');
        if (plus >= 0 && !AngularPairBasis.TryParse(signature[(plus + 1)..], out angular)) return false;
        var parts = (plus >= 0 ? signature[..plus] : signature).Split('/');
        if (parts.Length != 4 || parts[0] != "rbf-orbit" ||
            !SignatureFields.TryValue(parts[1], "cutoff=", out double cutoff) || !SignatureFields.TryCount(parts[2], "R=", out int count) ||
            !SignatureFields.TryValue(parts[3], "width=", out double width) || !IsValid(cutoff, count, width)) return false;
        var parsed = cutoff == Default.CutoffAngstrom && count == Default.RadialCount && width == Default.WidthAngstrom && angular is null ? Default : new PairFeaturizer(cutoff, count, width, angular);
        if (parsed.Signature != signature) return false;
        featurizer = parsed;
        return true;
    }

    /// <summary>Pair features of a crystal's unique sites: float32 [S, S, C] (C = <see cref="ChannelCount"/>), row-major.</summary>
    public float[] Compute(Crystal crystal)
    {
        ArgumentNullException.ThrowIfNull(crystal);
        int sites = crystal.Sites.Count, radial = RadialCount, channels = ChannelCount;
        var result = new double[sites * sites * channels];
        var lattice = crystal.Lattice;
        // Translations searched, per axis a: every n with |u_a + n| ≤ R / spacing_a for the larger cutoff R (u the fractional
        // difference): the slab of lattice planes that holds the sphere.
        double reachCutoff = Math.Max(CutoffAngstrom, Angular?.CutoffAngstrom ?? 0);
        Span<double> bound = stackalloc double[3];
        for (int a = 0; a < 3; a++) bound[a] = reachCutoff / PlaneSpacing(lattice, a);
        var (ax, ay, az) = lattice.ToCartesian(1, 0, 0);
        var (bx, by, bz) = lattice.ToCartesian(0, 1, 0);
        var (cx, cy, cz) = lattice.ToCartesian(0, 0, 1);
        double cutoff2 = CutoffAngstrom * CutoffAngstrom;
        double reach2 = reachCutoff * reachCutoff, angular2 = Angular is null ? 0 : Angular.CutoffAngstrom * Angular.CutoffAngstrom;
        var orbits = new List<(double X, double Y, double Z)>[sites];
        for (int j = 0; j < sites; j++) orbits[j] = crystal.Orbit(crystal.Sites[j].X, crystal.Sites[j].Y, crystal.Sites[j].Z);
        var neighbours = new List<AngularPairBasis.Neighbour>();
        var close = new List<AngularPairBasis.Neighbour>();
        Span<double> gauss = radial <= 256 ? stackalloc double[radial] : new double[radial];
        for (int i = 0; i < sites; i++)
        {
            // Every atom around site i (j's orbit atoms, then translations, for each j: per pair (i, j) the order of the sums).
            var si = crystal.Sites[i];
            neighbours.Clear();
            for (int j = 0; j < sites; j++)
                foreach (var (kx, ky, kz) in orbits[j])
                {
                    double du = kx - si.X, dv = ky - si.Y, dw = kz - si.Z;
                    var (ux, uy, uz) = lattice.ToCartesian(du, dv, dw);
                    for (int na = (int)Math.Ceiling(-bound[0] - du), naEnd = (int)Math.Floor(bound[0] - du); na <= naEnd; na++)
                        for (int nb = (int)Math.Ceiling(-bound[1] - dv), nbEnd = (int)Math.Floor(bound[1] - dv); nb <= nbEnd; nb++)
                        {
                            double px = ux + na * ax + nb * bx, py = uy + na * ay + nb * by, pz = uz + na * az + nb * bz;
                            for (int nc = (int)Math.Ceiling(-bound[2] - dw), ncEnd = (int)Math.Floor(bound[2] - dw); nc <= ncEnd; nc++)
                            {
                                double x = px + nc * cx, y = py + nc * cy, z = pz + nc * cz;
                                double d2 = x * x + y * y + z * z;
                                if (d2 >= reach2 || d2 < 1e-8) continue;
                                neighbours.Add(new(j, crystal.Sites[j].Occupancy, x, y, z, Math.Sqrt(d2)));
                            }
                        }
                }
            close.Clear();
            foreach (var n in neighbours)
            {
                double d2 = n.X * n.X + n.Y * n.Y + n.Z * n.Z;
                if (d2 < angular2) close.Add(n);
                if (d2 >= cutoff2) continue;
                double envelope = n.Occupancy * 0.5 * (Math.Cos(Math.PI * n.Distance / CutoffAngstrom) + 1);
                _ladder.Fill(n.Distance, gauss);
                var target = result.AsSpan((i * sites + n.Site) * channels, radial);
                TensorPrimitives.MultiplyAdd(gauss, envelope, target, target);
            }
            Angular?.Accumulate(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(close), result.AsSpan(i * sites * channels, sites * channels), channels, radial);
        }
        var output = new float[result.Length];
        for (int n = 0; n < result.Length; n++) output[n] = (float)result[n];
        return output;
    }

    /// <summary>Distance between adjacent lattice planes normal to axis <paramref name="a"/>: V / |b × c| for a = 0.</summary>
    private static double PlaneSpacing(Lattice lattice, int a)
    {
        int b = (a + 1) % 3, c = (a + 2) % 3;
        double cx = lattice[b, 1] * lattice[c, 2] - lattice[b, 2] * lattice[c, 1];
        double cy = lattice[b, 2] * lattice[c, 0] - lattice[b, 0] * lattice[c, 2];
        double cz = lattice[b, 0] * lattice[c, 1] - lattice[b, 1] * lattice[c, 0];
        return lattice.Volume / Math.Sqrt(cx * cx + cy * cy + cz * cz);
    }
}
