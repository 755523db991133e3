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

    /// <summary>A basis with three-body channels (cutoffs that reach past the first neighbours of every test structure).</summary>
    private static readonly PairFeaturizer WithAngles = new(6, 24, 0.25, new AngularPairBasis(3.5, 0.8, 6, 9, 0.15));

    [Theory]
    [InlineData(1.5, 2.0)]
    [InlineData(2.0, 2.5)]
    public void Simple_cubic_angular_channels_match_the_analytic_bond_angles(double a, double cutoff)
    {
        // Six neighbours at a (the next shell, a√2, is beyond the cutoff); seen from one of them the other five make
        // four right angles (cos 0) and one straight angle (cos −1).
        var angular = new AngularPairBasis(cutoff, 0.8, 5, 7, 0.2);
        var featurizer = new PairFeaturizer(6, 24, 0.25, angular);
        var crystal = new Crystal("sc", Lattice.FromParameters(a, a, a, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(221)), [new Site(6, 0, 0, 0)]);
        var p = featurizer.Compute(crystal);
        Assert.Equal(24 + 35, featurizer.ChannelCount);
        Assert.Equal(featurizer.ChannelCount, p.Length);
        Assert.Equal(new PairFeaturizer(6, 24, 0.25).Compute(crystal), p[..24]);
        double f = 0.5 * (Math.Cos(Math.PI * a / cutoff) + 1), spacing = (cutoff - 0.8) / 4;
        for (int b = 0; b < 5; b++)
            for (int c = 0; c < 7; c++)
            {
                double centre = -1 + c * 2.0 / 6, t = a - (0.8 + b * spacing);
                double angles = f * (4 * Gauss(0 - centre, 0.2) + Gauss(-1 - centre, 0.2));
                double expected = 6 * f * Gauss(t, spacing) * angles;
                double actual = p[24 + b * 7 + c];
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, expected), $"b = {b}, a = {c}: {actual} vs {expected}");
            }
    }

    [Fact]
    public void Diamond_angular_channels_see_the_tetrahedral_angle_through_the_orbit()
    {
        // Fd-3m, one unique site of 8 atoms: four bonds of a√3/4 at cos θ = −1/3 to each other (cutoff below the second shell, a/√2).
        double a = 3.567, bond = a * Math.Sqrt(3) / 4, cutoff = 2.0;
        var angular = new AngularPairBasis(cutoff, 1.0, 3, 9, 0.1);
        var crystal = new Crystal("diamond", Lattice.FromParameters(a, a, a, 90, 90, 90), CrystalSymmetry.FromSetting(SpaceGroups.Standard(227)), [new Site(6, 0.125, 0.125, 0.125)]);
        Assert.Equal(8, crystal.Sites[0].Multiplicity);
        var p = new PairFeaturizer(6, 24, 0.25, angular).Compute(crystal);
        double f = 0.5 * (Math.Cos(Math.PI * bond / cutoff) + 1), spacing = 0.5;
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 9; c++)
            {
                double expected = 4 * f * Gauss(bond - (1.0 + b * spacing), spacing) * 3 * f * Gauss(-1.0 / 3 - (-1 + c * 0.25), 0.1);
                Assert.True(Math.Abs(p[24 + b * 9 + c] - expected) <= 1e-5 * Math.Max(1, expected), $"b = {b}, a = {c}: {p[24 + b * 9 + c]} vs {expected}");
            }
    }

    private static double Gauss(double t, double sigma) => Math.Exp(-t * t / (2 * sigma * sigma));

    public static TheoryData<string, bool> OrbitSumCases() => new()
    {
        { "cubic/POSCAR-227", false }, { "hexagonal/POSCAR-194", false }, { "trigonal/POSCAR-166", false }, { "tetragonal/POSCAR-141", false }, { "monoclinic/POSCAR-015", false },
        { "cubic/POSCAR-227", true }, { "hexagonal/POSCAR-194", true }, { "trigonal/POSCAR-166", true }, { "tetragonal/POSCAR-141", true }, { "monoclinic/POSCAR-015", true },
    };

    [Theory]
    [MemberData(nameof(OrbitSumCases))]
    public void Unique_site_pairs_are_the_orbit_sums_of_the_full_cell_pairs(string path, bool angular)
    {
        var pairs = angular ? WithAngles : Pairs;
        var crystal = SymmetryFinder.Standardize(SymmetryTestData.Read(path)).Crystal;
        int s = crystal.Sites.Count, radial = pairs.ChannelCount;
        var unique = pairs.Compute(crystal);
        // The full cell in P1, atoms grouped by orbit in the order of the unique sites.
        var cell = crystal.ExpandToCell();
        var orbitOf = crystal.Sites.SelectMany((site, j) => Enumerable.Repeat(j, site.Multiplicity)).ToArray();
        Assert.Equal(cell.Count, orbitOf.Length);
        var full = pairs.Compute(new Crystal("p1", crystal.Lattice, CrystalSymmetry.P1, cell));
        if (angular) Assert.Contains(unique.Where((_, k) => k % radial >= pairs.RadialCount), v => v > 1e-3);
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
        // Every pair of atoms is counted from both ends: m_i P_ij = m_j P_ji (radial channels; the angular ones see the
        // bond angles at i, which differ from those at j).
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++)
                for (int r = 0; r < pairs.RadialCount; r++)
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
        Assert.Throws<ArgumentOutOfRangeException>(() => new PairFeaturizer(13));
        Assert.Equal("rbf-orbit/cutoff=6/R=60/width=0.1+angular/cutoff=3.5/start=0.8/B=6/A=9/width=0.15",
            new PairFeaturizer(6, 60, 0.1, new AngularPairBasis(3.5, AngularPairBasis.DefaultStartAngstrom, AngularPairBasis.DefaultRadialCount, AngularPairBasis.DefaultAngleCount, AngularPairBasis.DefaultAngleWidth)).Signature);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AngularPairBasis(3.5, 3.5, 6, 9, 0.15));
    }

    [Theory]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25")]
    [InlineData("rbf-orbit/cutoff=6/R=60/width=0.1")]
    [InlineData("rbf-orbit/cutoff=4.5/R=2/width=0.0001")]
    [InlineData("rbf-orbit/cutoff=6/R=60/width=0.1+angular/cutoff=3.5/start=0.8/B=6/A=9/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=8/start=0/B=2/A=32/width=1")]
    public void A_signature_reads_back_as_the_featurizer_it_names(string signature)
    {
        Assert.True(PairFeaturizer.TryParse(signature, out var parsed));
        Assert.Equal(signature, parsed.Signature);
        var other = new PairFeaturizer(parsed.CutoffAngstrom, parsed.RadialCount, parsed.WidthAngstrom,
            parsed.Angular is { } a ? new AngularPairBasis(a.CutoffAngstrom, a.StartAngstrom, a.RadialCount, a.AngleCount, a.AngleWidth) : null);
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
    [InlineData("rbf-orbit/cutoff=6/R=24/width=1E-05")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=Infinity")]
    [InlineData("rbf-orbit/cutoff=6.0/R=24/width=0.25")] // writes back as cutoff=6: not the text this runtime writes
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0,25")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=6/A=9")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=9/start=0.8/B=6/A=9/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=3.5/B=6/A=9/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=1/A=9/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=6/A=33/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=6/A=9/width=0")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=6/A=9/width=1E-300")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.50/start=0.8/B=6/A=9/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+angular/cutoff=3.5/start=0.8/B=6/A=9/width=0.15+angular/cutoff=3.5/start=0.8/B=6/A=9/width=0.15")]
    [InlineData("rbf-orbit/cutoff=6/R=24/width=0.25+radial/cutoff=3.5/start=0.8/B=6/A=9/width=0.15")]
    public void A_signature_this_runtime_does_not_write_is_refused(string signature)
    {
        Assert.False(PairFeaturizer.TryParse(signature, out var parsed));
        Assert.Null(parsed);
    }
}
