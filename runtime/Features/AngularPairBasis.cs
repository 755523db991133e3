using System;
using System.Numerics.Tensors;

namespace CftRuntime.Features;

/// <summary>
/// Three-body channels appended to the pair features (<see cref="PairFeaturizer"/>): for site i and every atom m
/// (of site j's orbit, any lattice translation) with 0 &lt; r_m = |x_m − x_i| &lt; R_a,
/// <c>P[i, j, R + b·A + a] += o_m f(r_m) φ_b(r_m) Σ_{n ≠ m} o_n f(r_n) exp(−(cos θ_mn − c_a)² / 2w²)</c>,
/// where n runs over the same neighbours of i, θ_mn is the angle m–i–n, f(r) = ½(cos(π r / R_a) + 1), φ_b are
/// <see cref="RadialCount"/> Gaussians from <see cref="StartAngstrom"/> to R_a whose σ is their spacing, c_a are
/// <see cref="AngleCount"/> centres from −1 to 1 and o the occupancies. The message from j to i then sees the bond
/// angles i makes with its other neighbours (sp, sp², sp³ carbon differ there, at equal distances). Like the radial
/// channels the values depend only on the atoms around i, so every description of the structure gives them and
/// summing over j's orbit is what unique-site tokens need. Immutable.
/// </summary>
public sealed class AngularPairBasis
{
    /// <summary>The largest cutoff and the most functions a signature may ask for (a model's metadata is input).</summary>
    public const double MaxCutoffAngstrom = 8;
    /// <inheritdoc cref="MaxCutoffAngstrom"/>
    public const int MaxRadialCount = 32;
    /// <inheritdoc cref="MaxCutoffAngstrom"/>
    public const int MaxAngleCount = 32;
    /// <summary>The narrowest Gaussian in cos θ a signature may ask for (narrower ones underflow to nothing between centres).</summary>
    public const double MinAngleWidth = 1e-3;

    /// <summary>Defaults of <c>cft featurize</c>'s options (the shipped carbon model's basis, with a cutoff of 3.5 Å).</summary>
    public const double DefaultStartAngstrom = 0.8;
    /// <inheritdoc cref="DefaultStartAngstrom"/>
    public const int DefaultRadialCount = 6;
    /// <inheritdoc cref="DefaultStartAngstrom"/>
    public const int DefaultAngleCount = 9;
    /// <inheritdoc cref="DefaultStartAngstrom"/>
    public const double DefaultAngleWidth = 0.15;

    /// <summary>Creates the basis; throws <see cref="ArgumentOutOfRangeException"/> where <see cref="IsValid"/> is false.</summary>
    public AngularPairBasis(double cutoffAngstrom, double startAngstrom, int radialCount, int angleCount, double angleWidth)
    {
        if (!IsValid(cutoffAngstrom, startAngstrom, radialCount, angleCount, angleWidth))
            throw new ArgumentOutOfRangeException(nameof(cutoffAngstrom), FormattableString.Invariant(
                $"angular basis cutoff {cutoffAngstrom}, start {startAngstrom}, {radialCount} radial and {angleCount} angle functions, width {angleWidth}: expected 0 ≤ start < cutoff ≤ {MaxCutoffAngstrom} Å, 2 to {MaxRadialCount} radial and 2 to {MaxAngleCount} angle functions, a width of at least {MinAngleWidth}"));
        (CutoffAngstrom, StartAngstrom, RadialCount, AngleCount, AngleWidth) = (cutoffAngstrom, startAngstrom, radialCount, angleCount, angleWidth);
        double radialStep = (cutoffAngstrom - startAngstrom) / (radialCount - 1);
        _angleLadder = new GaussianLadder(-1, 2.0 / (angleCount - 1), angleCount, 1 / (2 * angleWidth * angleWidth));
        _radialLadder = new GaussianLadder(startAngstrom, radialStep, radialCount, 1 / (2 * radialStep * radialStep));
    }

    // The Gaussians in cos θ (centres −1 … 1) and in r (centres start … R_a, σ their spacing).
    private readonly GaussianLadder _angleLadder, _radialLadder;

    /// <summary>R_a in Å: the neighbours whose bond angles are counted.</summary>
    public double CutoffAngstrom { get; }
    /// <summary>The first radial centre in Å (the last is <see cref="CutoffAngstrom"/>).</summary>
    public double StartAngstrom { get; }
    /// <summary>Radial Gaussians (B).</summary>
    public int RadialCount { get; }
    /// <summary>Gaussians in cos θ (A), centred from −1 to 1.</summary>
    public int AngleCount { get; }
    /// <summary>σ of the Gaussians in cos θ.</summary>
    public double AngleWidth { get; }
    /// <summary>Channels this basis adds per pair: B · A.</summary>
    public int ChannelCount => RadialCount * AngleCount;

