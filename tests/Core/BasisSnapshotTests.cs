using System.Linq;
using CftRuntime.Basis;
using CftRuntime.Tables;
using Snapshooter;
using Snapshooter.Xunit;
using Xunit;

namespace CftRuntime.Tests.Core;

/// <summary>Snapshots of the emitted tables (Snapshooter: __snapshots__/*.snap; a change fails with a diff).</summary>
public class BasisSnapshotTests
{
    [Theory]
    [InlineData("P1")]
    [InlineData("P-1")]
    [InlineData("P2_1/c")]
    [InlineData("Pnma")]
    [InlineData("I4_1/amd")]
    [InlineData("R-3m")]
    [InlineData("P6_3/mmc")]
    [InlineData("Fm-3m")]
    [InlineData("Fd-3m")]
    [InlineData("Ia-3d")]
    public void Emitted_table(string symbol)
    {
        var s = SpaceGroups.Find(symbol);
        var d = BasisDescription.FromTable(s.Basis);
        var snapshot = new
        {
            s.Number,
            s.HermannMauguin,
            s.Hall,
            s.Setting,
            s.Order,
            d.Cutoff,
            d.ClosureSize,
            OrbitCount = d.Orbits.Count,
            // One line per orbit: members with their phase p/N relative to the first member.
            Orbits = d.Orbits.Select(o => string.Join("  ", o.Members.Zip(o.Phases, (m, p) => $"({m.H} {m.K} {m.L}){(p.P == 0 ? "" : $"·{p.P}/{p.N}")}"))).ToArray(),
            Extinct = string.Join(" ", d.Extinct.Select(e => $"({e.H} {e.K} {e.L})")),
        };
        Snapshot.Match(snapshot, new SnapshotNameExtension(symbol.Replace("/", "_")));
    }
}
