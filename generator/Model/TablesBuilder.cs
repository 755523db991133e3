using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using CftRuntime.Basis;

namespace CftRuntime.Generator.Model;

/// <summary>
/// Model stage: computes each setting's orbit basis with the shared <see cref="OrbitBasisBuilder"/>
/// and assembles compact, deduplicated tables. Knows nothing about Roslyn symbols or source text.
/// </summary>
internal static class TablesBuilder
{
    /// <summary>Marks every member of an extinct orbit in the phase table.</summary>
    public const int ExtinctPhase = 127;

    public static IReadOnlyList<SymmetryOperation> Operations(SettingSpec spec)
    {
        var ops = new List<SymmetryOperation>(spec.OperationCount);
        var flat = spec.Operations.AsArray();
        for (int o = 0; o < spec.OperationCount; o++)
        {
            int b = o * SettingSpec.IntsPerOperation;
            var r = new int[9];
            System.Array.Copy(flat, b, r, 0, 9);
            ops.Add(new SymmetryOperation(r, new[] { flat[b + 9], flat[b + 10], flat[b + 11] }, flat[b + 12]));
        }
        return ops;
    }

    public static SettingBasisSpec BuildBasis(SettingSpec spec, int cutoff, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var basis = OrbitBasisBuilder.Build(Operations(spec), cutoff);
        var freq = new int[3 * basis.ClosureSize];
        for (int i = 0; i < basis.ClosureSize; i++)
            for (int c = 0; c < 3; c++) freq[3 * i + c] = basis.Frequency(i, c);
        var starts = new int[basis.OrbitCount + 1];
        var extinct = new bool[basis.OrbitCount];
        for (int o = 0; o < basis.OrbitCount; o++) { starts[o] = basis.OrbitStart(o); extinct[o] = basis.IsExtinct(o); }
        starts[basis.OrbitCount] = basis.ClosureSize;
        var members = new int[basis.ClosureSize];
        var phases = new int[basis.ClosureSize];
        for (int m = 0; m < members.Length; m++) { members[m] = basis.MemberFrequency(m); phases[m] = basis.MemberPhase(m); }
        return new SettingBasisSpec(spec.Index, basis.PhaseDenominator, new(freq), new(starts), new(members), new(phases), new(extinct));
    }