    /// <summary>The basis' part of <see cref="PairFeaturizer.Signature"/>: <c>angular/cutoff=C/start=S/B=N/A=M/width=W</c>.</summary>
    public string Signature => FormattableString.Invariant($"angular/cutoff={CutoffAngstrom}/start={StartAngstrom}/B={RadialCount}/A={AngleCount}/width={AngleWidth}");

    /// <summary>Whether this runtime computes a basis with these parameters (the rule for model metadata and command options).</summary>
    public static bool IsValid(double cutoffAngstrom, double startAngstrom, int radialCount, int angleCount, double angleWidth) =>
        cutoffAngstrom > 0 && cutoffAngstrom <= MaxCutoffAngstrom && startAngstrom >= 0 && startAngstrom < cutoffAngstrom &&
        radialCount >= 2 && radialCount <= MaxRadialCount && angleCount >= 2 && angleCount <= MaxAngleCount &&
        angleWidth >= MinAngleWidth && !double.IsInfinity(angleWidth);

    /// <summary>The basis a <see cref="Signature"/> names, or false when <paramref name="signature"/> is not one this runtime writes.</summary>
    public static bool TryParse(string signature, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AngularPairBasis? basis)
    {
        basis = null;
        var parts = signature.Split('/');
        if (parts.Length != 6 || parts[0] != "angular") return false;
        if (!SignatureFields.TryValue(parts[1], "cutoff=", out double cutoff) || !SignatureFields.TryValue(parts[2], "start=", out double start) ||
            !SignatureFields.TryCount(parts[3], "B=", out int radial) || !SignatureFields.TryCount(parts[4], "A=", out int angles) ||
            !SignatureFields.TryValue(parts[5], "width=", out double width)) return false;
        if (!IsValid(cutoff, start, radial, angles, width)) return false;
        var parsed = new AngularPairBasis(cutoff, start, radial, angles, width);
        if (parsed.Signature != signature) return false;
        basis = parsed;
        return true;
    }

    /// <summary>
    /// Adds the channels of one site: <paramref name="neighbours"/> are the atoms around it (site index, occupancy and
    /// Cartesian offset in Å, each with 0 &lt; r &lt; <see cref="CutoffAngstrom"/>); row j of <paramref name="rows"/>
    /// (stride <paramref name="stride"/>, the basis' channels from <paramref name="offset"/>) receives the sum over j's atoms.
    /// </summary>
    internal void Accumulate(ReadOnlySpan<Neighbour> neighbours, Span<double> rows, int stride, int offset)
    {
        int count = neighbours.Length, angles = AngleCount, radial = RadialCount;
        if (count < 2) return;
        Span<double> weight = count <= 256 ? stackalloc double[count] : new double[count];
        for (int m = 0; m < count; m++)
            weight[m] = neighbours[m].Occupancy * 0.5 * (Math.Cos(Math.PI * neighbours[m].Distance / CutoffAngstrom) + 1);
        // sums[m, a] = Σ_{n≠m} w_n g_a(cos θ_mn): each unordered pair's cosine and Gaussians once, added to both ends (the
        // terms of every row still arrive in the order of n, as in a one-row-at-a-time loop).
        Span<double> sums = count * angles <= 4096 ? stackalloc double[count * angles] : new double[count * angles];
        sums.Clear();
        Span<double> gauss = stackalloc double[Math.Max(angles, radial)];
        var angleGauss = gauss[..angles];
        for (int m = 0; m < count; m++)
        {
            var p = neighbours[m];
            var own = sums.Slice(m * angles, angles);
            for (int n = m + 1; n < count; n++)
            {
                var q = neighbours[n];
                double cos = Math.Clamp((p.X * q.X + p.Y * q.Y + p.Z * q.Z) / (p.Distance * q.Distance), -1, 1);
                _angleLadder.Fill(cos, angleGauss);
                var other = sums.Slice(n * angles, angles);
                double wn = weight[n], wm = weight[m];
                for (int a = 0; a < angles; a++)
                {
                    own[a] += wn * angleGauss[a];
                    other[a] += wm * angleGauss[a];
                }
            }
        }
        var radialGauss = gauss[..radial];
        for (int m = 0; m < count; m++)
        {
            var p = neighbours[m];
            int row = p.Site * stride + offset;
            var sum = sums.Slice(m * angles, angles);
            _radialLadder.Fill(p.Distance, radialGauss);
            for (int b = 0; b < radial; b++)
            {
                var target = rows.Slice(row + b * angles, angles);
                TensorPrimitives.MultiplyAdd(sum, weight[m] * radialGauss[b], target, target);
            }
        }
    }

    /// <summary>An atom around a site: its site index, occupancy and Cartesian offset (Å) with its length.</summary>
    internal readonly record struct Neighbour(int Site, double Occupancy, double X, double Y, double Z, double Distance);
}
