using System;
using System.Globalization;

namespace CftRuntime.Features;

/// <summary>Reads the <c>key=value</c> fields of a feature-basis signature (<see cref="PairFeaturizer.Signature"/>),
/// invariant culture; the caller checks the round trip, so only text this runtime writes is accepted.</summary>
internal static class SignatureFields
{
    /// <summary>A number field, e.g. <c>cutoff=3.5</c>.</summary>
    public static bool TryValue(string part, string key, out double value)
    {
        value = 0;
        return part.StartsWith(key, StringComparison.Ordinal) && double.TryParse(part[key.Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>A count field, e.g. <c>R=24</c> (digits only).</summary>
    public static bool TryCount(string part, string key, out int value)
    {
        value = 0;
        return part.StartsWith(key, StringComparison.Ordinal) && int.TryParse(part[key.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
