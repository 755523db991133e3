using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using CftRuntime.Crystals;
using CftRuntime.Inference;
using CftRuntime.Io;
using CftRuntime.Symmetry;
using CftRuntime.Tables;
using CftRuntime.Tests.Symmetry;
using Xunit;

namespace CftRuntime.Tests.Inference;

public class CftPredictorTests
{
    private static readonly Lazy<CftPredictor> All = new(() => CftPredictor.Load(ModelTestData.ShippedModels.Select(o => ModelTestData.ModelPath((string)o[0]))));

    [Fact]
    public void The_shipped_models_are_found_without_configuration()
    {
        var found = CftPredictor.FindModels();
        Assert.Equal(ModelTestData.ShippedModels.Select(o => (string)o[0] + ".onnx"), found.Select(Path.GetFileName));
        using var predictor = CftPredictor.LoadDefault();
        Assert.Equal(found.Count, predictor.Models.Count);
    }

    [Theory]
    [MemberData(nameof(ModelTestData.ShippedModels), MemberType = typeof(ModelTestData))]
    public void Predictions_from_the_structures_match_PyTorch_on_the_exported_features(string name)
    {
        // The test vectors' structures, read again from the dataset CSV and taken through the whole C# path
        // (CIF → spglib → features → ONNX Runtime), give PyTorch's predictions.
        var vectors = ModelTestData.ReadTestVectors(Path.ChangeExtension(ModelTestData.ModelPath(name), ".testvectors.json"));
        string set = name.StartsWith("carbon_24", StringComparison.Ordinal) ? "carbon_24" : "perov_5";
        var wanted = vectors.Ids.ToHashSet();
        var crystals = StructureSource.Enumerate([Path.Combine(Io.IoTestData.DataRoot, set, "val.csv")]).Where(r => wanted.Contains(r.Id)).ToDictionary(r => r.Id, r => r.Crystal!);
        using var predictor = CftPredictor.Load([ModelTestData.ModelPath(name)]);
        var results = predictor.Predict(vectors.Ids.Select(id => crystals[id]).ToList());
        for (int i = 0; i < results.Count; i++)
        {
            Assert.Null(results[i].Error);
            double value = Assert.Single(results[i].Predictions).Value;
            Assert.True(ModelTestData.Close(value, vectors.Prediction[i], 1e-4), $"{vectors.Ids[i]}: C# {value}, PyTorch {vectors.Prediction[i]}");
        }
    }

    private static Crystal P1(Crystal c, Lattice lattice, Func<Site, Site> map) => new(c.Id, lattice, CrystalSymmetry.P1, c.ExpandToCell().Select(map));

    [Theory]
    [InlineData("cubic/POSCAR-227")]
    [InlineData("cubic/POSCAR-221")]
    [InlineData("hexagonal/POSCAR-194")]
    [InlineData("trigonal/POSCAR-166")]
    [InlineData("tetragonal/POSCAR-141")]
    [InlineData("orthorhombic/POSCAR-062")]
    [InlineData("monoclinic/POSCAR-014")]
    public void Symmetry_equivalent_descriptions_get_the_same_predictions(string path)
    {
        var input = SymmetryTestData.Read(path);
        var standard = SymmetryFinder.Standardize(input).Crystal;
        var l = input.Lattice.ToArray();
        var descriptions = new List<(string What, Crystal Crystal)>
        {
            ("origin shift", P1(input, input.Lattice, s => s with { X = s.X + 0.137, Y = s.Y + 0.291, Z = s.Z + 0.443 })),
            ("axis permutation", P1(input, Lattice.FromVectors([l[3], l[4], l[5], l[6], l[7], l[8], l[0], l[1], l[2]]), s => s with { X = s.Y, Y = s.Z, Z = s.X })),
            // Other representatives: each unique site replaced by another member of its orbit.
            ("other representative sites", new Crystal(input.Id, standard.Lattice, standard.Symmetry,
                standard.Sites.Select(s => { var o = standard.Orbit(s.X, s.Y, s.Z); var (x, y, z) = o[o.Count / 2]; return s with { X = x, Y = y, Z = z }; }))),
            ("standard cell", standard),
        };
        var reference = All.Value.Predict(input, outOfDomain: true);
        Assert.Null(reference.Error);
        Assert.Equal(All.Value.Models.Count, reference.Predictions.Count);
        foreach (var (what, crystal) in descriptions)
        {
            var result = All.Value.Predict(crystal, outOfDomain: true);
            Assert.Equal(reference.SpaceGroup, result.SpaceGroup);
            for (int m = 0; m < reference.Predictions.Count; m++)
                Assert.True(ModelTestData.Close(result.Predictions[m].Value, reference.Predictions[m].Value, 1e-5),
                    $"{path} {what}, {reference.Predictions[m].Model}: {result.Predictions[m].Value} vs {reference.Predictions[m].Value}");
        }
    }

