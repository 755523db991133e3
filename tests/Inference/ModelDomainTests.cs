using System.Collections.Generic;
using System.Linq;
using System.IO;
using CftRuntime.Inference;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using Xunit;

namespace CftRuntime.Tests.Inference;

public class ModelDomainTests
{
    private static string Example(string file) => Path.Combine(TestData.RepositoryRoot, "data", "examples", file);

    private static Crystals.Crystal Standard(string file) => SymmetryFinder.Prepare(CifReader.ReadCrystals(Example(file))[0]).Crystal;

    [Theory]
    [InlineData("Li2O.cif", "AB2", 3)]
    [InlineData("abinit__si.cif", "A", 2)]
    [InlineData("garnet.cif", "A2B3C3D12", 80)]
    [InlineData("LiFePO4.cif", "ABCD4", 28)]
    public void Formula_type_and_atoms_per_primitive_cell_of_standardised_structures(string file, string type, double atoms)
    {
        var crystal = Standard(file);
        Assert.Equal(type, ModelDomain.FormulaType(crystal));
        Assert.Equal(atoms, ModelDomain.AtomsPerPrimitive(crystal), 9);
    }

    /// <summary>A full cell in P1 counts its own lattice points: the conventional cells of Li2O (12 atoms, F-centred),
    /// of Si and the garnet's I-centred cell give their primitive counts, and so does a 2×1×1 supercell of the conventional
    /// cell; the reduced cell (<see cref="SymmetryFinder.ReducedCell"/>) holds exactly that many atoms.</summary>
    [Theory]
    [InlineData("Li2O.cif", 3)]
    [InlineData("abinit__si.cif", 2)]
    [InlineData("garnet.cif", 80)]
    [InlineData("LiFePO4.cif", 28)]
    public void A_cell_in_P1_counts_its_own_lattice_points(string file, double atoms)
    {
        var standard = Standard(file);
        var cell = standard.ExpandToCell();
        var asGiven = new Crystals.Crystal("as given", standard.Lattice, Crystals.CrystalSymmetry.P1, cell);
        Assert.Equal(atoms, ModelDomain.AtomsPerPrimitive(asGiven), 9);
        var reduced = SymmetryFinder.ReducedCell(standard).Crystal;
        Assert.Single(reduced.Symmetry.Operations);
        Assert.Equal(atoms, reduced.AtomCount, 9);
        Assert.Equal(atoms, ModelDomain.AtomsPerPrimitive(reduced), 9);
        var doubled = new List<Crystals.Site>();
        foreach (var s in cell) { doubled.Add(s with { X = s.X / 2 }); doubled.Add(s with { X = s.X / 2 + 0.5 }); }
        var m = standard.Lattice;
        var supercell = new Crystals.Crystal("2x1x1", Crystals.Lattice.FromVectors([2 * m[0, 0], 2 * m[0, 1], 2 * m[0, 2], m[1, 0], m[1, 1], m[1, 2], m[2, 0], m[2, 1], m[2, 2]]),
            Crystals.CrystalSymmetry.P1, doubled);
        Assert.Equal(2 * cell.Count, supercell.AtomCount);
        Assert.Equal(atoms, ModelDomain.AtomsPerPrimitive(supercell), 9);
        // A displaced atom breaks the translations: the whole cell is primitive then.
        var broken = new Crystals.Crystal("broken", standard.Lattice, Crystals.CrystalSymmetry.P1, cell.Select((s, i) => i == 0 ? s with { X = s.X + 0.01 } : s));
        Assert.Equal(cell.Count, ModelDomain.AtomsPerPrimitive(broken), 9);
    }

    private static ModelDomain Perovskites(string json) =>
        ModelDomain.FromMetadata("m.onnx", new Dictionary<string, string> { ["cft.domain"] = json }, new HashSet<int> { 3, 8, 14, 22, 38 });

    [Fact]
    public void A_structure_outside_the_training_data_gets_every_reason()
    {
        var domain = Perovskites("""{"atoms_per_primitive_cell": [5, 5], "formula_types": ["ABC3", "ABC2D"], "novelty_threshold": 1.5}""");
        Assert.True(domain.IsDescribed);
        string? note = domain.Check(Standard("Li2O.cif"), novelty: 3.25);
        Assert.Equal("3 atoms per primitive cell; trained on 5; formula type AB2; trained on ABC3, ABC2D; embedding distance 3.25 > 1.5 (nearest training structure)", note);
        Assert.Equal("2 atoms per primitive cell; trained on 5; formula type A; trained on ABC3, ABC2D", domain.Check(Standard("abinit__si.cif"), novelty: 1.0));
        Assert.Equal("elements P, Fe not in the training data; 28 atoms per primitive cell; trained on 5; formula type ABCD4; trained on ABC3, ABC2D",
            domain.Check(Standard("LiFePO4.cif"), novelty: null));
        // A NaN novelty is not "within the threshold".
        Assert.NotNull(Perovskites("""{"novelty_threshold": 1.5}""").Check(Standard("Li2O.cif"), double.NaN));
    }

    [Fact]
    public void Inside_the_domain_there_is_no_note()
    {
        var domain = Perovskites("""{"atoms_per_primitive_cell": [2, 4], "formula_types": ["A", "AB2"], "novelty_threshold": 1.5}""");
        Assert.Null(domain.Check(Standard("Li2O.cif"), novelty: 1.5));
        Assert.Null(domain.Check(Standard("abinit__si.cif"), novelty: 0.1));
        // A model without cft.domain (format 1.0) is judged by its elements alone.
        var old = ModelDomain.FromMetadata("m.onnx", new Dictionary<string, string>(), new HashSet<int> { 3, 8 });
        Assert.False(old.IsDescribed);
        Assert.Null(old.Check(Standard("Li2O.cif"), novelty: 99));
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("""{"atoms_per_primitive_cell": [5]}""")]
    [InlineData("""{"atoms_per_primitive_cell": ["five", 5]}""")]
    [InlineData("{")]
    public void Malformed_domain_metadata_is_a_model_error(string json)
    {
        var e = Assert.Throws<CftModelException>(() => Perovskites(json));
        Assert.Contains("m.onnx: metadata 'cft.domain'", e.Message);
    }
}
