using System;
using System.Collections.Generic;
using CftRuntime.Crystals;

namespace CftRuntime.Inference;

/// <summary>
/// A padded batch in the layout every CFT model takes: features float32 [B, S, F], atomic_number int64 [B, S],
/// weight float32 [B, S] (Wyckoff multiplicity × occupancy; 0 marks padding), lattice float32 [B, 3, 3]
/// (rows a, b, c of the standardised conventional cell, Å), and for models that use them pair float32 [B, S, S, C]
/// (<see cref="Features.PairFeaturizer"/>; zero for padding). S is the largest number of unique sites in the batch.
/// </summary>
public sealed class ModelInput
{
    /// <summary>Wraps arrays that already have the model layout (lengths are checked).</summary>
    public ModelInput(int batch, int sites, int featureCount, float[] features, long[] atomicNumber, float[] weight, float[] lattice, float[]? pair = null, int pairChannels = 0)
    {
        if (batch < 1 || sites < 1 || featureCount < 1) throw new ArgumentException($"batch {batch}, sites {sites}, features {featureCount}: each must be at least 1");
        Check(features, (long)batch * sites * featureCount, nameof(features));
        Check(atomicNumber, (long)batch * sites, nameof(atomicNumber));
        Check(weight, (long)batch * sites, nameof(weight));
        Check(lattice, (long)batch * 9, nameof(lattice));
        if (pair is not null) Check(pair, (long)batch * sites * sites * pairChannels, nameof(pair));
        (Batch, Sites, FeatureCount, Features, AtomicNumber, Weight, Lattice, Pair, PairChannelCount) = (batch, sites, featureCount, features, atomicNumber, weight, lattice, pair, pair is null ? 0 : pairChannels);
    }

    /// <summary>Structures in the batch.</summary>
    public int Batch { get; }
    /// <summary>Padded number of sites.</summary>
    public int Sites { get; }
    /// <summary>Features per site.</summary>
    public int FeatureCount { get; }
    /// <summary>float32 [B, S, F].</summary>
    public float[] Features { get; }
    /// <summary>int64 [B, S]; 0 for padding.</summary>
    public long[] AtomicNumber { get; }
    /// <summary>float32 [B, S]; multiplicity × occupancy, 0 for padding.</summary>
    public float[] Weight { get; }
    /// <summary>float32 [B, 3, 3], Å.</summary>
    public float[] Lattice { get; }
    /// <summary>float32 [B, S, S, C] pair features, or null.</summary>
    public float[]? Pair { get; }
    /// <summary>C, channels per pair (<see cref="Features.PairFeaturizer.ChannelCount"/>; 0 without pairs).</summary>
    public int PairChannelCount { get; }

    /// <summary>Builds a batch from crystals and their features (rows of <paramref name="featureCount"/> floats per unique site).</summary>
    /// <param name="crystals">The structures.</param>
    /// <param name="features">Their site features, or null for a structure whose features the model does not read (zeros).</param>
    /// <param name="featureCount">F.</param>
    /// <param name="pairs">Their pair features [S_b, S_b, C] (<see cref="Features.PairFeaturizer.Compute"/>), or null.</param>
    /// <param name="pairChannels">C, channels per pair (<see cref="Features.PairFeaturizer.ChannelCount"/>).</param>
    public static ModelInput Create(IReadOnlyList<Crystal> crystals, IReadOnlyList<float[]?> features, int featureCount, IReadOnlyList<float[]>? pairs = null, int pairChannels = 0)
    {
        ArgumentNullException.ThrowIfNull(crystals);
        ArgumentNullException.ThrowIfNull(features);
        if (crystals.Count == 0 || crystals.Count != features.Count) throw new ArgumentException($"{crystals.Count} crystals and {features.Count} feature arrays: expected the same non-zero number");
        int sites = 1;
        foreach (var c in crystals) sites = Math.Max(sites, c.Sites.Count);
        int batch = crystals.Count;
        var f = new float[(long)batch * sites * featureCount];
        var z = new long[batch * sites];
        var w = new float[batch * sites];
        var l = new float[batch * 9];
        var p = pairs is null ? null : new float[(long)batch * sites * sites * pairChannels];
        for (int b = 0; b < batch; b++)
        {
            var c = crystals[b];
            if (features[b] is { } given)
            {
                if (given.Length != c.Sites.Count * featureCount)
                    throw new ArgumentException($"{c.Id}: {given.Length} features for {c.Sites.Count} sites × {featureCount}");
                given.CopyTo(f, (long)b * sites * featureCount);
            }
            for (int s = 0; s < c.Sites.Count; s++)
            {
                z[b * sites + s] = c.Sites[s].AtomicNumber;
                w[b * sites + s] = (float)(c.Sites[s].Multiplicity * c.Sites[s].Occupancy);
            }
            for (int v = 0; v < 3; v++)
                for (int axis = 0; axis < 3; axis++)
                    l[9 * b + 3 * v + axis] = (float)c.Lattice[v, axis];
            if (p is not null)
            {
                int n = c.Sites.Count;
                if (pairs![b].Length != n * n * pairChannels) throw new ArgumentException($"{c.Id}: {pairs[b].Length} pair values for {n}² pairs × {pairChannels}");
                for (int i = 0; i < n; i++)
                    pairs[b].AsSpan(i * n * pairChannels, n * pairChannels).CopyTo(p.AsSpan((int)(((long)b * sites + i) * sites * pairChannels), n * pairChannels));
            }
        }
        return new ModelInput(batch, sites, featureCount, f, z, w, l, p, pairChannels);
    }

    private static void Check(Array array, long expected, string name)
    {
        ArgumentNullException.ThrowIfNull(array, name);
        if (array.LongLength != expected) throw new ArgumentException($"{name}: {array.LongLength} values, expected {expected}", name);
    }
}
