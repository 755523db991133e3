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
    [MemberData(nameof(ModelTestData.ShippedScalarModels), MemberType = typeof(ModelTestData))]
    public void Predictions_from_the_structures_match_PyTorch_on_the_exported_features(string name)
    {
        // The test vectors' structures, read again from the dataset CSV and taken through the whole C# path
        // (CIF → spglib → features → ONNX Runtime), give PyTorch's predictions.
        var vectors = ModelTestData.ReadTestVectors(Path.ChangeExtension(ModelTestData.ModelPath(name), ".testvectors.json"));
        var wanted = vectors.Ids.ToHashSet();
        var crystals = StructureSource.Enumerate(ModelTestData.DatasetFiles(name)).Where(r => wanted.Contains(r.Id)).ToDictionary(r => r.Id, r => r.Crystal!);
        using var predictor = CftPredictor.Load([ModelTestData.ModelPath(name)]);
        var results = predictor.Predict(vectors.Ids.Select(id => crystals[id]).ToList());
        for (int i = 0; i < results.Count; i++)
        {
            Assert.Null(results[i].Error);
            var prediction = Assert.Single(results[i].Predictions);
            Assert.True(ModelTestData.Close(prediction.Value, vectors.Prediction[i], 1e-4), $"{vectors.Ids[i]}: C# {prediction.Value}, PyTorch {vectors.Prediction[i]}");
            if (vectors.Std is not null) Assert.True(ModelTestData.Close(prediction.Std!.Value, vectors.Std[i], 1e-3), $"{vectors.Ids[i]}: std C# {prediction.Std}, PyTorch {vectors.Std[i]}");
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
        var diamond = StructureSource.Enumerate([Path.Combine(TestData.RepositoryRoot, "data", "examples", "carbon_24_sample.csv")]).First().Crystal!;
        Assert.All(diamond.Sites, s => Assert.Equal(6, s.AtomicNumber));
        var byDefault = All.Value.Predict(diamond);
        // The carbon model holds diamond in its domain; others whose elements cover carbon may answer, flagged with the reason.
        Assert.True(byDefault.Predictions.Single(p => p.Model == carbon.Name).InDomain);
        Assert.All(byDefault.Predictions, p => Assert.Equal(p.InDomain, p.DomainNote is null));
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

    private static string Example(string file) => Path.Combine(TestData.RepositoryRoot, "data", "examples", file);

    [Theory]
    [InlineData("abinit__si.cif", "2 atoms per primitive cell; trained on 5")]
    [InlineData("Li2O.cif", "3 atoms per primitive cell; trained on 5")]
    [InlineData("garnet.cif", "80 atoms per primitive cell; trained on 5")]
    public void Non_perovskites_are_flagged_with_the_reason_under_the_perovskite_model(string file, string reason)
    {
        using var predictor = CftPredictor.Load([ModelTestData.ModelPath(CftPredictor.DefaultModelName)]);
        var crystal = CifReader.ReadCrystals(Example(file))[0];
        var prediction = Assert.Single(predictor.Predict(crystal, outOfDomain: true).Predictions);
        Assert.False(prediction.InDomain);
        Assert.Contains(reason, prediction.DomainNote);
        Assert.Contains("formula type", prediction.DomainNote);
        Assert.True(prediction.Std > 0, $"{file}: std {prediction.Std}");
    }

    [Fact]
    public void Held_out_CMR_perovskites_are_in_the_domain_of_the_CMR_models_with_an_uncertainty()
    {
        // 40 rows of the CMR test split (never trained on). The novelty threshold is the 99th percentile of the
        // validation scores, so about 1 in 100 held-out structures is flagged as unusual; the cell and formula checks never.
        var crystals = StructureSource.Enumerate([Example("cmr_perovskites_sample.csv")]).Select(r => r.Crystal!).ToList();
        using var predictor = CftPredictor.Load(ModelTestData.ShippedModels.Select(o => (string)o[0]).Where(n => n.StartsWith("cmr_perovskites-", StringComparison.Ordinal)).Select(ModelTestData.ModelPath));
        Assert.Equal(2, predictor.Models.Count);
        var results = predictor.Predict(crystals);
        var predictions = results.SelectMany(r => r.Predictions).ToList();
        Assert.Equal(2 * crystals.Count, predictions.Count);
        Assert.All(predictions, p => Assert.DoesNotContain("atoms per primitive cell", p.DomainNote ?? ""));
        Assert.All(predictions, p => Assert.DoesNotContain("formula type", p.DomainNote ?? ""));
        Assert.All(predictions, p => Assert.True(p.Std >= 0));
        Assert.True(predictions.Count(p => p.InDomain) >= predictions.Count - 2, string.Join("\n", predictions.Where(p => !p.InDomain).Select(p => p.DomainNote)));
    }

    [Fact]
    public void Out_of_domain_predictions_give_way_to_an_in_domain_model_of_the_same_property()
    {
        // The default model under two names: "wide" also admits 2 to 5 atoms per primitive cell, the formula types A and
        // AB2 and any embedding distance.
        string path = ModelTestData.ModelPath(CftPredictor.DefaultModelName);
        string wide = ModelTestData.CopyWithMetadata(path, "wide", m => m["cft.domain"] = System.Text.RegularExpressions.Regex.Replace(m["cft.domain"]
            .Replace("\"atoms_per_primitive_cell\": [5.0, 5.0]", "\"atoms_per_primitive_cell\": [2.0, 5.0]")
            .Replace("\"formula_types\": [", "\"formula_types\": [\"A\", \"AB2\", "), "\"novelty_threshold\": [-+0-9.eE]+", "\"novelty_threshold\": 1e9"));
        string narrow = ModelTestData.CopyWithMetadata(path, "narrow", _ => { });
        try
        {
            using var predictor = CftPredictor.Load([narrow, wide]);
            Assert.True(predictor.Models[1].Domain.AtomsPerPrimitiveCell == (2.0, 5.0), predictor.Models[1].Metadata["cft.domain"]);
            var li2o = CifReader.ReadCrystals(Example("Li2O.cif"))[0];
            var all = predictor.Predict(li2o, outOfDomain: true);
            Assert.Equal(["narrow", "wide"], all.Predictions.Select(p => p.Model));
            Assert.False(all.Predictions[0].InDomain);
            Assert.True(all.Predictions[1].InDomain, all.Predictions[1].DomainNote);
            Assert.Equal(all.Predictions[0].Value, all.Predictions[1].Value);
            // Without outOfDomain the out-of-domain value gives way; with the in-domain model gone it stays, flagged.
            Assert.Equal("wide", Assert.Single(predictor.Predict(li2o).Predictions).Model);
            using var alone = CftPredictor.Load([narrow]);
            Assert.False(Assert.Single(alone.Predict(li2o).Predictions).InDomain);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(wide)!, true);
            Directory.Delete(Path.GetDirectoryName(narrow)!, true);
        }
    }
}