    [Fact]
    public void A_structure_in_a_subgroup_description_is_predicted_from_its_standard_cell_and_says_so()
    {
        // An Fm-3m structure described in its subgroup P2/m (as a CIF with only those operations would be) is predicted
        // from the same standard cell as the Fm-3m description, and the result says it was standardised.
        var fm3m = SymmetryFinder.Standardize(SymmetryTestData.Read("cubic/POSCAR-225")).Crystal;
        var sub = Crystal.FromFullCell("as-P2/m", fm3m.Lattice, CrystalSymmetry.FromSetting(SpaceGroups.Standard(10)), fm3m.ExpandToCell());
        Assert.Equal(10, sub.Symmetry.Number);
        var a = All.Value.Predict(fm3m, outOfDomain: true);
        var b = All.Value.Predict(sub, outOfDomain: true);
        Assert.Equal(225, b.SpaceGroup);
        Assert.Contains("standardised", b.Note);
        Assert.Null(a.Note);
        for (int m = 0; m < a.Predictions.Count; m++) Assert.True(ModelTestData.Close(a.Predictions[m].Value, b.Predictions[m].Value, 1e-5));
    }

    [Fact]
    public void Only_models_trained_on_the_elements_apply_unless_asked()
    {
        var carbon = All.Value.Models.Single(m => m.Property == "energy_per_atom");
        Assert.Equal([6], carbon.Elements.ToArray());
        var diamond = SymmetryTestData.Read("cubic/POSCAR-227");
        var byDefault = All.Value.Predict(diamond);
        Assert.All(byDefault.Predictions, p => Assert.True(p.InDomain));
        Assert.All(byDefault.Predictions, p => Assert.True(All.Value.Models.Single(m => m.Name == p.Model).Covers(diamond.Sites.Select(s => s.AtomicNumber))));
        var forced = All.Value.Predict(diamond, outOfDomain: true);
        Assert.Equal(All.Value.Models.Count, forced.Predictions.Count);
    }

    [Fact]
    public void Batched_and_parallel_prediction_equals_one_by_one()
    {
        var crystals = StructureSource.Enumerate([Path.Combine(TestData.RepositoryRoot, "data", "examples", "perov_5_sample.csv")]).Select(r => r.Crystal!).Take(40).ToList();
        var predictor = new CftPredictor(All.Value.Models) { BatchSize = 7 };
        var batched = predictor.Predict(crystals, maxDegreeOfParallelism: 2);
        for (int i = 0; i < crystals.Count; i++)
        {
            var single = All.Value.Predict(crystals[i]);
            Assert.Equal(single.Predictions.Select(p => p.Model), batched[i].Predictions.Select(p => p.Model));
            for (int m = 0; m < single.Predictions.Count; m++)
                Assert.True(ModelTestData.Close(single.Predictions[m].Value, batched[i].Predictions[m].Value, 1e-5));
        }
    }
}