    public static TablesSpec Assemble(CatalogSpec catalog, ImmutableArray<SettingBasisSpec> bases, int cutoff, CancellationToken cancellationToken)
    {
        var settings = catalog.Settings.AsArray();
        var byIndex = bases.ToDictionary(b => b.SettingIndex);

        // Global frequency list: the union of every closure, in canonical order.
        var keys = new Dictionary<long, (int h, int k, int l)>();
        foreach (var b in bases)
        {
            var f = b.Frequencies.AsArray();
            for (int i = 0; i < f.Length; i += 3) keys[FrequencyOrder.Key(f[i], f[i + 1], f[i + 2])] = (f[i], f[i + 1], f[i + 2]);
        }
        var global = keys.Values.ToList();
        global.Sort((a, b) => FrequencyOrder.Compare(a.h, a.k, a.l, b.h, b.k, b.l));
        var globalIndex = new Dictionary<long, int>();
        var frequencies = new List<int>();
        for (int i = 0; i < global.Count; i++)
        {
            globalIndex[FrequencyOrder.Key(global[i].h, global[i].k, global[i].l)] = i;
            frequencies.Add(global[i].h); frequencies.Add(global[i].k); frequencies.Add(global[i].l);
        }

        var rotations = new List<int>();
        var rotationIndex = new Dictionary<string, int>();
        var opRotation = new List<int>();
        var opTranslation = new List<int>();
        var settingOpStart = new List<int>();
        var settingPartition = new List<int>();
        var settingPhaseStart = new List<int>();
        var settingPhaseDen = new List<int>();
        var settingLive = new List<int>();
        var partitionMemberStart = new List<int>();
        var partitionOrbitStart = new List<int>();
        var orbitMemberStart = new List<int>();
        var members = new List<int>();
        var phases = new List<int>();
        var partitionIndex = new Dictionary<string, int>();
        var phaseIndex = new Dictionary<string, int>();

        foreach (var spec in settings)
        {
            cancellationToken.ThrowIfCancellationRequested();
            settingOpStart.Add(opRotation.Count);
            var flat = spec.Operations.AsArray();
            for (int o = 0; o < spec.OperationCount; o++)
            {
                int b = o * SettingSpec.IntsPerOperation;
                string rk = string.Join(",", flat.Skip(b).Take(9));
                if (!rotationIndex.TryGetValue(rk, out int ri))
                {
                    ri = rotationIndex.Count;
                    rotationIndex[rk] = ri;
                    rotations.AddRange(flat.Skip(b).Take(9));
                }
                opRotation.Add(ri);
                opTranslation.AddRange(flat.Skip(b + 9).Take(4));
            }

            var basis = byIndex[spec.Index];
            var f = basis.Frequencies.AsArray();
            var localMembers = basis.Members.AsArray().Select(m => globalIndex[FrequencyOrder.Key(f[3 * m], f[3 * m + 1], f[3 * m + 2])]).ToArray();
            var starts = basis.OrbitStart.AsArray();
            string pk = Join(localMembers) + "|" + Join(starts);
            if (!partitionIndex.TryGetValue(pk, out int p))
            {
                p = partitionIndex.Count;
                partitionIndex[pk] = p;
                partitionMemberStart.Add(members.Count);
                partitionOrbitStart.Add(orbitMemberStart.Count);
                members.AddRange(localMembers);
                orbitMemberStart.AddRange(starts);
            }
            settingPartition.Add(p);

            var extinct = basis.Extinct.AsArray();
            var local = basis.Phases.AsArray().ToArray();
            for (int o = 0; o < extinct.Length; o++)
                if (extinct[o])
                    for (int m = starts[o]; m < starts[o + 1]; m++) local[m] = ExtinctPhase;
            settingLive.Add(extinct.Count(e => !e));
            string phk = p + "|" + Join(local);
            if (!phaseIndex.TryGetValue(phk, out int start))
            {
                start = phases.Count;
                phaseIndex[phk] = start;
                phases.AddRange(local);
            }
            settingPhaseStart.Add(start);
            settingPhaseDen.Add(basis.PhaseDenominator);
        }
        settingOpStart.Add(opRotation.Count);
        partitionMemberStart.Add(members.Count);
        partitionOrbitStart.Add(orbitMemberStart.Count);

        var standard = new int[231];
        for (int i = 0; i < standard.Length; i++) standard[i] = -1;
        foreach (var s in settings) if (s.IsStandard) standard[s.Number] = s.Index;

        return new TablesSpec(cutoff, catalog.Settings, new(frequencies.ToArray()), new(rotations.ToArray()),
            new(opRotation.ToArray()), new(opTranslation.ToArray()), new(settingOpStart.ToArray()), new(settingPartition.ToArray()),
            new(settingPhaseStart.ToArray()), new(settingPhaseDen.ToArray()), new(settingLive.ToArray()),
            new(partitionMemberStart.ToArray()), new(partitionOrbitStart.ToArray()), new(orbitMemberStart.ToArray()),
            new(members.ToArray()), new(phases.ToArray()), new(standard), HermannMauguinKeys(settings), HallKeys(settings));
    }

    /// <summary>
    /// Symbol keys in priority order: a standard setting's own symbols, then every setting's full
    /// symbol, then aliases (old e-glide names, the short name of non-standard settings).
    /// </summary>
    private static EquatableArray<SymbolKey> HermannMauguinKeys(SettingSpec[] settings)
    {
        var map = new Dictionary<string, int>();
        var order = new List<SymbolKey>();
        void Add(string symbol, int index)
        {
            string key = SpaceGroupSymbol.NormalizeHermannMauguin(symbol);
            if (key.Length == 0 || map.ContainsKey(key)) return;
            map[key] = index;
            order.Add(new SymbolKey(key, index));
        }
        foreach (var s in settings.Where(s => s.IsStandard)) { Add(s.HermannMauguin, s.Index); Add(s.HermannMauguinSetting, s.Index); }
        foreach (var s in settings) Add(s.HermannMauguinSetting, s.Index);
        foreach (var s in settings.Where(s => s.IsStandard)) foreach (var a in s.Aliases) Add(a, s.Index);
        foreach (var s in settings) { Add(s.HermannMauguin, s.Index); foreach (var a in s.Aliases) Add(a, s.Index); }
        return order.ToEquatableArray();
    }

    private static EquatableArray<SymbolKey> HallKeys(SettingSpec[] settings)
    {
        var map = new HashSet<string>();
        var order = new List<SymbolKey>();
        foreach (var s in settings)
        {
            string key = SpaceGroupSymbol.NormalizeHall(s.Hall);
            if (key.Length > 0 && map.Add(key)) order.Add(new SymbolKey(key, s.Index));
        }
        return order.ToEquatableArray();
    }

    private static string Join(int[] values)
    {
        var sb = new StringBuilder(values.Length * 4);
        foreach (int v in values) sb.Append(v).Append(',');
        return sb.ToString();
    }
}
