using System;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Features;
using CftRuntime.Symmetry;
using CftRuntime.Tables;
using CftRuntime.Tests.Symmetry;
using Xunit;

namespace CftRuntime.Tests.Features;

public class PairFeaturizerTests
{
    private static readonly PairFeaturizer Pairs = PairFeaturizer.Default;

    [Fact]
    public void Simple_cubic_matches_the_analytic_neighbour_shells()
    {
        // One atom, a = 3 Å: shells at 3 (6 neighbours), 3√2 (12), 3√3 (8); 6 Å (6) sits on the cutoff, where the envelope is 0.
        var crystal = new Crystal("sc", Lattice.FromParameters(3, 3, 3, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(221)), [new Site(29, 0, 0, 0)]);
        var p = Pairs.Compute(crystal);
        Assert.Equal(Pairs.RadialCount, p.Length);
        double step = Pairs.CutoffAngstrom / (Pairs.RadialCount - 1);
        for (int r = 0; r < Pairs.RadialCount; r++)
        {
            double expected = new[] { (3.0, 6), (3 * Math.Sqrt(2), 12), (3 * Math.Sqrt(3), 8) }.Sum(shell =>
            {
                double envelope = 0.5 * (Math.Cos(Math.PI * shell.Item1 / Pairs.CutoffAngstrom) + 1);
                double t = shell.Item1 - r * step;
                return shell.Item2 * envelope * Math.Exp(-t * t / (2 * Pairs.WidthAngstrom * Pairs.WidthAngstrom));
            });
            Assert.True(Math.Abs(p[r] - expected) <= 1e-5 * Math.Max(1, expected), $"r = {r}: {p[r]} vs {expected}");
        }
    }

    [Theory]
    [InlineData("cubic/POSCAR-227")]
    [InlineData("hexagonal/POSCAR-194")]
    [InlineData("trigonal/POSCAR-166")]
    [InlineData("tetragonal/POSCAR-141")]
    [InlineData("monoclinic/POSCAR-015")]
    public void Unique_site_pairs_are_the_orbit_sums_of_the_full_cell_pairs(string path)
    {
        var crystal = SymmetryFinder.Standardize(SymmetryTestData.Read(path)).Crystal;
        int s = crystal.Sites.Count, radial = Pairs.RadialCount;
        var unique = Pairs.Compute(crystal);
        // The full cell in P1, atoms grouped by orbit in the order of the unique sites.
        var cell = crystal.ExpandToCell();
        var orbitOf = crystal.Sites.SelectMany((site, j) => Enumerable.Repeat(j, site.Multiplicity)).ToArray();
        Assert.Equal(cell.Count, orbitOf.Length);
        var full = Pairs.Compute(new Crystal("p1", crystal.Lattice, CrystalSymmetry.P1, cell));
        int n = cell.Count;
        for (int k = 0; k < n; k++)
        {
            var sums = new double[s * radial];
            for (int l = 0; l < n; l++)
                for (int r = 0; r < radial; r++) sums[orbitOf[l] * radial + r] += full[(k * n + l) * radial + r];
            int i = orbitOf[k];
            for (int j = 0; j < s; j++)
                for (int r = 0; r < radial; r++)
                {
                    double a = unique[(i * s + j) * radial + r], b = sums[j * radial + r];
                    Assert.True(Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b)), $"{path}: atom {k} (site {i}) → site {j}, r = {r}: {a} vs {b}");
                }
        }
        // Every pair of atoms is counted from both ends: m_i P_ij = m_j P_ji.
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++)
                for (int r = 0; r < radial; r++)
                {
                    double a = crystal.Sites[i].Multiplicity * unique[(i * s + j) * radial + r], b = crystal.Sites[j].Multiplicity * unique[(j * s + i) * radial + r];
                    Assert.True(Math.Abs(a - b) <= 1e-4 * Math.Max(1, Math.Abs(b)), $"{path}: m_i P_ij {a} vs m_j P_ji {b}");
                }
    }

    [Fact]
    public void The_signature_names_cutoff_radial_count_and_width()
    {
        Assert.Equal("rbf-orbit/cutoff=6/R=24/width=0.25", Pairs.Signature);
        Assert.Equal("rbf-orbit/cutoff=5/R=16/width=0.5", new PairFeaturizer(5, 16, 0.5).Signature);
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairFeaturizer(0));
    }

    [Theory]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=60/width=0.1")]
    [InlineData("rbf-orbit/cutoff=4.5/R=2/width=1E-05")]
    public void A_signature_reads_back_as_the_featurizer_it_names(string signature)
    {
        Assert.True(PairFeaturizer.TryParse(signature, out var parsed));
        Assert.Equal(signature, parsed.Signature);
        var other = new PairFeaturizer(parsed.CutoffAngstrom, parsed.RadialCount, parsed.WidthAngstrom);
        var crystal = SymmetryFinder.Standardize(SymmetryTestData.Read("cubic/POSCAR-227")).Crystal;
        Assert.Equal(other.Compute(crystal), parsed.Compute(crystal));
        Assert.Same(PairFeaturizer.Default, PairFeaturizer.TryParse(PairFeaturizer.Default.Signature, out var d) ? d : null);
    }

    [Theory]
    [InlineData("")]
    [InlineData("rbf/cutoff=6/R=24/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=24")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25/extra")]
    [InlineData("rbf-orbit/cutoff=0/R=24/width=0.25")]
    [InlineData("rbf-orbit/cutoff=13/R=24/width=0.25")]
    [InlineData("rbf-orbit/cutoff=NaN/R=24/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=1/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=257/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=-3/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=Infinity")]
    [InlineData("rbf-orbit/cutoff=6.0/R=24/width=0.25")] // writes back as cutoff=6: not the text this runtime writes
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0,25")]
    public void A_signature_this_runtime_does_not_write_is_refused(string signature)
    {
        Assert.False(PairFeaturizer.TryParse(signature, out var parsed));
        Assert.Null(parsed);
    }
}
